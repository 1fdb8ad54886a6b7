import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { corpusPresent } from '../testing/prerequisites.ts';
import { loadClassifier, type DocClassifier } from './classifier.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MODEL_DIR = here('../../models/doc-classifier');
const CORPUS = here('../../../shared/corpus');

const SAMPLES: [string, string][] = [
  [
    'invoice',
    `Northwind Trading Ltd\n12 Harbour Road\nLondon E14 5AB\nVAT No GB123456789\nINVOICE\nInvoice No: INV-2024-0193\nInvoice Date: 03/04/2024\nDue Date: 03/05/2024\nBill To: Acme Retail plc, 4 King Street, Manchester\nDescription Qty Unit Price Amount\nConsulting services 10 95.00 950.00\nTravel expenses 1 120.00 120.00\nSubtotal 1,070.00\nVAT 20% 214.00\nTotal due GBP 1,284.00\nPayment terms: 30 days net. IBAN GB29 NWBK 6016 1331 9268 19`,
  ],
  [
    'invoice',
    `Rheinwerk Technik GmbH\nIndustriestr. 12\n50667 Koln\nRechnung\nRechnungsnr. 2024-1187\nRechnungsdatum 12.02.2024\nKundennr. 44871\nPos. Beschreibung Menge Einzelpreis Betrag\n1 Wartungspauschale 1 250,00 250,00\n2 Montage 3 65,00 195,00\nNettobetrag 445,00\nMwSt. 19% 84,55\nGesamtbetrag EUR 529,55\nZahlbar innerhalb von 14 Tagen ohne Abzug.\nUSt-IdNr. DE812345678`,
  ],
  [
    'receipt',
    `KEDAI RUNCIT SINAR JAYA\nNO 12, JALAN MERANTI 3\n43000 KAJANG, SELANGOR\nGST REG NO: 001234567890\nCASH BILL\nDATE: 12/03/2018 14:22\nCASHIER: AMIN\nMILO 1KG 1 X 18.90 18.90\nROTI GARDENIA 2 X 3.50 7.00\nTOTAL RM 25.90\nCASH RM 50.00\nCHANGE RM 24.10\nTHANK YOU PLEASE COME AGAIN`,
  ],
  [
    'bank_statement',
    `Sparkasse Nord\nKontoauszug Nr. 4/2024\nKonto 1234567890 IBAN DE89 3704 0044 0532 0130 00\nAlter Kontostand 1.204,33\nBuchung Valuta Vorgang Soll Haben\n02.04. 02.04. Lastschrift Stadtwerke 84,00\n05.04. 05.04. Gehalt Muller GmbH 2.450,00\n09.04. 09.04. Kartenzahlung Rewe 63,12\nNeuer Kontostand 3.507,21`,
  ],
  [
    'other',
    `Minutes of the annual general meeting\nThe meeting opened at 7 pm with twelve members present. The chair welcomed everyone and the minutes of the last meeting were approved. The committee discussed the new timetable for the library and agreed to review it again in the spring.`,
  ],
];

let fp32: DocClassifier;

beforeAll(async () => {
  fp32 = await loadClassifier(MODEL_DIR, { batchSize: 16 });
});
afterAll(async () => {
  await fp32?.close();
});

describe('document classifier (committed model)', () => {
  it('labels typical documents', async () => {
    const out = await fp32.classify(SAMPLES.map(([, t]) => t));
    expect(out.map((c) => c.label)).toEqual(SAMPLES.map(([l]) => l));
    for (const c of out) {
      const sum = Object.values(c.scores).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
      expect(c.score).toBe(Math.max(...Object.values(c.scores)));
      expect(Object.keys(c.scores).sort()).toEqual(['bank_statement', 'credit_note', 'invoice', 'other', 'purchase_order', 'receipt']);
    }
  });

  it('reproduces the calibrated probabilities computed in training', async () => {
    const expected = JSON.parse(readFileSync(here('./fixtures/expected-scores.json'), 'utf8')) as { text: string; scores: Record<string, number> }[];
    const out = await fp32.classify(expected.map((e) => e.text));
    out.forEach((c, i) => {
      for (const [label, p] of Object.entries(expected[i]!.scores)) expect(c.scores[label]).toBeCloseTo(p, 3);
    });
  });

  it.skipIf(!corpusPresent())('labels a SROIE receipt that was not used for training (needs ../shared/corpus)', async () => {
    const trained = new Set((JSON.parse(readFileSync(join(MODEL_DIR, 'training-documents.json'), 'utf8')) as { ids: string[] }).ids);
    const id = ['sroie/001', 'sroie/005', 'sroie/009', 'sroie/011'].find((i) => !trained.has(i) && existsSync(join(CORPUS, 'sroie/text', `${i.slice(6)}.txt`)));
    expect(id).toBeDefined();
    const text = readFileSync(join(CORPUS, 'sroie/text', `${id!.slice(6)}.txt`), 'utf8');
    const [c] = await fp32.classify([text]);
    expect(c!.label).toBe('receipt');
  });

  it('gives the same results in batches of 16 as one by one', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `${SAMPLES[i % SAMPLES.length]![1]}${' extra line'.repeat(i)}`);
    const one = await loadClassifier(MODEL_DIR, { batchSize: 1 });
    try {
      const [a, b] = [await fp32.classify(texts), await one.classify(texts)];
      a.forEach((c, i) => {
        expect(c.label).toBe(b[i]!.label);
        for (const [l, p] of Object.entries(c.scores)) expect(p).toBeCloseTo(b[i]!.scores[l]!, 5);
      });
    } finally {
      await one.close();
    }
  });

  it('reports the hash of the file it loaded and the provider it used', async () => {
    const file = join(MODEL_DIR, 'onnx/model.onnx');
    expect(fp32.model.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(fp32.model.executionProvider).toBe('cpu');
    expect(fp32.model.version).toMatch(/\d/);
    const q = await loadClassifier(MODEL_DIR, { quantized: true, executionProviders: ['cuda', 'cpu'] });
    try {
      expect(q.model.sha256).toBe(createHash('sha256').update(readFileSync(join(MODEL_DIR, 'onnx/model_quantized.onnx'))).digest('hex'));
      expect(['cuda', 'cpu']).toContain(q.model.executionProvider);
      const [a, b] = [await fp32.classify(SAMPLES.map(([, t]) => t)), await q.classify(SAMPLES.map(([, t]) => t))];
      expect(b.map((c) => c.label)).toEqual(a.map((c) => c.label));
    } finally {
      await q.close();
    }
  });

  it('fails with a clear error on a corrupt model file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doc-classifier-'));
    try {
      cpSync(MODEL_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'onnx/model.onnx'), Buffer.from('this is not an onnx protobuf'));
      const err = await loadClassifier(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PipelineError);
      expect((err as PipelineError).code).toBe('model_failed');
      expect((err as PipelineError).message).toMatch(/model\.onnx is not a loadable ONNX model/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
