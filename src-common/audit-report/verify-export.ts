import { AuditEntrySchema, type AuditEntry } from '../../src-shared/contract/audit.ts';
import { AuditReportHeaderSchema, type AuditReportHeader, type ExportVerdict } from '../../src-shared/contract/audit-report.ts';
import { canonicalJson } from '../audit-chain/canonical-json.ts';
import { maskEntry, matchesFilters } from './audit-report.ts';

export interface ParsedExport {
  header: AuditReportHeader;
  entries: AuditEntry[];
}

/** Reads a JSON Lines report: its header line, then one entry a line. A line that is not an entry is named. */
export function parseExport(text: string): ParsedExport {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) throw new Error('The export is empty');
  const first = safeJson(lines[0]!, 1) as { countersignAuditReport?: unknown };
  const header = AuditReportHeaderSchema.safeParse(first?.countersignAuditReport);
  if (!header.success) throw new Error('Line 1 is not a Countersign audit report header (make the export with `countersign audit report --format jsonl`)');
  const entries = lines.slice(1).map((l, i) => {
    const e = AuditEntrySchema.safeParse(safeJson(l, i + 2));
    if (!e.success) throw new Error(`Line ${i + 2} is not an audit entry: ${e.error.issues[0]?.path.join('.')} ${e.error.issues[0]?.message}`);
    return e.data;
  });
  return { header: header.data, entries };
}

function safeJson(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`Line ${n} is not valid JSON`);
  }
}

const PARTS = ['ts', 'actor', 'event', 'documentSha256', 'data', 'model', 'policyVersion', 'prevHash', 'hash'] as const;

/**
 * Compares an export with the chain it says it comes from: the stored entries its filters choose,
 * masked as the export says, must be exactly the exported ones. Names the first entry (by sequence
 * number) that was edited, added or removed.
 */
export function compareExport(exp: ParsedExport, stored: Iterable<AuditEntry>): ExportVerdict {
  const { filters, sensitiveFields } = exp.header;
  const expected = new Map<number, AuditEntry>();
  const recorded = new Map<number, AuditEntry>();
  for (const e of stored) {
    if (matchesFilters(e, filters)) expected.set(e.seq, maskEntry(e, sensitiveFields));
    else recorded.set(e.seq, e);
  }
  const problems: { seq: number; problem: string }[] = [];
  const seen = new Set<number>();
  for (const e of exp.entries) {
    if (seen.has(e.seq)) {
      problems.push({ seq: e.seq, problem: `entry ${e.seq} appears twice in the export` });
      continue;
    }
    seen.add(e.seq);
    const want = expected.get(e.seq);
    if (!want) {
      problems.push({
        seq: e.seq,
        problem: recorded.has(e.seq)
          ? `entry ${e.seq} (${e.event}) is not one the export's filters choose: it was edited (the recorded entry ${e.seq} is ${recorded.get(e.seq)!.event} by ${recorded.get(e.seq)!.actor} at ${recorded.get(e.seq)!.ts})`
          : `entry ${e.seq} (${e.event}) is not in the recorded chain: it was added`,
      });
      continue;
    }
    const differs = PARTS.filter((k) => canonicalJson(e[k] ?? null) !== canonicalJson(want[k] ?? null));
    if (differs.length) problems.push({ seq: e.seq, problem: `entry ${e.seq} (${want.event}) was edited: ${differs.join(', ')} ${differs.length > 1 ? 'differ' : 'differs'} from the recorded entry` });
  }
  for (const [seq, e] of expected) if (!seen.has(seq)) problems.push({ seq, problem: `entry ${seq} (${e.event}) is missing from the export: it was removed` });
  problems.sort((a, b) => a.seq - b.seq);
  if (exp.header.entries !== exp.entries.length && !problems.length) {
    problems.push({ seq: 0, problem: `the header says ${exp.header.entries} entries, the file holds ${exp.entries.length}` });
  }
  return { ok: problems.length === 0, checked: exp.entries.length, expected: expected.size, firstBad: problems[0] ?? null };
}
