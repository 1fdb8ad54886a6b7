import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, measureCorpus } from './measure-corpus.ts';

// Generic extraction only (no templates), on the shared SROIE transcripts: the project's targets.
describe.skipIf(!corpusAvailable())('extraction on the shared corpus transcripts', () => {
  it('meets the field targets on SROIE', () => {
    const { groups } = measureCorpus({ templates: [], pdfs: false });
    const score = (f: string) => groups.sroie!.find((s) => s.field === f)!.exactMatch;
    expect(score('total')).toBeGreaterThanOrEqual(0.9);
    expect(score('issueDate')).toBeGreaterThanOrEqual(0.9);
    expect(score('vendor')).toBeGreaterThanOrEqual(0.8);
  });
});

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!corpusAvailable() || !hasPdftotext)('extraction on the invoice2data PDFs (pdftotext layout)', () => {
  it('reads totals, dates and numbers of the digital invoices without templates', () => {
    const { groups } = measureCorpus({ templates: [] });
    const score = (f: string) => groups.invoice2data!.find((s) => s.field === f)!.exactMatch;
    expect(score('total')).toBeGreaterThanOrEqual(0.85);
    expect(score('issueDate')).toBeGreaterThanOrEqual(0.85);
    expect(score('documentNumber')).toBeGreaterThanOrEqual(0.7);
  });
});
