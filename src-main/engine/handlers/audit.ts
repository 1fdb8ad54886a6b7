import { maskAuditData } from '../../../src-shared/masking.ts';
import type { EngineHandlerMap } from './context.ts';

/** The audit trail: read, exported (sensitive values masked unless asked) and verified; nothing here writes. */
export const audit = {
  'audit.list': async (q, engine) => engine.audit.list(q),
  'audit.export': async ({ fromSeq, limit, unmasked }, engine) => {
    const entries = [];
    const sensitive = unmasked ? [] : engine.sensitiveFields();
    for (const e of engine.audit.iterate(fromSeq)) {
      if (entries.length >= limit) break;
      entries.push(sensitive.length ? { ...e, data: maskAuditData(e.data, sensitive) } : e);
    }
    return { entries };
  },
  'audit.verify': async (_, engine) => engine.audit.verify(),
} satisfies Partial<EngineHandlerMap>;
