import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { canonicalJson } from './canonical-json.ts';

/** The `prevHash` of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hash covers every field of the entry but the hash itself, including its position and predecessor. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        seq: e.seq,
        ts: e.ts,
        actor: e.actor,
        event: e.event,
        documentSha256: e.documentSha256,
        data: e.data,
        model: e.model,
        policyVersion: e.policyVersion,
        prevHash: e.prevHash,
      }),
    )
    .digest('hex');
}
