import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { ModelInfo } from '../../src-shared/document-model.ts';

/** An audit row as stored, on the device and on the hub alike. */
export type AuditRow = {
  seq: number;
  ts: string;
  actor: string;
  event: string;
  document_sha256: string | null;
  data_json: string;
  model_json: string | null;
  policy_version: string | null;
  prev_hash: string;
  hash: string;
};

/** Throws on a row whose JSON does not parse: callers name that as an edited entry. */
export function rowToEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    ts: r.ts,
    actor: r.actor,
    event: r.event,
    documentSha256: r.document_sha256,
    data: JSON.parse(r.data_json) as Record<string, unknown>,
    model: r.model_json ? (JSON.parse(r.model_json) as ModelInfo) : null,
    policyVersion: r.policy_version,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
