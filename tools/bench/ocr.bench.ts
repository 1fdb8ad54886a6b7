// OCR and text-extraction benchmark (`npm run bench -- ocr`, or `npx tsx tools/bench/ocr.bench.ts`).
// Scans: 20 SROIE receipts and the 7 invoice2data office scans, read through the Text stage
// (decode, grey, bounded resolution, tesseract.js pool) with 1 and 2 workers and both bundled
// models, against Debian's `tesseract` CLI run the way a user would: one image at a time, default
// OpenMP threads. CER: Levenshtein over the transcript after collapsing whitespace (SROIE). The
// invoice scans have no transcript: they are scored by the share of their own PDF's text-layer words
// that OCR recovers, ignoring order (reading-order conventions differ between a PDF and a scan).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createTesseractEngine, type Traineddata } from '../../src-main/ocr/tesseract-pool.ts';
import { extractText } from '../../src-main/text/extract-text.ts';
import { collapseWhitespace, levenshtein } from '../../src-main/eval/metrics.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const SROIE_IMAGES = 20;

interface Scan {
  file: string;
  /** Reference text: the SROIE transcript, or the invoice PDF's own text layer. */
  truth: string;
  kind: 'receipt' | 'invoice';
}

const collapse = collapseWhitespace;

/** Share of the reference's words (as a multiset) found in the output, in any order. */
function wordRecall(outputs: string[], scans: Scan[]): number {
  let found = 0;
  let total = 0;
  scans.forEach((scan, i) => {
    const have = new Map<string, number>();
    for (const w of collapse(outputs[i] ?? '').split(' ')) have.set(w, (have.get(w) ?? 0) + 1);
    for (const w of collapse(scan.truth).split(' ').filter(Boolean)) {
      total++;
      const n = have.get(w) ?? 0;
      if (n > 0) {
        found++;
        have.set(w, n - 1);
      }
    }
  });
  return total ? found / total : NaN;
}

/** Character error rate over a set: total edits / total reference characters. */
function cer(outputs: string[], scans: Scan[]): number {
  let edits = 0;
  let chars = 0;
  scans.forEach((scan, i) => {
    const truth = collapse(scan.truth);
    edits += levenshtein(collapse(outputs[i] ?? ''), truth);
    chars += [...truth].length;
  });
  return chars ? edits / chars : NaN;
}

const noOcr = {
  name: 'none',
  version: '0',
  recognize: async () => {
    throw new Error('a digital PDF went to OCR');
  },
  close: async () => {},
};

async function loadScans(): Promise<Scan[]> {
  const sroie = fs
    .readdirSync(path.join(CORPUS, 'sroie/img'))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, SROIE_IMAGES)
    .map((f) => ({
      file: path.join(CORPUS, 'sroie/img', f),
      truth: fs.readFileSync(path.join(CORPUS, 'sroie/text', f.replace(/\.jpg$/, '.txt')), 'utf8'),
      kind: 'receipt' as const,
    }));
  const invoices: Scan[] = [];
  for (const f of fs.readdirSync(path.join(CORPUS, 'invoice2data/scan')).filter((n) => n.endsWith('.jpg')).sort()) {
    const pdf = path.join(CORPUS, 'invoice2data/pdf', f.replace(/\.jpg$/, '.pdf'));
    const layer = await extractText({ bytes: new Uint8Array(fs.readFileSync(pdf)), mime: 'application/pdf' }, { ocr: noOcr });
    invoices.push({ file: path.join(CORPUS, 'invoice2data/scan', f), truth: layer.pages[0]?.text ?? '', kind: 'invoice' });
  }
  return [...sroie, ...invoices];
}

interface RunResult {
  label: string;
  msPerPage: number;
  /** CPU time (all threads, or the CLI child's) a page: robust when other work shares the cores. */
  cpuMsPerPage: number;
  pagesPerMin: number;
  cerReceipts: number;
  wordsInvoices: number;
}

function row(r: RunResult): string {
  return `| ${r.label} | ${r.msPerPage.toFixed(0)} | ${r.cpuMsPerPage.toFixed(0)} | ${r.pagesPerMin.toFixed(1)} | ${(r.cerReceipts * 100).toFixed(2)} % | ${(r.wordsInvoices * 100).toFixed(1)} % |`;
}

function score(label: string, ms: number, cpuMs: number, outputs: string[], scans: Scan[]): RunResult {
  const receipts = scans.map((s, i) => [s, outputs[i] ?? ''] as const).filter(([s]) => s.kind === 'receipt');
  const invoices = scans.map((s, i) => [s, outputs[i] ?? ''] as const).filter(([s]) => s.kind === 'invoice');
  return {
    label,
    msPerPage: ms / scans.length,
    cpuMsPerPage: cpuMs / scans.length,
    pagesPerMin: (scans.length / ms) * 60_000,
    cerReceipts: cer(receipts.map(([, o]) => o), receipts.map(([s]) => s)),
    wordsInvoices: wordRecall(invoices.map(([, o]) => o), invoices.map(([s]) => s)),
  };
}

/** The Text stage on every scan at once; the pool's workers take pages as they free up. */
async function countersign(scans: Scan[], workers: number, traineddata: Traineddata): Promise<RunResult> {
  const ocr = await createTesseractEngine({ workers, traineddata });
  try {
    // Warm-up outside the clock: worker start-up and model load are paid once per app start.
    await extractText({ bytes: new Uint8Array(fs.readFileSync(scans[0]!.file)), mime: 'image/jpeg' }, { ocr });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const outputs = await Promise.all(
      scans.map(async (s) => {
        const r = await extractText({ bytes: new Uint8Array(fs.readFileSync(s.file)), mime: 'image/jpeg' }, { ocr });
        return r.pages.map((p) => p.text).join('\n');
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    const label = `Countersign, tesseract.js ${traineddata}, ${workers} worker${workers > 1 ? 's' : ''}`;
    return score(label, performance.now() - started, (cpu.user + cpu.system) / 1000, outputs, scans);
  } finally {
    await ocr.close();
  }
}

async function nativeCli(scans: Scan[]): Promise<RunResult | null> {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const outputs: string[] = [];
  let cpuMs = 0;
  const started = performance.now();
  for (const s of scans) {
    // /usr/bin/time reports the CLI's own user+system seconds on stderr's last line.
    const { stdout, stderr } = await run('/usr/bin/time', ['-f', '%U %S', 'tesseract', s.file, '-'], { maxBuffer: 1 << 24 });
    const [user = 0, sys = 0] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    cpuMs += (user + sys) * 1000;
    outputs.push(stdout);
  }
  return score('native `tesseract` 5.3 CLI (tessdata_fast), 1 image at a time', performance.now() - started, cpuMs, outputs, scans);
}

async function digitalPdfs(): Promise<string> {
  const dir = path.join(CORPUS, 'invoice2data/pdf');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort();
  const docs = files.map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
  // Warm pdfjs and the JIT: a running app has read documents before.
  for (let r = 0; r < 3; r++) for (const bytes of docs) await extractText({ bytes, mime: 'application/pdf' }, { ocr: noOcr });
  const rounds = 10;
  const perRound: number[] = [];
  let pages = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    let roundPages = 0;
    for (const bytes of docs) roundPages += (await extractText({ bytes, mime: 'application/pdf' }, { ocr: noOcr })).pages.length;
    perRound.push((performance.now() - t) / roundPages);
    pages += roundPages;
  }
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const median = [...perRound].sort((a, b) => a - b)[Math.floor(perRound.length / 2)]!;
  return (
    `Digital PDFs (invoice2data, ${files.length} files, ${pages / rounds} pages, ${rounds} rounds after 3 warm-up rounds): ` +
    `**${(wall / pages).toFixed(1)} ms/page** wall (median round ${median.toFixed(1)} ms/page), ` +
    `${((cpu.user + cpu.system) / 1000 / pages).toFixed(1)} ms/page CPU; never OCR'd.`
  );
}

/** Peak RSS of the Text stage on the odd files that stress memory, each in its own process. */
async function worstOddRss(): Promise<string> {
  const child = path.join(ROOT, 'src-main/text/fixtures/extract-child.ts');
  const lines: string[] = [];
  for (const f of ['hugemono.pdf', 'enormous.pdf', '2400dpi.pdf', 'multipage.pdf']) {
    const file = path.join(CORPUS, 'odd', f);
    if (!fs.existsSync(file)) continue;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, file], { cwd: ROOT, timeout: 300_000 });
    const o = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; maxRssMiB: number; ms: number; error?: { code: string } };
    lines.push(`| odd/${f} | ${o.ok ? 'processed' : o.error?.code} | ${o.maxRssMiB} | ${(o.ms / 1000).toFixed(1)} |`);
  }
  return ['| file (default settings, 1 worker) | outcome | peak RSS MiB | s |', '|---|---|---|---|', ...lines].join('\n');
}

export default async function ocrBench(): Promise<string> {
  if (!fs.existsSync(CORPUS)) return '## OCR and text extraction\n\nnot run: ../shared/corpus is absent\n';
  const scans = await loadScans();
  const runs: RunResult[] = [];
  const native = await nativeCli(scans);
  for (const [workers, model] of [
    [1, 'best_int'],
    [2, 'best_int'],
    [2, 'fast'],
  ] as const) {
    runs.push(await countersign(scans, workers, model));
  }
  const best = runs.find((r) => r.label.includes('best_int, 2'))!;
  const ratio = native ? `${(best.pagesPerMin / native.pagesPerMin).toFixed(2)}x the native CLI's pages/minute` : 'native CLI not installed';
  return [
    '## OCR and text extraction',
    '',
    `Scans: ${scans.filter((s) => s.kind === 'receipt').length} SROIE receipts + ${scans.filter((s) => s.kind === 'invoice').length} invoice2data scans; ${os.availableParallelism()} cores (shared with whatever else runs), load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
    '',
    '| engine | ms/page | CPU ms/page | pages/min | CER receipts (SROIE transcripts, lower is better) | invoice words recovered (vs the PDF text layer, any order) |',
    '|---|---|---|---|---|---|',
    ...[...(native ? [native] : []), ...runs].map(row),
    '',
    `Countersign default (best_int, 2 workers): **${ratio}**.`,
    '',
    await digitalPdfs(),
    '',
    await worstOddRss(),
    '',
    `Bench process peak RSS (tesseract.js workers are threads in it): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB.`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await ocrBench()}\n`);
}
