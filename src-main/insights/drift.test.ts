import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocType } from '../../src-shared/document-model.ts';
import { Engine } from '../engine/engine.ts';
import { loadPolicy } from '../route/policy.ts';
import { MetricsRepo } from '../store/metrics-repo.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { CORPUS_DIR, corpusPresent } from '../testing/prerequisites.ts';
import { BUNDLED } from '../understand/pipeline-understanding.ts';
import { DeviceInsights } from './device-insights.ts';
import { loadModelReference, referenceFrom, REFERENCE_FILE } from './model-reference.ts';
import { BUNDLED_MODEL_VERSION } from '../testing/bundled-model.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const present = corpusPresent();
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

/** SROIE receipts as digital PDFs set from their transcripts: real receipts, no OCR time. */
function receiptFolder(ids: string[]): string {
  const dir = tmp('cs-drift-receipts-');
  for (const id of ids) {
    const lines = fs.readFileSync(path.join(CORPUS_DIR, 'sroie', 'text', `${id}.txt`), 'utf8').split('\n').map((l) => l.replace(/[^\x20-\x7e]/g, '').trim()).filter(Boolean);
    fs.writeFileSync(path.join(dir, `${id}.pdf`), makeTextPdf([lines.slice(0, 45)]));
  }
  return dir;
}

async function processed(paths: string[]): Promise<Engine> {
  const engine = await Engine.open({ dataDir: tmp('cs-drift-'), keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
  engines.push(engine);
  await engine.process(paths);
  return engine;
}

const sroie = present ? fs.readdirSync(path.join(CORPUS_DIR, 'sroie', 'text')).map((f) => f.replace(/\.txt$/, '')).sort() : [];
let referenceDir = '';
let policyFile = '';
const insightsOf = (e: Engine) => new DeviceInsights({ db: e.db, modelDir: () => referenceDir, policy: () => loadPolicy(policyFile), primary: { executionProvider: 'cpu', ocrEngine: 'ppocr-v4/onnxruntime' } }).snapshot('24h');

describe.runIf(present)('drift alerts: a shift in what the model sees fires, the same mix does not', () => {
  beforeAll(async () => {
    // The reference as the model folder keeps it, made the same way from a batch of receipts.
    const baseline = await processed([receiptFolder(sroie.slice(0, 25))]);
    const predictions = new MetricsRepo(baseline.db).classified({ from: null, to: new Date(Date.now() + 1000).toISOString() });
    expect(predictions).toHaveLength(25);
    const m = predictions[0]!;
    referenceDir = tmp('cs-drift-model-');
    fs.writeFileSync(
      path.join(referenceDir, REFERENCE_FILE),
      JSON.stringify(referenceFrom({ name: 'countersign-doc-classifier/model_quantized.onnx', version: m.modelVersion, sha256: m.modelSha256 }, 'test: 25 SROIE receipts', predictions.map((p) => ({ label: p.label as DocType, score: p.score })))),
    );
    // The bundled policy with a smaller minimum, so a test-sized batch may alert.
    const policy = loadPolicy(BUNDLED.policyFile);
    policyFile = path.join(tmp('cs-drift-policy-'), 'policy.yaml');
    fs.writeFileSync(policyFile, stringify({ ...policy, drift: { ...policy.drift, minDocuments: 20 } }));
  }, 300_000);

  it('stays quiet for other receipts like the reference', async () => {
    const s = insightsOf(await processed([receiptFolder(sroie.slice(25, 50))]));
    expect(s.drift).toMatchObject({ hasReference: true, classified: 25 });
    expect(s.drift.classPsi!).toBeLessThan(s.thresholds.classPsi.warning);
    expect(s.alerts.filter((a) => a.code === 'class_drift' || a.code === 'confidence_drift')).toEqual([]);
  }, 300_000);

  it('fires when a device is fed invoices instead', async () => {
    const invoices = [path.join(CORPUS_DIR, 'einvoice', 'flat'), path.join(CORPUS_DIR, 'invoice2data', 'pdf')];
    const s = insightsOf(await processed(invoices));
    expect(s.drift.classified).toBe(27);
    expect(s.drift.classDistribution.find((c) => c.key === 'invoice')!.observed).toBeGreaterThan(0.5);
    const alert = s.alerts.find((a) => a.code === 'class_drift')!;
    expect(alert).toMatchObject({ severity: 'critical', modelVersion: BUNDLED_MODEL_VERSION, threshold: 0.25 });
    expect(alert.message).toMatch(new RegExp(`^The predicted document types of model ${BUNDLED_MODEL_VERSION.replaceAll('.', '\\.')} shifted from its reference: PSI \\d+\\.\\d{3} over 27 documents \\(critical from 0\\.25\\)\\.$`));
  }, 300_000);

  it('keeps the reference of the bundled model in its folder, for its version', () => {
    const { reference, problem } = loadModelReference(BUNDLED.modelDir, { name: 'countersign-doc-classifier/model.onnx', version: BUNDLED_MODEL_VERSION });
    expect(problem).toBeNull();
    expect(reference!.documents).toBeGreaterThan(200);
    expect(Object.values(reference!.classes).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(loadModelReference(BUNDLED.modelDir, { name: 'countersign-doc-classifier/model.onnx', version: '9.9.9' }).problem).toMatch(/not countersign-doc-classifier\/model\.onnx 9\.9\.9/);
  });
});
