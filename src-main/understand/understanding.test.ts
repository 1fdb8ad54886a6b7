import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { formatReplay, replayRecorded } from '../engine/policy-replay.ts';
import { parsePolicy, loadPolicy } from '../route/policy.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { loadClassifier } from '../classify/classifier.ts';
import { BUNDLED, defaultExecutionProviders } from './pipeline-understanding.ts';
import YAML from 'yaml';

/** A realistic German invoice: net amount in cents, 19% VAT. */
function invoice(n: number, netCents: number): string[] {
  const de = (c: number) => (c / 100).toLocaleString('de-DE', { minimumFractionDigits: 2 });
  const vat = Math.round(netCents * 0.19);
  return [
    'Nordlicht Bürobedarf GmbH · Hafenstrasse 12 · 20457 Hamburg',
    'Müller & Partner Steuerberatung',
    'Lindenallee 4',
    '50667 Köln',
    'RECHNUNG',
    `Rechnungsnummer: RE-2026-${String(n).padStart(4, '0')}`,
    'Rechnungsdatum: 02.11.2026',
    'Kundennummer: 10442',
    'Pos  Beschreibung                 Menge   Einzelpreis     Betrag',
    `1    Toner HP 305A schwarz            1   ${de(netCents)}   ${de(netCents)}`,
    `Nettobetrag                                            ${de(netCents)}`,
    `USt. 19%                                                ${de(vat)}`,
    `Gesamtbetrag EUR                                       ${de(netCents + vat)}`,
    'Zahlbar innerhalb von 30 Tagen ohne Abzug bis 02.12.2026.',
    'Bankverbindung: Hamburger Sparkasse IBAN: DE89 3704 0044 0532 0130 00 BIC: HASPDEHHXXX',
    'USt-IdNr.: DE811907980  Amtsgericht Hamburg HRB 12345',
  ];
}

describe('understanding: classify, extract, check, route, record', () => {
  let engine: Engine;
  let dir: string;
  beforeAll(async () => {
    engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cs-u-')), keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-u-in-'));
    fs.writeFileSync(path.join(dir, 'a.pdf'), makeTextPdf([invoice(1, 118_000)]));
    fs.writeFileSync(path.join(dir, 'b-big.pdf'), makeTextPdf([invoice(2, 2_450_000)]));
  });
  afterAll(async () => engine?.close());

  it('fills docType, fields, rules, route and model, and audits them with model and policy versions', async () => {
    const [a, big] = await engine.process([dir]);
    expect(a).toMatchObject({ status: 'processed', docType: { label: 'invoice' }, route: { policyVersion: expect.any(String) } });
    expect(a!.fields).toMatchObject({ total: { value: '1404.20' }, subtotal: { value: '1180.00' }, tax: { value: '224.20' }, issueDate: { value: '2026-11-02' }, currency: { value: 'EUR' }, iban: { value: 'DE89370400440532013000' } });
    expect(a!.rules!.length).toBeGreaterThan(3);
    const onnx = fs.readFileSync(path.join(BUNDLED.modelDir, 'onnx', 'model_quantized.onnx'));
    // The provider recorded is the one the execution-provider module picks on this machine (CPU here, CUDA on a GPU machine).
    const chosen = await loadClassifier(BUNDLED.modelDir, { quantized: true, executionProviders: defaultExecutionProviders() });
    const executionProvider = chosen.model.executionProvider;
    await chosen.close();
    expect(defaultExecutionProviders()).toContain(executionProvider);
    expect(a!.model).toEqual({ name: expect.any(String), version: expect.any(String), sha256: createHash('sha256').update(onnx).digest('hex'), executionProvider });
    // The amount limit for invoices sends the big one to a person, and says why.
    expect(big!.route!.action).toBe('review');
    expect(big!.route!.reasons.join(' ')).toMatch(/29,155\.00.*limit/);

    const entries = (await engine.handlers['audit.export']({ fromSeq: 1, limit: 1000 })).entries;
    for (const e of entries.filter((x) => ['document.classified', 'document.routed', 'task.created'].includes(x.event))) {
      expect(e.model).toEqual(a!.model);
    }
    expect(entries.find((e) => e.event === 'document.routed')!.policyVersion).toBe(a!.route!.policyVersion);
  });

  it('lets a reviewer correct a field, records old and new value with versions, and undo it', async () => {
    const tasks = await engine.handlers['tasks.list']({ offset: 0, limit: 10, status: 'open' });
    const task = tasks.items.find((t) => t.fileName === 'b-big.pdf')!;
    expect(task.reasons.length).toBeGreaterThan(0);
    const { decision } = await engine.handlers['tasks.decide']({ taskId: task.id, action: 'correct', actor: 'rita', corrections: { total: '29155.01' }, timeSpentMs: 4200 });
    expect(decision.changes).toEqual([{ field: 'total', oldValue: '29155.00', newValue: '29155.01' }]);
    const doc = await engine.handlers['documents.get']({ id: task.documentId });
    expect(doc.fields.total).toMatchObject({ value: '29155.01', source: 'reviewer' });
    const audited = (await engine.handlers['audit.list']({ offset: 0, limit: 1, event: 'task.corrected' })).items[0]!;
    expect(audited).toMatchObject({ actor: 'rita', data: { changes: decision.changes, timeSpentMs: 4200 }, model: { sha256: expect.any(String) }, policyVersion: expect.any(String) });
    await expect(engine.handlers['tasks.decide']({ taskId: task.id, action: 'approve', actor: 'sam' })).rejects.toMatchObject({ code: 'already_decided' });
    await expect(engine.handlers['tasks.undo']({ taskId: task.id, actor: 'sam' })).rejects.toMatchObject({ code: 'forbidden' });
    const undone = await engine.handlers['tasks.undo']({ taskId: task.id, actor: 'rita' });
    expect(undone.task.status).toBe('open');
    expect((await engine.handlers['documents.get']({ id: task.documentId })).fields.total!.value).toBe('29155.00');
    await engine.handlers['tasks.decide']({ taskId: task.id, action: 'reject', actor: 'rita', reason: 'Not our order' });
    expect((await engine.handlers['audit.verify']({})).ok).toBe(true);
  });

  it('replays recorded documents under a candidate policy and says what would change', () => {
    const current = loadPolicy(BUNDLED.policyFile);
    const raw = YAML.parse(fs.readFileSync(BUNDLED.policyFile, 'utf8')) as { version: string; docTypes: { invoice: { reviewAbove?: number } } };
    raw.version = 'candidate-1';
    raw.docTypes.invoice.reviewAbove = 100_000;
    const candidate = parsePolicy(raw);
    // A draw that never falls in a QA sample, so only the policies differ.
    const report = replayRecorded(engine.db, candidate, current, () => 0.999);
    expect(report.overall.current.documents).toBe(2);
    // The big invoice would now be approved automatically, and the reviewer had rejected it. (The small one may
    // change too: its QA-sample draw depends on the policy version, and the candidate's version differs.)
    const changed = report.byDocType.invoice!.changed;
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(report.transitions).toEqual([{ from: 'review', to: 'auto_approve', count: changed }]);
    expect(report.byDocType.invoice!.candidateError).toMatchObject({ withOutcome: 1, errors: 1 });
    expect(formatReplay(report)).toMatch(/current .* → candidate candidate-1/);
  });
});
