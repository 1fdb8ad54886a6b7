import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { auditBatchBytes, signAuditBatch, verifyAuditBatchSignature } from './batch-signature.ts';
import { ChainWalk } from './chain-walk.ts';
import { entryHash, GENESIS_HASH } from './entry-hash.ts';

/** A chain of n entries as the device writes them. */
function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const base = { seq, ts: `2026-12-02T03:00:0${seq % 10}.000Z`, actor: 'dana', event: 'task.decided', documentSha256: null, data: { seq }, model: null, policyVersion: null, prevHash: out.at(-1)?.hash ?? GENESIS_HASH };
    out.push({ ...base, hash: entryHash(base) });
  }
  return out;
}

const walkAll = (w: ChainWalk, es: AuditEntry[]) => {
  for (const e of es) {
    const broken = w.step(e);
    if (broken) return broken;
  }
  return null;
};

describe('the audit chain device and hub both check', () => {
  it('accepts an intact chain and names its head', () => {
    const es = chain(5);
    const w = new ChainWalk();
    expect(walkAll(w, es)).toBeNull();
    expect({ entries: w.entries, head: w.head }).toEqual({ entries: 5, head: es[4]!.hash });
    expect(new ChainWalk().head).toBeNull();
  });

  it('names a deleted, a reordered and an edited entry, each in a sentence', () => {
    const es = chain(6);
    expect(walkAll(new ChainWalk(), [es[0]!, es[1]!, es[3]!])).toMatchObject({ kind: 'gap', seq: 4, expectedSeq: 3, problem: 'entry 3 is missing: deleted from the chain' });
    expect(walkAll(new ChainWalk(), [es[0]!, es[1]!, es[1]!])).toMatchObject({ kind: 'out_of_sequence', seq: 2, problem: 'entry 2 is out of sequence' });
    const relinked = { ...es[2]!, prevHash: es[0]!.hash };
    expect(walkAll(new ChainWalk(), [es[0]!, es[1]!, relinked])).toMatchObject({ kind: 'unlinked', seq: 3, problem: 'entry 3 does not link to entry 2: inserted, deleted or reordered' });
    const edited = { ...es[2]!, actor: 'mallory' };
    expect(walkAll(new ChainWalk(), [es[0]!, es[1]!, edited])).toMatchObject({ kind: 'edited', seq: 3, problem: 'entry 3 (task.decided) was edited: its content does not match its hash' });
  });

  it('checks an upload batch from its first entry on', () => {
    const batch = chain(8).slice(4);
    expect(walkAll(ChainWalk.from(batch[0]!), batch)).toBeNull();
    expect(walkAll(ChainWalk.from(batch[0]!), [batch[0]!, batch[2]!])).toMatchObject({ kind: 'gap', seq: 7, expectedSeq: 6 });
  });

  it('signs the canonical bytes of a batch; another key or a changed entry does not verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const batch = { deviceId: 7, entries: chain(3) };
    const signature = signAuditBatch(privateKey, batch);
    expect(verifyAuditBatchSignature(spki, auditBatchBytes(batch), signature)).toBe(true);
    expect(verifyAuditBatchSignature(publicKey, auditBatchBytes(batch), signature)).toBe(true);
    expect(verifyAuditBatchSignature(generateKeyPairSync('ed25519').publicKey, auditBatchBytes(batch), signature)).toBe(false);
    const changed = { ...batch, entries: batch.entries.map((e, i) => (i === 1 ? { ...e, actor: 'mallory' } : e)) };
    expect(verifyAuditBatchSignature(spki, auditBatchBytes(changed), signature)).toBe(false);
  });
});
