import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusPresent } from '../testing/prerequisites.ts';
import { makeBlankPng } from './fixtures/generate.ts';

// Files run in child processes (fixtures/extract-child.ts) so a crash cannot take the test runner
// down. The files that stress memory get a process each, so its peak RSS is that file's alone; the
// rest share two processes at a low OCR resolution to keep the test short.
const run = promisify(execFile);
const CORPUS = CORPUS_DIR;
const CHILD = path.join(__dirname, 'fixtures/extract-child.ts');
const MAX_RSS_MIB = 2048;
/** The pages that stress memory run at full resolution; the rest at a lower one to keep the test short. */
const FULL_RESOLUTION = new Set(['odd/hugemono.pdf', 'odd/enormous.pdf', 'odd/2400dpi.pdf']);
const QUICK_PAGE_PIXELS = 1_000_000;

interface ChildOutcome {
  file: string;
  ok: boolean;
  error?: { code: string; message: string };
  pages?: number;
  maxRssMiB: number;
  ms: number;
}

async function extractInChild(files: string[], maxPagePixels?: number): Promise<ChildOutcome[]> {
  const args = ['--import', 'tsx', CHILD, ...(maxPagePixels ? ['--max-page-pixels', String(maxPagePixels)] : []), ...files];
  const { stdout } = await run(process.execPath, args, { timeout: 300_000, maxBuffer: 1 << 20 });
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ChildOutcome);
}

/** Runs the jobs two at a time (the machine has two cores). */
async function twoAtATime<R>(jobs: (() => Promise<R>)[]): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

interface OddLabel {
  file: string;
  expect: 'processed' | 'failed' | 'processed_or_failed';
}

const labels: OddLabel[] = corpusPresent()
  ? readFileSync(path.join(CORPUS, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as OddLabel & { kind: string })
      .filter((l) => l.kind === 'odd')
  : [];

describe.skipIf(labels.length === 0)('odd and hostile corpus files', () => {
  it(
    `each ends as its label expects, in a child process that stays under ${MAX_RSS_MIB} MiB`,
    async () => {
      const file = (label: OddLabel) => path.join(CORPUS, label.file);
      const heavy = labels.filter((l) => FULL_RESOLUTION.has(l.file));
      const light = labels.filter((l) => !FULL_RESOLUTION.has(l.file));
      const half = Math.ceil(light.length / 2);
      const batches = await twoAtATime([
        ...heavy.map((l) => () => extractInChild([file(l)])),
        () => extractInChild(light.slice(0, half).map(file), QUICK_PAGE_PIXELS),
        () => extractInChild(light.slice(half).map(file), QUICK_PAGE_PIXELS),
      ]);
      const byFile = new Map(batches.flat().map((o) => [o.file, o]));
      const outcomes = labels.map((label) => ({ label, outcome: byFile.get(file(label)) ?? { file: label.file, ok: false, maxRssMiB: 0, ms: 0, error: { code: 'internal', message: 'no result: the child process died' } } }));
      const report = outcomes.map(({ label, outcome }) => `${label.file}: ${outcome.ok ? 'processed' : outcome.error?.code} ${outcome.maxRssMiB} MiB ${outcome.ms} ms`);
      console.log(report.join('\n'));
      for (const { label, outcome } of outcomes) {
        const name = `${label.file} (${label.expect})`;
        expect(outcome.maxRssMiB, name).toBeLessThan(MAX_RSS_MIB);
        if (label.expect === 'processed') expect(outcome.ok, `${name}: ${outcome.error?.message}`).toBe(true);
        if (label.expect === 'failed') expect(outcome.ok, name).toBe(false);
        // Failing is allowed for some, but only with a code a user can act on.
        if (!outcome.ok) expect(outcome.error?.code, name).not.toBe('internal');
      }
    },
    400_000,
  );
});

describe('memory bound on a huge image', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'countersign-huge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`a 20,000 x 20,000 px PNG is processed under ${MAX_RSS_MIB} MiB`, async () => {
    const file = path.join(dir, 'huge.png');
    writeFileSync(file, makeBlankPng(20_000, 20_000));
    const [outcome] = await extractInChild([file]);
    if (!outcome) throw new Error('no result: the child process died');
    expect(outcome.ok).toBe(true);
    expect(outcome.maxRssMiB).toBeLessThan(MAX_RSS_MIB);
  }, 160_000);
});
