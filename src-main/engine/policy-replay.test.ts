import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { policyReplayReport, pulledPolicy } from '../cli/policy-replay-command.ts';
import { sha256OfJson } from '../../src-common/signing/ed25519.ts';
import { ArtifactRepo } from '../store/artifact-repo.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { BUNDLED } from '../understand/bundled-paths.ts';
import { Engine } from './engine.ts';
import { recordedDocuments, replayRecorded } from './policy-replay.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe('policy replay of a processed folder', () => {
  let engine: Engine;
  afterAll(async () => engine?.close());

  it('replays the folder under the policy it was routed with and finds no change; a stricter candidate moves documents', async () => {
    engine = await Engine.open({ dataDir: tmp('cs-replay-'), keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    // The site's policy as the hub assigned it: the bundled one, with QA sampling high enough that the per-document draw matters.
    const content = parseYaml(fs.readFileSync(BUNDLED.policyFile, 'utf8')) as { version: string; docTypes: { invoice: { qaSampling: { rate: number }; requiredFields: Record<string, number> } } };
    content.version = 'qa-heavy';
    content.docTypes.invoice.qaSampling.rate = 0.5;
    content.docTypes.invoice.requiredFields.total = 0.5; // these synthetic PDFs read their total at 0.62
    const stored = { kind: 'policy' as const, name: 'site', version: 4, sha256: sha256OfJson(content), signature: 'verified-by-sync', content: content as unknown as Record<string, unknown> };
    // As sync stores it once verified (verification itself: src-main/sync/hub-config.test.ts).
    new ArtifactRepo(engine.db).storeVerified(stored, 1, new Date().toISOString());

    const dir = tmp('cs-replay-in-');
    for (let i = 1; i <= 8; i++) fs.writeFileSync(path.join(dir, `inv-${i}.pdf`), makeTextPdf([sampleInvoiceLines(i)]));
    const results = await engine.process([dir]);
    expect(results.every((r) => r.status === 'processed' && r.route?.policyVersion === 'hub:site@4')).toBe(true);
    const actions = new Set(results.map((r) => r.route!.action));
    expect(actions.size).toBeGreaterThan(1); // QA sampling sent some to review, not all

    // Each rule result keeps its severity (a failed warning replays as a warning).
    const recorded = recordedDocuments(engine.db);
    expect(recorded.flatMap((d) => d.rules).every((r) => r.severity !== undefined)).toBe(true);
    expect(recorded.every((d) => d.recorded?.policyVersion === 'hub:site@4')).toBe(true);
    expect(engine.db.prepare(`SELECT DISTINCT policy_version AS v FROM predictions`).all()).toEqual([{ v: 'hub:site@4' }]);

    const own = pulledPolicy(engine.db, 'site@4');
    const report = replayRecorded(engine.db, own.policy, own.policy, () => 0.5, { candidate: own.calibration });
    expect(report.overall.changed).toBe(0);
    expect(report.overall.current.documents).toBe(8);
    expect(policyReplayReport(engine.db, { candidate: 'hub:site@4' })).toMatch(/No document would be routed differently/);

    const stricter = { ...content, version: 'strict', docTypes: { ...content.docTypes, invoice: { ...content.docTypes.invoice, reviewAbove: 1 } } };
    new ArtifactRepo(engine.db).keepVersion({ ...stored, version: 5, sha256: sha256OfJson(stricter), content: stricter as unknown as Record<string, unknown> }, new Date().toISOString());
    const moved = JSON.parse(policyReplayReport(engine.db, { candidate: 'site@5', json: true })) as { overall: { candidate: { review: number } } };
    expect(moved.overall.candidate.review).toBe(8);
    expect(() => policyReplayReport(engine.db, { candidate: 'site@9' })).toThrow(/No pulled policy site@9 on this device \(pulled: site@5, site@4\)|pulled: site@4, site@5/);
  }, 600_000);
});
