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

let events: EventSource | null = null;
const subscribers = new Set<(msg: { channel: string; payload: unknown }) => void>();

/** Engine notifications (`changed` after any write); one Server-Sent Events stream in browser mode. */
export function listen(channel: string, callback: (payload: unknown) => void, bridge: PreloadBridge | undefined = globalThis.window?.countersign): () => void {
  if (bridge) return bridge.listen(channel, callback);
  if (!events) {
    events = new EventSource('/events');
    events.onmessage = (e) => {
      const msg = JSON.parse(e.data as string) as { channel: string; payload: unknown };
      for (const s of subscribers) s(msg);
    };
  }
  const sub = (msg: { channel: string; payload: unknown }) => msg.channel === channel && callback(msg.payload);
  subscribers.add(sub);
  return () => {
    subscribers.delete(sub);
    if (!subscribers.size) {
      events?.close();
      events = null;
    }
  };
}
