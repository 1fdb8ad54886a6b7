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
