import { createClient, type Transport } from '../../src-shared/contract/dispatch.ts';
import type { AppContract } from '../../src-shared/contract/ui.ts';
import type { Reply } from '../../src-shared/result.ts';

/** What the Electron preload exposes: nothing but these two. */
export interface PreloadBridge {
  invoke(name: string, arg: unknown): Promise<Reply<unknown>>;
  listen(channel: string, callback: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    countersign?: PreloadBridge;
  }
}

/** Browser mode: `POST /rpc/<name>`; the HttpOnly cookie carries the token. */
export const httpTransport: Transport = async (name, arg) => {
  try {
    const res = await fetch(`/rpc/${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(arg ?? {}) });
    if (!res.ok && res.headers.get('content-type')?.includes('application/json') !== true) {
      return { ok: false, error: { code: res.status === 401 ? 'unauthorized' : 'http_error', message: `${res.status} ${(await res.text()).trim()}` } };
    }
    return (await res.json()) as Reply<unknown>;
  } catch (err) {
    return { ok: false, error: { code: 'unreachable', message: (err as Error).message } };
  }
};

export type AppClient = ReturnType<typeof createClient<AppContract>>;

/** The one client: over the preload in Electron, over HTTP in browser mode. */
export function createAppClient(bridge: PreloadBridge | undefined = globalThis.window?.countersign): AppClient {
  return createClient<AppContract>(bridge ? (name, arg) => bridge.invoke(name, arg) : httpTransport);
}

/** Engine notifications (`changed` after any write); Server-Sent Events in browser mode. */
export function listen(channel: string, callback: (payload: unknown) => void, bridge: PreloadBridge | undefined = globalThis.window?.countersign): () => void {
  if (bridge) return bridge.listen(channel, callback);
  const source = new EventSource('/events');
  source.onmessage = (e) => {
    const msg = JSON.parse(e.data as string) as { channel: string; payload: unknown };
    if (msg.channel === channel) callback(msg.payload);
  };
  return () => source.close();
}
