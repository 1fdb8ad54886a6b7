import type { Task } from '../../src-shared/contract/tasks.ts';
import type { QueueFilter } from '../../src-shared/contract/ui.ts';

export const QUEUE_SORT_FIELDS = ['age', 'priority', 'total', 'vendor', 'docType', 'reason', 'status', 'fileName'] as const;
export type QueueSortField = (typeof QUEUE_SORT_FIELDS)[number];
export interface QueueSort {
  field: QueueSortField;
  direction: 'asc' | 'desc';
}

const amount = (t: Task) => (t.total === null ? Number.NaN : Number(t.total));

/** Compares by one field; tasks without a value sort last either way. */
function compare(field: QueueSortField): (a: Task, b: Task) => number {
  switch (field) {
    case 'age':
      // Oldest first reads as "largest age first", so age compares createdAt in reverse.
      return (a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id);
    case 'priority':
      return (a, b) => a.priority - b.priority;
    case 'total':
      return (a, b) => amount(a) - amount(b);
    case 'reason':
      return (a, b) => (a.reasons[0] ?? '').localeCompare(b.reasons[0] ?? '');
    default:
      return (a, b) => String(a[field] ?? '').localeCompare(String(b[field] ?? ''));
  }
}

const hasValue = (t: Task, field: QueueSortField) =>
  field === 'total' ? !Number.isNaN(amount(t)) : field === 'vendor' || field === 'docType' ? t[field] !== null : true;

/** The queue as shown: filtered and sorted in memory, so a filter answers without a round trip. */
export function queueView(tasks: readonly Task[], filter: QueueFilter, sort: QueueSort, now = Date.now()): Task[] {
  const reason = filter.reason?.toLowerCase();
  const vendor = filter.vendor?.toLowerCase();
  const hour = 3_600_000;
  const out = tasks.filter((t) => {
    if (filter.status && t.status !== filter.status) return false;
    if (filter.docType && t.docType !== filter.docType) return false;
    if (reason && !t.reasons.some((r) => r.toLowerCase().includes(reason))) return false;
    if (vendor && !(t.vendor ?? '').toLowerCase().includes(vendor)) return false;
    if (filter.minTotal !== undefined && !(amount(t) >= filter.minTotal)) return false;
    if (filter.maxTotal !== undefined && !(amount(t) <= filter.maxTotal)) return false;
    if (filter.minAgeHours !== undefined || filter.maxAgeHours !== undefined) {
      const age = (now - Date.parse(t.createdAt)) / hour;
      if (filter.minAgeHours !== undefined && age < filter.minAgeHours) return false;
      if (filter.maxAgeHours !== undefined && age > filter.maxAgeHours) return false;
    }
    return true;
  });
  const cmp = compare(sort.field);
  const sign = sort.direction === 'asc' ? 1 : -1;
  return out.sort((a, b) => {
    const ha = hasValue(a, sort.field);
    const hb = hasValue(b, sort.field);
    if (ha !== hb) return ha ? -1 : 1;
    return sign * cmp(a, b) || a.id - b.id;
  });
}

/** Drops empty values so a filter compares and saves cleanly. */
export function cleanFilter(filter: QueueFilter): QueueFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '' && !(typeof v === 'number' && Number.isNaN(v)))) as QueueFilter;
}

/** The distinct route reasons in the queue, for the reason filter's choices. */
export function distinctReasons(tasks: readonly Task[]): string[] {
  const seen = new Set<string>();
  for (const t of tasks) for (const r of t.reasons) seen.add(r.replace(/[\d.,]+%?/g, '#').trim());
  return [...seen].sort();
}
