// End to end through the engine (ingest → text → classify → extract → rules → route → record), on
// the corpus when ../shared is beside the repo: documents/minute for digital PDFs and scans separately,
// and the mean time of each understanding stage per document.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { Engine } from '../../src-main/engine/engine.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');

function files(dir: string, ext: string, n: number): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .slice(0, n)
    .map((f) => path.join(dir, f));
}

async function run(label: string, paths: string[]): Promise<{ row: string; results: ProcessResult[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-'));
  const engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {} });
  try {
    await engine.understanding(); // model load is start-up, not per-document work
    const t = performance.now();
    const results = await engine.process(paths, 'bench');
    const s = (performance.now() - t) / 1000;
    const pages = results.reduce((n, r) => n + (r.text?.pages ?? 0), 0);
    const ok = results.filter((r) => r.status === 'processed').length;
    return { row: `| ${label} | ${results.length} | ${pages} | ${ok} | ${s.toFixed(1)} | ${((results.length / s) * 60).toFixed(1)} | ${((s * 1000) / Math.max(1, pages)).toFixed(0)} |`, results };
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function pipelineBench(): Promise<string> {
  const digital = files(path.join(CORPUS, 'invoice2data/pdf'), '.pdf', 50);
  const scans = [...files(path.join(CORPUS, 'sroie/img'), '.jpg', 20), ...files(path.join(CORPUS, 'invoice2data/scan'), '.jpg', 7)];
  if (!digital.length) return '## Pipeline end to end\n\nnot run: ../shared/corpus is not beside the repo\n';
  const out = ['## Pipeline end to end (default engine: 2 OCR workers, bundled int8 model, default policy)', '', '| documents | count | pages | processed | seconds | documents/min | ms/page |', '|---|---|---|---|---|---|---|'];
  const d = await run('digital PDFs (invoice2data)', digital);
  const s = await run('scans (20 SROIE + 7 invoice scans)', scans);
  out.push(d.row, s.row);
  const stages = ['read', 'ingest', 'text', 'classify', 'extract', 'rules', 'route', 'understand', 'total'];
  out.push('', 'Mean per document, ms:', '', `| documents | ${stages.join(' | ')} |`, `|---|${stages.map(() => '---').join('|')}|`);
  for (const [label, r] of [['digital', d.results], ['scans', s.results]] as const) {
    const mean = (k: string) => {
      const v = r.map((x) => x.timingsMs?.[k]).filter((x): x is number => typeof x === 'number');
      return v.length ? (v.reduce((a, b) => a + b, 0) / v.length).toFixed(1) : '–';
    };
    out.push(`| ${label} | ${stages.map(mean).join(' | ')} |`);
  }
  out.push('', `Peak RSS of the bench process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB.`);
  return `${out.join('\n')}\n`;
}
