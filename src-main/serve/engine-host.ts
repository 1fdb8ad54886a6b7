// The engine in its own process, for the desktop app and browser mode: built into
// out/main/engine-host.js and forked from there under plain Node (no TypeScript loader; native modules
// stay built for Node) by EngineClient, which talks to it over the IPC channel, one message per call,
// so the engine never runs on the Electron main thread or the UI thread.
import { openAppBackend } from './app-backend.ts';

export type HostRequest = { type: 'call'; id: number; name: string; arg: unknown } | { type: 'shutdown' };
export type HostMessage =
  | { type: 'ready' }
  | { type: 'reply'; id: number; reply: unknown }
  | { type: 'event'; channel: string; payload: unknown }
  | { type: 'fatal'; message: string };

const send = (m: HostMessage) => process.send?.(m);

async function main(): Promise<void> {
  const dataDir = process.env.COUNTERSIGN_DATA_DIR;
  if (!dataDir || !process.send) throw new Error('engine-host runs as a forked child with COUNTERSIGN_DATA_DIR set');
  const backend = await openAppBackend({ dataDir });
  // Documents cut off by a crash or a quit mid-run carry on where they stopped.
  void backend.engine.pipeline.resumePending(() => backend.events.emit('changed', { call: 'documents.process' })).catch(() => undefined);
  backend.events.on((channel, payload) => send({ type: 'event', channel, payload }));
  let inFlight = 0;
  let stopping: (() => void) | null = null;
  process.on('message', async (m: HostRequest) => {
    if (m.type === 'shutdown') {
      // Let calls in progress finish, then close the engine (which finishes its writes) and exit.
      await new Promise<void>((resolve) => (inFlight === 0 ? resolve() : (stopping = resolve)));
      await backend.close();
      process.exit(0);
    }
    if (m.type !== 'call') return;
    inFlight += 1;
    try {
      send({ type: 'reply', id: m.id, reply: await backend.call(m.name, m.arg) });
    } finally {
      inFlight -= 1;
      if (inFlight === 0) (stopping as (() => void) | null)?.();
    }
  });
  process.on('disconnect', () => void backend.close().finally(() => process.exit(0)));
  send({ type: 'ready' });
}

main().catch((err: Error) => {
  send({ type: 'fatal', message: err.message });
  process.exit(1);
});
