import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MetricsUploadSchema } from '../../src-shared/insights.ts';
import { migrate } from '../store/database.ts';
import { MetricsRepo } from '../store/metrics-repo.ts';
import { migrations } from '../store/migrations/index.ts';
import { hourlyMetrics, MAX_VENDORS_PER_HOUR, OTHER_VENDORS } from './hourly-metrics.ts';

describe('hourly metrics for the hub', () => {
  it('fits any hour into the upload limits: vendors beyond the cap are added up as one row, long names cut', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const at = '2026-12-02T03:15:00.000Z';
    const doc = db.prepare(`INSERT INTO documents (sha256, file_name, size_bytes, status, doc_type, route_action, created_at, updated_at) VALUES (?, 'x.pdf', 1, 'processed', 'receipt', 'review', ?, ?)`);
    const vendor = db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, 'vendor', ?, 0.9, 'generic', ?)`);
    const task = db.prepare(`INSERT INTO tasks (document_id, status, reasons_json, created_at) VALUES (?, 'decided', '[]', ?)`);
    const decision = db.prepare(`INSERT INTO decisions (task_id, document_id, action, actor, changes_json, created_at) VALUES (?, ?, 'approve', 'rita', '[]', ?)`);
    const n = MAX_VENDORS_PER_HOUR + 50;
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = Number(doc.run(`sha-${i}`, at, at).lastInsertRowid);
        vendor.run(id, i === 0 ? 'V'.repeat(500) : `Vendor ${i}`, at);
        const t = Number(task.run(id, at).lastInsertRowid);
        decision.run(t, id, at);
      }
    })();
    const hours = hourlyMetrics(new MetricsRepo(db), { from: null, to: '2026-12-03T00:00:00.000Z' }, { executionProvider: 'cpu', ocrEngine: 'x' }, (v) => v);
    expect(hours).toHaveLength(1);
    const vendors = hours[0]!.overrides.filter((o) => o.dimension === 'vendor');
    expect(vendors).toHaveLength(MAX_VENDORS_PER_HOUR);
    expect(vendors.reduce((a, v) => a + v.decided, 0)).toBe(n);
    expect(vendors.at(-1)).toMatchObject({ key: OTHER_VENDORS, decided: 51 });
    expect(hours[0]!.documents).toMatchObject({ processed: n, review: n });
    const current = { at, modelVersion: null, policyVersion: null, queueOpen: 0, queueOldestAgeMs: null, classPsi: null, confidencePsi: null, alerts: [] };
    expect(MetricsUploadSchema.safeParse({ hours, current }).success).toBe(true);
  });
});
