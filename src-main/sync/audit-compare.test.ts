import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { HeldAuditBatch } from '../../src-shared/contract/hub.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { openDatabase } from '../store/database.ts';
import { compareHeldAudit, type SentAudit } from './audit-compare.ts';
import { generateDeviceKey, signBytes } from './device-identity.ts';

// The comparison on its own: the hub's batches as `audit.batches` returns them, against the device's record.
function setup(n: number) {
  const db = openDatabase(':memory:');
  const log = new AuditLog(db);
  for (let i = 0; i < n; i++) db.transaction(() => log.append({ actor: 'rita', event: 'settings.changed', data: { i } }))();
  const entries = [...log.iterate()];
  db.close();
  const { key } = generateDeviceKey();
  const sent = (ackSeq: number, sentUpTo = ackSeq): SentAudit => ({
    deviceId: 7,
    ackSeq,
    sentUpTo,
    sentRange: (a, b) => entries.filter((e) => e.seq >= a && e.seq <= b && e.seq <= sentUpTo),
    publicKey: createPublicKey(key.privateKey),
  });
  let id = 0;
  const held = (part: AuditEntry[], signWith = key): HeldAuditBatch => {
    const bytes = Buffer.from(canonicalJson({ deviceId: 7, entries: part }), 'utf8');
    const pairs = part.map((e) => ({ seq: e.seq, hash: e.hash }));
    return { id: ++id, firstSeq: part[0]!.seq, lastSeq: part.at(-1)!.seq, signature: signBytes(signWith, bytes), signedSha256: createHash('sha256').update(bytes).digest('hex'), signed: pairs, stored: pairs };
  };
  const head = (k: number) => ({ ackSeq: k, headHash: k ? entries[k - 1]!.hash : null });
  return { entries, sent, held, head };
}

async function* of(batches: HeldAuditBatch[]) {
  yield* batches;
}

describe('comparing the hub copy of the audit trail with what the device sent', () => {
  it('agrees when every batch is what the device signed, overlapping resends included', async () => {
    const { entries, sent, held, head } = setup(6);
    const r = await compareHeldAudit('h', sent(6), head(6), of([held(entries.slice(0, 4)), held(entries.slice(2, 6))]));
    expect(r).toEqual({ status: 'agrees', hubUrl: 'h', batches: 2, entries: 6 });
  });

  it('names entries the hub acknowledged but no longer holds (a hub restored from an old backup)', async () => {
    const { entries, sent, held, head } = setup(6);
    const r = await compareHeldAudit('h', sent(6), head(4), of([held(entries.slice(0, 4))]));
    expect(r).toMatchObject({ status: 'differs', seq: 5, problem: 'The hub holds entries up to 4, but it acknowledged entries up to 6 to this device: entries 5–6 are missing on the hub.' });
  });

  it('names entries on the hub that this device never sent', async () => {
    const { entries, sent, held, head } = setup(6);
    const r = await compareHeldAudit('h', sent(4), head(6), of([held(entries.slice(0, 6))]));
    expect(r).toMatchObject({ status: 'differs', seq: 5, problem: 'The hub holds entries 5–6, which this device never sent.' });
  });

  it('a signature made by another key is not this device’s', async () => {
    const { entries, sent, held, head } = setup(3);
    const r = await compareHeldAudit('h', sent(3), head(3), of([held(entries, generateDeviceKey().key)]));
    expect(r).toMatchObject({ status: 'differs', batchId: 1, seq: 1, problem: "Batch 1 on the hub (entries 1–3) differs from what this device sent: its signature is not one this device's key made." });
  });

  it('entries stored outside any signed batch are reported', async () => {
    const { entries, sent, held, head } = setup(6);
    const r = await compareHeldAudit('h', sent(6), head(6), of([held(entries.slice(0, 3))]));
    expect(r).toMatchObject({ status: 'differs', seq: 4, problem: 'The hub holds entries 4–6 in no batch signed by this device.' });
  });
});
