import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { REDACTED, REMOVED } from './retention.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const DAY = 86_400_000;

describe('retention and redaction', () => {
  let engine: Engine;
  let ids: number[];
  beforeAll(async () => {
    engine = await Engine.open({ dataDir: tmp('cs-ret-'), understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    const inbox = tmp('cs-ret-in-');
    fs.writeFileSync(path.join(inbox, 'a.pdf'), makeTextPdf([['Invoice A from Larkspur Ltd', 'IBAN DE89 3704 0044 0532 0130 00']]));
    fs.writeFileSync(path.join(inbox, 'b.pdf'), makeTextPdf([['Receipt B from Ember Cafe', 'Total 12.40']]));
    ids = (await engine.process([inbox])).map((r) => r.documentId!);
    const now = new Date().toISOString();
    engine.db.transaction(() => {
      engine.db.prepare(`UPDATE documents SET doc_type = 'invoice' WHERE id = ?`).run(ids[0]);
      engine.db.prepare(`UPDATE documents SET doc_type = 'receipt' WHERE id = ?`).run(ids[1]);
      for (const id of ids) {
        engine.db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, 'iban', 'DE89370400440532013000', 0.9, 'generic', ?)`).run(id, now);
        engine.db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, 'total', '12.40', 0.9, 'generic', ?)`).run(id, now);
      }
    })();
  });
  afterAll(() => engine.close());

  const sha = (id: number) => engine.docs.byId(id)!.sha256!;
  const tombstones = (id: number) => engine.db.prepare('SELECT kind, sha256, reason FROM tombstones WHERE document_id = ? ORDER BY id').all(id) as { kind: string; sha256: string; reason: string }[];

  it('removes what the policy no longer keeps, per doc type, leaving tombstones and a chain that verifies', () => {
    const policy = { invoice: { originalsDays: 30, textDays: 30, fieldValuesDays: 90 }, default: { textDays: 365 } };
    // Nothing is old enough yet.
    expect(engine.applyRetention(policy)).toMatchObject({ documents: 0 });
    const in60Days = () => new Date(Date.now() + 60 * DAY);
    expect(engine.applyRetention(policy, in60Days)).toEqual({ documents: 1, originals: 1, text: 1, fieldValues: 0 });
    const [a, b] = ids as [number, number];
    expect(engine.blobs.has(sha(a))).toBe(false);
    expect(engine.blobs.has(sha(b))).toBe(true);
    expect(engine.docs.pages(a).map((p) => p.text).join('')).toBe('');
    expect(engine.db.prepare('SELECT count(*) AS n FROM words WHERE document_id = ?').get(a)).toEqual({ n: 0 });
    expect(engine.docs.pages(b).map((p) => p.text).join('')).toContain('Ember Cafe');
    expect(tombstones(a).map((t) => t.kind).sort()).toEqual(['original', 'text']);
    expect(tombstones(a).find((t) => t.kind === 'original')!.sha256).toBe(sha(a));
    const entry = engine.audit.list({ offset: 0, limit: 1, event: 'retention.applied' }).items[0]!;
    expect(entry.data).toMatchObject({ documentId: a, removed: expect.arrayContaining([{ kind: 'text', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]) });
    expect(engine.audit.verify()).toMatchObject({ ok: true });
    // Run again: nothing left to do; later the field values go too.
    expect(engine.applyRetention(policy, in60Days)).toMatchObject({ documents: 0 });
    expect(engine.applyRetention(policy, () => new Date(Date.now() + 100 * DAY))).toMatchObject({ documents: 1, fieldValues: 1 });
    expect(engine.db.prepare('SELECT DISTINCT value FROM extractions WHERE document_id = ?').all(a)).toEqual([{ value: REMOVED }]);
    expect(engine.audit.verify()).toMatchObject({ ok: true });
  });

  it('redacts a field, and a region of a page, on request, audited with the reason', () => {
    const b = ids[1]!;
    const f = engine.redact({ documentId: b, actor: 'dpo', reason: 'data subject request #17', field: 'iban' });
    expect(f.removed).toBe(1);
    expect(engine.db.prepare(`SELECT value FROM extractions WHERE document_id = ? AND field = 'iban'`).all(b)).toEqual([{ value: REDACTED }]);
    const words = engine.db.prepare<[number], { text: string; x0: number; y0: number; x1: number; y1: number }>(`SELECT text, x0, y0, x1, y1 FROM words WHERE document_id = ? AND text = 'Ember'`).get(b)!;
    const r = engine.redact({ documentId: b, actor: 'dpo', reason: 'name of a private person', region: { page: 1, box: [words.x0 - 0.001, words.y0 - 0.001, words.x1 + 0.001, words.y1 + 0.001] } });
    expect(r.removed).toBe(1);
    const text = engine.docs.pages(b)[0]!.text;
    expect(text).not.toContain('Ember');
    expect(text).toContain('Cafe');
    expect(tombstones(b).filter((t) => t.kind === 'redaction').map((t) => t.reason)).toEqual(['data subject request #17', 'name of a private person']);
    const audited = engine.audit.list({ offset: 0, limit: 5, event: 'document.redacted' }).items;
    expect(audited.map((e) => [e.actor, e.data.reason])).toEqual([
      ['dpo', 'name of a private person'],
      ['dpo', 'data subject request #17'],
    ]);
    expect(() => engine.redact({ documentId: b, actor: 'dpo', reason: ' ', field: 'iban' })).toThrow(/needs a reason/);
    expect(engine.audit.verify()).toMatchObject({ ok: true });
  });
});
