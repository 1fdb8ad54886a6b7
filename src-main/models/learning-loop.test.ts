import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as admin } from '../../src-server/admin/cli.ts';
import { seedHub, sqliteBackend, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import type { Rollout } from '../../src-shared/contract/models-hub.ts';
import { Engine } from '../engine/engine.ts';
import { MemorySecretStore } from '../sync/device-identity.ts';
import { exportDataset, type TrainingExample } from './dataset-export.ts';
import { loopDocuments, loopLabelOf } from './loop-documents.ts';
import { BUNDLED_MODEL_VERSION } from '../testing/bundled-model.ts';

/**
 * The admin's whole loop through the real pieces: a hub with its blob store, an enrolled device
 * running the real classifier, the admin CLI, and tools/train-classifier/retrain.py (a tiny run:
 * a few epochs over the reviewed documents, seconds on 2 cores).
 */
const PYTHON = '/usr/bin/python3';
const RETRAIN = path.resolve(import.meta.dirname, '../../tools/train-classifier/retrain.py');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-loop-'));
const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTorch && !process.env.CI)('the learning loop: decisions → export → retrain → package → publish → shadow → canary → stable, and an automatic rollback', () => {
  let hub: RunningHub;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let engine: Engine;
  let deviceId: number;
  let docNo = 0;

  const cli = async (...args: string[]) => {
    let value: unknown;
    const code = await admin(['--hub', hub.url, '--token', seed.admin.token, ...args], (v) => (value = v));
    if (code !== 0) throw new Error(`countersign-admin ${args.join(' ')} exited ${code}`);
    return value as Record<string, unknown>;
  };
  const rollouts = async () => ((await cli('models', 'rollouts')) as { items: Rollout[] }).items;
  const sync = async () => (await engine.sync()).syncOnce();

  /** New documents processed on the device; a reviewer then decides each task, correcting the type where the model got it wrong. */
  async function processAndReview(n: number) {
    const files = loopDocuments(path.join(tmp, 'in'), docNo, n);
    docNo += n;
    const results = await engine.process(files, 'clerk');
    const tasks = (await engine.handlers['tasks.list']({ offset: 0, limit: 1000, status: 'open' })).items;
    for (const t of tasks) {
      const file = results.find((r) => r.documentId === t.documentId)!.file;
      const truth = loopLabelOf(file);
      if (t.docType === truth) await engine.handlers['tasks.decide']({ taskId: t.id, action: 'approve', actor: 'rita' });
      else await engine.handlers['tasks.decide']({ taskId: t.id, action: 'correct', actor: 'rita', corrections: { docType: truth } });
    }
    return results.map((r) => ({ documentId: r.documentId!, truth: loopLabelOf(r.file), version: engine.docs.byId(r.documentId!)!.model?.version as string }));
  }

  function retrain(dataset: string, version: string, extra: string[] = []) {
    const out = path.join(tmp, `model-${version}`);
    execFileSync(PYTHON, [RETRAIN, '--dataset', dataset, '--out', out, '--version', version, ...extra], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    // The package carries what the app loads; the fp32 export stays with the admin.
    fs.rmSync(path.join(out, 'onnx', 'model.onnx'));
    return out;
  }

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    hub = await startHub(opened.db, { blobDir: path.join(tmp, 'hub-blobs') });
    seed = await seedHub(hub, 'loop');
    engine = await Engine.open({ dataDir: path.join(tmp, 'device'), secretStore: new MemorySecretStore(), keyStorage: 'file', onWarning: () => {} });
    const st = await engine.handlers['sync.connect']({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: 'reviewer-laptop' });
    deviceId = st.deviceId!;
    const key = await cli('keys', 'create', '--out', path.join(tmp, 'admin.key'));
    expect(await cli('keys', 'register', '--key', path.join(tmp, 'admin.key'))).toEqual({ keyId: key.keyId, created: true });
  }, 300_000);
  afterAll(async () => {
    await engine?.close();
    await hub?.close();
    await hub?.db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a better model goes through shadow on one device, canary and stable', async () => {
    // Decisions under the bundled model.
    const first = await processAndReview(16);
    expect(new Set(first.map((d) => d.version))).toEqual(new Set([BUNDLED_MODEL_VERSION]));

    // Export: every reviewed document, corrections and confirmations, the sensitive IBAN masked.
    const dataset = path.join(tmp, 'reviewed.jsonl');
    const exported = exportDataset(engine.db, dataset, engine.sensitiveFields());
    expect(exported.examples).toBe(16);
    const examples = fs.readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainingExample);
    expect(examples.filter((e) => e.source === 'correction').length).toBe(exported.corrections);
    expect(examples[0]).toMatchObject({ label: 'purchase_order', model: { version: BUNDLED_MODEL_VERSION }, policyVersion: expect.any(String) });
    expect(examples[0]!.tokens[0]).toMatchObject({ page: 1, text: 'PURCHASE', box: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)] });
    const statement = examples.find((e) => e.label === 'bank_statement')!;
    if (statement.fields.iban) expect(statement.text).not.toContain('DE02 1203 0000 0000 2020 51');

    // Retrain, package, publish, shadow on this one device.
    const better = retrain(dataset, '2.0.0', ['--epochs', '4']);
    const pkg = await cli('models', 'publish', better, '--key', path.join(tmp, 'admin.key'));
    expect(pkg).toMatchObject({ name: 'countersign-doc-classifier', version: '2.0.0', task: 'doc-classifier', metrics: { examples: 16 } });
    const r = (await cli('models', 'rollout', String(pkg.id), '--site', String(seed.site.id), '--devices', String(deviceId), '--margin', '0.2', '--min-decisions', '6')) as unknown as Rollout;
    expect(r.stage).toBe('shadow');
    await sync();
    expect(engine.models().slot('doc-classifier')).toMatchObject({ active: null, candidate: { version: '2.0.0' }, candidateStage: 'shadow' });

    // Shadow: routing unaffected (the stable model labels every document), both models' labels recorded and counted.
    const shadow = await processAndReview(8);
    expect(new Set(shadow.map((d) => d.version))).toEqual(new Set([BUNDLED_MODEL_VERSION]));
    await sync();
    const [afterShadow] = await rollouts();
    expect(afterShadow).toMatchObject({ stage: 'shadow', metrics: { decisions: 8, candidateDisagreement: { n: 8 }, stableDisagreement: { n: 8 }, candidateOverride: { n: 0 } } });
    expect(afterShadow!.metrics.candidateDisagreement.rate!).toBeLessThanOrEqual(afterShadow!.metrics.stableDisagreement.rate!);

    // Canary: half the documents, drawn per document, routed by the candidate.
    await cli('models', 'promote', String(r.id), '--to', 'canary', '--percent', '50');
    await sync();
    const canary = await processAndReview(8);
    expect(new Set(canary.map((d) => d.version))).toEqual(new Set([BUNDLED_MODEL_VERSION, '2.0.0']));
    await sync();
    const [afterCanary] = await rollouts();
    expect(afterCanary).toMatchObject({ stage: 'canary', metrics: { decisions: 16 } });
    expect(afterCanary!.metrics.candidateOverride.n).toBeGreaterThan(0);

    // Promote: the new model serves everything, the bundled one kept for an instant rollback.
    await cli('models', 'promote', String(r.id), '--to', 'stable');
    await sync();
    expect(engine.models().slot('doc-classifier')).toMatchObject({ active: { version: '2.0.0' }, previous: null, candidate: null });
    const promoted = await processAndReview(4);
    expect(new Set(promoted.map((d) => d.version))).toEqual(new Set(['2.0.0']));
    expect(engine.audit.list({ offset: 0, limit: 1000 }).items.map((e) => e.event)).toEqual(expect.arrayContaining(['model.key_trusted', 'model.installed', 'model.assignment_applied', 'model.candidate_ran']));
  }, 600_000);

  it('a worse model is rolled back automatically once reviewers show it disagrees more than the margin allows', async () => {
    // Mislabelled training data (every label shifted to the next type): the candidate learns the wrong types.
    const dataset = path.join(tmp, 'reviewed.jsonl');
    const labels = ['purchase_order', 'bank_statement', 'credit_note', 'other'];
    const bad = path.join(tmp, 'mislabelled.jsonl');
    fs.writeFileSync(
      bad,
      fs
        .readFileSync(dataset, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as TrainingExample)
        .map((e) => JSON.stringify({ ...e, label: labels[(labels.indexOf(e.label) + 1) % labels.length] }))
        .join('\n'),
    );
    const worse = retrain(bad, '2.1.0', ['--epochs', '8', '--lr', '1e-3']);
    const pkg = await cli('models', 'publish', worse, '--key', path.join(tmp, 'admin.key'));
    const r = (await cli('models', 'rollout', String(pkg.id), '--site', String(seed.site.id), '--margin', '0.1', '--min-decisions', '6')) as unknown as Rollout;
    expect(r).toMatchObject({ stage: 'shadow', baselinePackageId: expect.any(Number) });
    await sync();
    expect(engine.models().slot('doc-classifier')).toMatchObject({ active: { version: '2.0.0' }, candidate: { version: '2.1.0' } });

    const docs = await processAndReview(8);
    expect(new Set(docs.map((d) => d.version))).toEqual(new Set(['2.0.0']));
    await sync();
    const rolled = (await rollouts()).find((x) => x.id === r.id)!;
    expect(rolled.stage).toBe('rolled_back');
    expect(rolled.reason).toMatch(/^automatic: The candidate disagreed with reviewers on \d+\.\d% of 8 reviewed documents, the stable model on \d+\.\d%/);
    // The device drops the candidate on its next sync; the stable model keeps serving.
    await sync();
    expect(engine.models().slot('doc-classifier')).toMatchObject({ active: { version: '2.0.0' }, candidate: null });
  }, 600_000);
});
