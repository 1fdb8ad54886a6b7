import type { EngineHandlerMap } from './context.ts';

/** Hub sync: served by the data directory's sync service, opened on first use (it probes the keychain). */
export const sync = {
  'sync.connect': async (a, engine) => (await engine.sync()).handlers['sync.connect'](a),
  'sync.status': async (a, engine) => (await engine.sync()).handlers['sync.status'](a),
  'sync.now': async (a, engine) => (await engine.sync()).handlers['sync.now'](a),
  'sync.hubTasks': async (a, engine) => (await engine.sync()).handlers['sync.hubTasks'](a),
  'sync.decideHubTask': async (a, engine) => (await engine.sync()).handlers['sync.decideHubTask'](a),
  'sync.shareDocument': async (a, engine) => (await engine.sync()).handlers['sync.shareDocument'](a),
} satisfies Partial<EngineHandlerMap>;
