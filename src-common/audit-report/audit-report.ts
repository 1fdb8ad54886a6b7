import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { AuditReportFilters, AuditReportHeader, AuditReportVerification } from '../../src-shared/contract/audit-report.ts';
import { maskAuditData } from '../../src-shared/masking.ts';
import { entryHash } from '../audit-chain/entry-hash.ts';

/** A date (2026-03-01: the start of that day, UTC) or an ISO time, as an ISO time; throws on anything else. */
export function periodBound(v: string, flag: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : v;
  if (Number.isNaN(Date.parse(iso))) throw new Error(`${flag} needs a date (2026-03-01) or an ISO time, got "${v}"`);
  return new Date(iso).toISOString();
}

/** Whether an entry is one the filters choose (period by entry time, `to` exclusive; user is the actor). */
export function matchesFilters(e: AuditEntry, f: AuditReportFilters): boolean {
  const t = Date.parse(e.ts);
  if (f.from && t < Date.parse(f.from)) return false;
  if (f.to && t >= Date.parse(f.to)) return false;
  if (f.user && e.actor !== f.user) return false;
  if (f.document && e.documentSha256 !== f.document) return false;
  return true;
}

/** The entry as a report shows it: values of sensitive fields masked, everything else as recorded. */
export function maskEntry(e: AuditEntry, sensitive: readonly string[]): AuditEntry {
  return sensitive.length ? { ...e, data: maskAuditData(e.data, sensitive) } : e;
}

/**
 * Recomputes each chosen entry's hash from its content, and checks that consecutive entries link;
 * done on the recorded (unmasked) entries, before the report masks anything.
 */
export function checkEntryHashes(entries: readonly AuditEntry[]): AuditReportVerification['hashes'] {
  let prev: AuditEntry | null = null;
  let checked = 0;
  for (const e of entries) {
    if (entryHash(e) !== e.hash) return { ok: false, checked, firstBad: { seq: e.seq, problem: `entry ${e.seq} (${e.event}) does not match its hash: it was edited` } };
    if (prev && e.seq === prev.seq + 1 && e.prevHash !== prev.hash) return { ok: false, checked, firstBad: { seq: e.seq, problem: `entry ${e.seq} does not link to entry ${prev.seq}` } };
    prev = e;
    checked += 1;
  }
  return { ok: true, checked, firstBad: null };
}

/** A decision (by the machine or a reviewer) with the model and policy it was made under. */
export interface DecisionRow {
  seq: number;
  ts: string;
  actor: string;
  event: string;
  document: string | null;
  outcome: string;
  model: string | null;
  executionProvider: string | null;
  policyVersion: string | null;
}

const DECISION_EVENTS = /^(document\.routed|task\.(approved|corrected|rejected|undone)|hub_task\.(approved|corrected|rejected))$/;

export const isDecision = (e: AuditEntry): boolean => DECISION_EVENTS.test(e.event);

/** The decisions among the entries: routing by the machine, and each reviewer's verdict. */
export function decisionsOf(entries: Iterable<AuditEntry>): DecisionRow[] {
  const rows: DecisionRow[] = [];
  for (const e of entries) {
    if (!isDecision(e)) continue;
    const action = typeof e.data.action === 'string' ? e.data.action.replace('_', '-') : null;
    rows.push({
      seq: e.seq,
      ts: e.ts,
      actor: e.actor,
      event: e.event,
      document: e.documentSha256,
      outcome: e.event === 'document.routed' ? `routed: ${action ?? '?'}` : e.event.split('.')[1]!,
      model: e.model ? `${e.model.name} ${e.model.version}` : null,
      executionProvider: e.model?.executionProvider ?? null,
      policyVersion: e.policyVersion,
    });
  }
  return rows;
}

export interface AuditReport {
  header: AuditReportHeader;
  /** As the report shows them (masked). */
  entries: AuditEntry[];
  decisions: DecisionRow[];
}

/**
 * A report over one chain: chooses the entries, checks them, masks them. `chain` is the verdict on
 * the whole chain they come from and `signatures` the check of the hub's signed copy, both done by the caller.
 */
export function buildAuditReport(o: {
  recorded: Iterable<AuditEntry>;
  filters: AuditReportFilters;
  sensitiveFields: string[];
  source: AuditReportHeader['source'];
  chain: AuditReportVerification['chain'];
  signatures: AuditReportVerification['signatures'];
  now?: Date;
}): AuditReport {
  const chosen = [...o.recorded].filter((e) => matchesFilters(e, o.filters));
  const hashes = checkEntryHashes(chosen);
  const entries = chosen.map((e) => maskEntry(e, o.sensitiveFields));
  return {
    header: {
      format: 'countersign.audit-report',
      version: 1,
      generatedAt: (o.now ?? new Date()).toISOString(),
      source: o.source,
      filters: o.filters,
      sensitiveFields: o.sensitiveFields,
      entries: entries.length,
      verification: { chain: o.chain, hashes, signatures: o.signatures },
    },
    entries,
    decisions: decisionsOf(entries),
  };
}
