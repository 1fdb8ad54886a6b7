import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { entryHash, GENESIS_HASH } from './entry-hash.ts';

/** Why an entry does not continue the chain, with the sentence a person reads. */
export type ChainBreak = {
  kind: 'gap' | 'out_of_sequence' | 'unlinked' | 'edited';
  /** The entry that breaks it, and the number the chain expected there. */
  seq: number;
  expectedSeq: number;
  problem: string;
};

/**
 * Walks a chain entry by entry, as the device's log, the hub's copy and an uploaded batch are checked:
 * each entry must be the next number, link to the one before and match its own hash.
 */
export class ChainWalk {
  /** Entries accepted so far. */
  entries = 0;

  constructor(
    private nextSeq = 1,
    /** The hash of the last accepted entry (GENESIS_HASH before the first). */
    public headHash = GENESIS_HASH,
  ) {}

  /** Starts at an entry in the middle of a chain, taking its predecessor on trust (an upload batch). */
  static from(first: AuditEntry): ChainWalk {
    return new ChainWalk(first.seq, first.prevHash);
  }

  /** The last accepted hash, or null for an empty chain. */
  get head(): string | null {
    return this.headHash === GENESIS_HASH ? null : this.headHash;
  }

  /** Accepts the entry and returns null, or returns why it breaks the chain (and does not advance). */
  step(e: AuditEntry): ChainBreak | null {
    const expected = this.nextSeq;
    if (e.seq > expected) return { kind: 'gap', seq: e.seq, expectedSeq: expected, problem: `entry ${expected}${e.seq - expected > 1 ? `..${e.seq - 1}` : ''} is missing: deleted from the chain` };
    if (e.seq < expected) return { kind: 'out_of_sequence', seq: e.seq, expectedSeq: expected, problem: `entry ${e.seq} is out of sequence` };
    if (e.prevHash !== this.headHash) return { kind: 'unlinked', seq: e.seq, expectedSeq: expected, problem: `entry ${e.seq} does not link to entry ${e.seq - 1}: inserted, deleted or reordered` };
    if (entryHash(e) !== e.hash) return { kind: 'edited', seq: e.seq, expectedSeq: expected, problem: `entry ${e.seq} (${e.event}) was edited: its content does not match its hash` };
    this.headHash = e.hash;
    this.nextSeq += 1;
    this.entries += 1;
    return null;
  }
}
