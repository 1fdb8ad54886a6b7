import { createHash, type KeyObject } from 'node:crypto';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { HeldAuditBatch } from '../../src-shared/contract/hub.ts';
import { auditBatchBytes, verifyAuditBatchSignature } from '../../src-common/audit-chain/batch-signature.ts';

/** How the hub's copy of this device's audit trail compares with what the device sent. */
export type HubAuditComparison =
  | { status: 'agrees'; hubUrl: string; batches: number; entries: number }
  | { status: 'differs'; hubUrl: string; batches: number; seq: number; batchId: number | null; problem: string }
  /** The hub could not be asked (down, refused the credential, too old to answer): nothing was compared. */
  | { status: 'not_done'; hubUrl: string; reason: string };

/** What the device knows of what it sent: its own records, never the hub's. */
export interface SentAudit {
  deviceId: number;
  /** The last entry the hub acknowledged, as the device recorded it. */
  ackSeq: number;
  /** The last entry the device may have sent (acknowledged, or prepared for an upload whose reply was lost). */
  sentUpTo: number;
  /** The entries as sent (the filtered projections in `audit_outbound`), `from`..`to`, in order; shorter where the device never sent them. */
  sentRange(from: number, to: number): AuditEntry[];
  /** The device's public key: a signature the hub keeps must be one the device made. */
  publicKey: KeyObject;
}

const range = (a: number, b: number) => (a === b ? `entry ${a}` : `entries ${a}–${b}`);

/**
 * Walks the hub's batches (oldest first) against the device's own record of what it sent: each batch's
 * signed bytes must be the bytes the device signs for those entries today (so the same digest, and a
 * signature that verifies with the device's key), the entries the hub stores at those numbers must be
 * the ones sent, every acknowledged entry must be on the hub and nothing there the device never sent.
 * Stops at the first difference, named as a sentence.
 */
export async function compareHeldAudit(
  hubUrl: string,
  sent: SentAudit,
  head: { ackSeq: number; headHash: string | null },
  batches: AsyncIterable<HeldAuditBatch>,
): Promise<HubAuditComparison> {
  let seen = 0;
  const differs = (seq: number, batchId: number | null, problem: string): HubAuditComparison => ({ status: 'differs', hubUrl, batches: seen, seq, batchId, problem });
  if (head.ackSeq < sent.ackSeq) {
    return differs(head.ackSeq + 1, null, `The hub holds entries up to ${head.ackSeq}, but it acknowledged entries up to ${sent.ackSeq} to this device: ${range(head.ackSeq + 1, sent.ackSeq)} are missing on the hub.`);
  }
  if (head.ackSeq > sent.sentUpTo) {
    return differs(sent.sentUpTo + 1, null, `The hub holds ${range(sent.sentUpTo + 1, head.ackSeq)}, which this device never sent.`);
  }
  let covered = 0; // entries 1..covered lie in batches that agree
  for await (const b of batches) {
    seen += 1;
    const name = `Batch ${b.id} on the hub (${range(b.firstSeq, b.lastSeq)})`;
    const mine = sent.sentRange(b.firstSeq, b.lastSeq);
    if (b.lastSeq > sent.sentUpTo || mine.length !== b.lastSeq - b.firstSeq + 1) {
      const first = Math.max(b.firstSeq, sent.sentUpTo + 1);
      return differs(first, b.id, `${name} holds entry ${first}, which this device never sent.`);
    }
    const bytes = auditBatchBytes({ deviceId: sent.deviceId, entries: mine });
    if (createHash('sha256').update(bytes).digest('hex') !== b.signedSha256) {
      const at = mine.findIndex((e, i) => b.signed[i]?.seq !== e.seq || b.signed[i]?.hash !== e.hash);
      const seq = at >= 0 ? mine[at]!.seq : b.firstSeq;
      const what = at >= 0 ? `entry ${seq} as signed there is not the entry ${seq} this device sent` : 'its signed bytes are not the bytes this device signed';
      return differs(seq, b.id, `${name} differs from what this device sent: ${what}.`);
    }
    if (!verifyAuditBatchSignature(sent.publicKey, bytes, b.signature)) {
      return differs(b.firstSeq, b.id, `${name} differs from what this device sent: its signature is not one this device's key made.`);
    }
    const stored = new Map(b.stored.map((s) => [s.seq, s.hash]));
    for (const e of mine) {
      const h = stored.get(e.seq);
      if (h === undefined) return differs(e.seq, b.id, `${name}: entry ${e.seq}, which this device signed and sent, is missing from the entries the hub stores.`);
      if (h !== e.hash) return differs(e.seq, b.id, `${name}: entry ${e.seq} as the hub stores it is not the entry this device signed and sent.`);
    }
    if (b.firstSeq <= covered + 1) covered = Math.max(covered, b.lastSeq);
  }
  if (covered < head.ackSeq) {
    return differs(covered + 1, null, `The hub holds ${range(covered + 1, head.ackSeq)} in no batch signed by this device.`);
  }
  if (head.ackSeq > 0) {
    const last = sent.sentRange(head.ackSeq, head.ackSeq)[0];
    if (last?.hash !== head.headHash) return differs(head.ackSeq, null, `The last entry the hub holds (${head.ackSeq}) is not the entry ${head.ackSeq} this device sent.`);
  }
  return { status: 'agrees', hubUrl, batches: seen, entries: head.ackSeq };
}
