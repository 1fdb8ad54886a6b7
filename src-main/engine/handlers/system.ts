import { ENGINE_VERSION } from '../version.ts';
import type { EngineHandlerMap } from './context.ts';

/** What this engine is and holds: counts, metrics, versions, the model and policy in use. */
export const system = {
  'system.stats': async (_, engine) => engine.stats.stats(),
  'insights.get': async ({ window }, engine) => engine.insights().snapshot(window),
  'system.info': async (_, engine) => {
    const u = await engine.understandingIfAny();
    return {
      version: ENGINE_VERSION,
      dataDir: engine.dataDir,
      ocrEngine: engine.ocr.name,
      model: u?.model ?? null,
      policyVersion: u?.policyVersion ?? null,
      keyStorage: engine.keyStorage,
    };
  },
} satisfies Partial<EngineHandlerMap>;
