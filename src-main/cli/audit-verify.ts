import type { Engine } from '../engine/engine.ts';
import { isEnrolled } from '../sync/sync-service.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from './exit-codes.ts';

/**
 * `countersign audit verify`: the local hash chain, then, where the data directory is enrolled with a
 * hub, the hub's copy of what this device uploaded. Exit 1 when either is broken; a hub that cannot be
 * asked is said plainly and leaves the local result as the answer.
 */
export async function auditVerify(engine: Engine, opts: { json?: boolean; out?: (line: string) => void } = {}): Promise<number> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const r = await engine.handlers['audit.verify']({});
  const hub = isEnrolled(engine.db) ? await (await engine.sync()).compareAuditWithHub() : null;
  if (opts.json) out(JSON.stringify(hub ? { ...r, hub } : r));
  else {
    if (r.ok) out(`Audit chain intact: ${r.entries} entries, head ${r.headHash ?? '(empty)'}`);
    else out(`Audit chain BROKEN at entry ${r.firstBad!.seq}: ${r.firstBad!.problem} (${r.entries} entries verified before it)`);
    if (hub?.status === 'agrees') out(`Hub copy at ${hub.hubUrl} agrees: ${hub.entries} entries in ${hub.batches} signed batches, as this device sent them`);
    else if (hub?.status === 'differs') out(`Hub copy at ${hub.hubUrl} DIFFERS: ${hub.problem}`);
    else if (hub) out(`Hub copy NOT compared: ${hub.reason}; the result above is the local chain check only`);
  }
  return r.ok && hub?.status !== 'differs' ? EXIT_OK : EXIT_SOME_FAILED;
}
