import { describe, expect, it } from 'vitest';
import { cleanFilter, queueView } from './queue-view.ts';
import { task } from './test-fixtures.ts';

const now = Date.parse('2026-01-10T12:00:00Z');
describe('the queue as shown', () => {
  const tasks = [
    task({ vendor: 'Globex', total: '12.50', createdAt: '2026-01-08T12:00:00Z', reasons: ['new vendor'] }),
    task({ vendor: 'ACME Corp', total: '990.00', docType: 'receipt' }),
    task({ vendor: null, total: null, status: 'decided', decision: 'approve' }),
    task({ vendor: 'acme gmbh', total: '5000', reasons: ['amount above limit'], createdAt: '2026-01-10T11:59:00Z' }),
  ];

  it('filters by status, type, reason, vendor (any case), amount and age', () => {
    const names = (f: Parameters<typeof queueView>[1]) => queueView(tasks, f, { field: 'age', direction: 'desc' }, now).map((t) => t.vendor);
    expect(names({ status: 'open' })).toHaveLength(3);
    expect(names({ docType: 'receipt' })).toEqual(['ACME Corp']);
    expect(names({ reason: 'VENDOR' })).toEqual(['Globex']);
    expect(names({ vendor: 'acme' }).sort()).toEqual(['ACME Corp', 'acme gmbh']);
    expect(names({ minTotal: 100, maxTotal: 1000 })).toEqual(['ACME Corp']);
    expect(names({ minAgeHours: 24 })).toEqual(['Globex']);
    expect(names({ maxAgeHours: 0.5 })).toEqual(['acme gmbh']);
  });

  it('sorts by amount numerically and puts missing values last either way', () => {
    const asc = queueView(tasks, {}, { field: 'total', direction: 'asc' }, now).map((t) => t.total);
    expect(asc).toEqual(['12.50', '990.00', '5000', null]);
    const desc = queueView(tasks, {}, { field: 'total', direction: 'desc' }, now).map((t) => t.total);
    expect(desc).toEqual(['5000', '990.00', '12.50', null]);
  });

  it('sorts by age, oldest first when descending', () => {
    expect(queueView(tasks, { status: 'open' }, { field: 'age', direction: 'desc' }, now)[0]!.vendor).toBe('Globex');
  });

  it('drops empty filter values', () => {
    expect(cleanFilter({ vendor: '', minTotal: Number.NaN, status: 'open', reason: undefined })).toEqual({ status: 'open' });
  });

  // The real figure is measured in Chromium by tools/bench/ui.bench.ts; this bound only catches a gross regression on a busy machine.
  it('filters 10,000 tasks in memory without a round trip', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => task({ vendor: `Vendor ${i % 300}`, total: String(i) }));
    const t0 = performance.now();
    const shown = queueView(many, { vendor: 'vendor 12', minTotal: 10 }, { field: 'total', direction: 'desc' }, now);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(shown.length).toBeGreaterThan(0);
  });
});
