import { dispatch, type Transport } from '../../src-shared/contract/dispatch.ts';
import { appContract, type AppHandlers } from '../../src-shared/contract/ui.ts';
import { defaultActor, Engine, type EngineOptions } from '../engine/engine.ts';
import { isEnrolled } from '../sync/sync-service.ts';
import { EventHub } from './event-hub.ts';
import { createUiHandlers } from './ui-handlers.ts';

export interface AppBackend {
  engine: Engine;
  /** The server side of every transport (HTTP and IPC): the one contract, dispatched. */
  call: Transport;
  events: EventHub;
  close(): Promise<void>;
}

/** The engine plus the UI-only calls, behind one `call`; every change through the write door announces itself on the `changed` channel. */
export async function openAppBackend(opts: EngineOptions): Promise<AppBackend> {
  const engine = await Engine.open(opts);
  const events = new EventHub();
  const stopForwarding = engine.door.onChange((c) => events.emit('changed', { call: c.name }));
  const ui = createUiHandlers(
    engine.dataDir,
    async (paths) => {
      const results = await engine.process(paths, defaultActor());
      events.emit('changed', { call: 'watch' });
      return results;
    },
    engine.door,
  );
  const handlers: AppHandlers = { ...engine.handlers, ...ui };
  // A long-running app keeps a connected device in sync in the background (with backoff when the
  // hub is down); the CLI's one-shot commands do not.
  const startBackgroundSync = async () => {
    if (isEnrolled(engine.db)) (await engine.sync()).start();
  };
  void startBackgroundSync().catch(() => undefined);
  // Retention runs once a day while the app is open (and once shortly after it starts).
  const retention = () => {
    try {
      const r = engine.applyRetention();
      if (r.documents) events.emit('changed', { call: 'retention.apply' });
    } catch (err) {
      process.stderr.write(`warning: retention could not run: ${(err as Error).message}\n`);
    }
  };
  const firstRetention = setTimeout(retention, 60_000).unref();
  const dailyRetention = setInterval(retention, 24 * 3_600_000).unref();
  const call: Transport = async (name, arg) => {
    const reply = await dispatch(appContract, handlers, name, arg);
    if (reply.ok && name === 'sync.connect') void startBackgroundSync().catch(() => undefined);
    return reply;
  };
  return {
    engine,
    call,
    events,
    close: async () => {
      clearTimeout(firstRetention);
      clearInterval(dailyRetention);
      ui.close();
      stopForwarding();
      await engine.close();
    },
  };
}
