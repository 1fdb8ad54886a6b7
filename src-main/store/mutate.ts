import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { AuditEvent, AuditLog } from '../audit/audit-log.ts';
import type { Db } from './database.ts';

/** Announced after a change commits: what changed (the door's name for it) and the audit entries it wrote. */
export interface ChangeEvent {
  name: string;
  auditSeqs: number[];
}

/** Handed to a change: appends an audit entry in the change's own transaction. */
export type RecordAudit = (event: AuditEvent) => AuditEntry;

/**
 * The one write door of the device (house style rule 4, after Actual's `mutator()`): `mutate` opens
 * the transaction, runs the change, appends its audit entries to the chain in the same transaction
 * and, once committed, announces the change. A change that records no audit entry is refused and
 * rolled back, so no state change can skip the trail.
 */
export class WriteDoor {
  private readonly listeners = new Set<(change: ChangeEvent) => void>();
  private running: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Runs `change` in one transaction with its audit entries; `change` must be synchronous (SQLite's one writer). */
  mutate<T>(name: string, change: (record: RecordAudit) => T): T {
    const seqs: number[] = [];
    const result = this.inTransaction(name, () => {
      const value = change((event) => {
        const entry = this.audit.append(event);
        seqs.push(entry.seq);
        return entry;
      });
      if (!seqs.length) throw new Error(`${name} changed state without an audit entry: every write through the door is audited`);
      return value;
    });
    this.announce({ name, auditSeqs: seqs });
    return result;
  }

  /**
   * Progress markers about the trail itself (sync cursors, the acknowledged audit sequence, the last
   * sync error): written in a transaction through the door but not audited, since auditing the
   * acknowledgement of an upload would make a new entry to upload, for ever.
   */
  track<T>(name: string, change: () => T): T {
    return this.inTransaction(name, change);
  }

  /** Listens to committed changes (the app forwards them to the UI); returns the way to stop listening. */
  onChange(listener: (change: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private inTransaction<T>(name: string, change: () => T): T {
    // One change at a time: a change inside another would commit or roll back with the wrong one.
    if (this.running !== null || this.db.inTransaction) throw new Error(`${name} was started inside ${this.running ?? 'another transaction'}: changes do not nest`);
    this.running = name;
    try {
      return this.db.transaction(() => {
        const value = change();
        if (value instanceof Promise) throw new Error(`${name} is asynchronous: a change must finish inside its transaction`);
        return value;
      })();
    } finally {
      this.running = null;
    }
  }

  private announce(change: ChangeEvent): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A listener's failure is not the change's: it committed.
      }
    }
  }
}
