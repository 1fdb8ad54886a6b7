// Extraction + rules + routing per document, without OCR or the model: the pure part of
// understanding, measured on the corpus's receipt transcripts laid out as pages.
import fs from 'node:fs';
import path from 'node:path';
import { pagesFromLines } from '../../src-main/extract/page-layout.ts';
import { extractDocument, loadTemplates } from '../../src-main/extract/extract-document.ts';
import { evaluateRules, loadRuleSet } from '../../src-main/rules/evaluate-rules.ts';
import { loadPolicy } from '../../src-main/route/policy.ts';
import { routeDocument } from '../../src-common/routing/route-document.ts';
import { BUNDLED } from '../../src-main/understand/pipeline-understanding.ts';

const TEXTS = path.resolve(import.meta.dirname, '../../../shared/corpus/sroie/text');

export default async function understandBench(): Promise<string> {
  if (!fs.existsSync(TEXTS)) return '## Extraction + rules + routing\n\nnot run: ../shared/corpus is not beside the repo\n';
  const docs = fs
    .readdirSync(TEXTS)
    .sort()
    .map((f) => pagesFromLines(fs.readFileSync(path.join(TEXTS, f), 'utf8').split('\n')));
  const templates = await loadTemplates(BUNDLED.templatesDir);
  const ruleSet = loadRuleSet(BUNDLED.rulesFile);
  const policy = loadPolicy(BUNDLED.policyFile);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const pages of docs) {
      const t = performance.now();
      const x = extractDocument(pages, { docType: 'receipt', templates });
      const rules = evaluateRules({ docType: 'receipt', fields: x.fields, lineItems: x.lineItems, sha256: 'x'.repeat(64) }, ruleSet, { now: new Date(), findDuplicates: () => [] });
      routeDocument({ docType: 'receipt', docTypeScore: 0.99, fields: x.fields, rules, vendorHistoryCount: 3 }, policy, Math.random);
      if (round > 0) times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  return `## Extraction + rules + routing (no OCR, no model)\n\n${docs.length} SROIE transcripts, 2 timed rounds after a warm-up: mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(2)} ms/document, P50 ${q(0.5)} ms, P95 ${q(0.95)} ms.\n`;
}
