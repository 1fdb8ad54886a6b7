// The whole bridge: `invoke` and `listen`, nothing else (contextIsolation and sandbox are on).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('countersign', {
  invoke: (name: string, arg: unknown) => ipcRenderer.invoke('countersign:invoke', String(name), arg),
  listen: (channel: string, callback: (payload: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, msg: { channel: string; payload: unknown }) => {
      if (msg && msg.channel === channel) callback(msg.payload);
    };
    ipcRenderer.on('countersign:event', handler);
    return () => ipcRenderer.removeListener('countersign:event', handler);
  },
});
