// OCR and text-extraction benchmark (`npm run bench -- ocr [--execution-provider cuda|webgpu|cpu]
// [--ocr-model fp32,fused,int8] [--scans-only]`, or `npx tsx tools/bench/ocr.bench.ts`). Each ONNX
// model variant listed is read in the same run (default: all of them); --scans-only leaves out
// tesseract.js, the digital PDFs and the odd files. Scans: SROIE receipts (every 5th of the 200, `OCR_BENCH_RECEIPTS`
// to change how many) and the 7 invoice2data office scans, read through the Text stage (decode, grey,
// bounded resolution, OCR engine) by the PP-OCRv4 ONNX engine and the tesseract.js pool, each in its
// own process (so its peak RSS is its own), 2 pages at a time, against Debian's `tesseract` CLI run
// the way a careful user runs it on 2 cores: 2 processes in parallel, each with OMP_THREAD_LIMIT=1.
// CER: Levenshtein over the SROIE transcript after collapsing whitespace. Totals legible: share of
// receipts whose labelled total appears verbatim in the text. The invoice scans have no transcript:
// they are scored by the share of their own PDF's text-layer words that OCR recovers, in any order.
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseExecutionProvider, type ExecutionProviderChoice } from '../../src-main/ml/execution-providers.ts';
import type { OcrEngine } from '../../src-main/ocr/ocr-engine.ts';
import { createOnnxOcrEngine } from '../../src-main/ocr/onnx/onnx-ocr-engine.ts';
import { OCR_MODEL_VARIANTS, parseOcrModelVariant, type OcrModelVariant } from '../../src-main/ocr/onnx/ocr-model-variant.ts';
import { createTesseractEngine, tesseractEngineId } from '../../src-main/ocr/tesseract-pool.ts';
import { withSecondReader } from '../../src-main/ocr/second-reader.ts';
import { extractText } from '../../src-main/text/extract-text.ts';
import { collapseWhitespace, levenshtein } from '../../src-main/eval/metrics.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const SROIE_RECEIPTS = Number(process.env.OCR_BENCH_RECEIPTS ?? 40);
const PARALLEL = 2;

interface Scan {
  file: string;
  /** Reference text: the SROIE transcript, or the invoice PDF's own text layer. */
  truth: string;
  kind: 'receipt' | 'invoice';
  /** The labelled total (receipts). */
  total?: string;
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
  const totals = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(CORPUS, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const l = JSON.parse(line) as { file: string; fields?: { total?: string } };
    if (l.fields?.total) totals.set(l.file, l.fields.total);
  }
  const all = fs
    .readdirSync(path.join(CORPUS, 'sroie/img'))
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const step = Math.max(1, Math.floor(all.length / SROIE_RECEIPTS));
  const sroie = all
    .filter((_, i) => i % step === 0)
    .slice(0, SROIE_RECEIPTS)
    .map((f) => ({
      file: path.join(CORPUS, 'sroie/img', f),
      truth: fs.readFileSync(path.join(CORPUS, 'sroie/text', f.replace(/\.jpg$/, '.txt')), 'utf8'),
      kind: 'receipt' as const,
      ...(totals.has(`sroie/img/${f}`) ? { total: totals.get(`sroie/img/${f}`)! } : {}),
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
  /** CPU time (all threads, or the CLI children's) a page: robust when other work shares the cores. */
  cpuMsPerPage: number;
  pagesPerMin: number;
  cerReceipts: number;
  totalsLegible: number;
  wordsInvoices: number;
  peakRssMiB: number;
  /** Where the models ran, for engines with models. */
  provider?: string;
}

function row(r: RunResult): string {
  return `| ${r.label} | ${r.pagesPerMin.toFixed(1)} | ${r.msPerPage.toFixed(0)} | ${r.cpuMsPerPage.toFixed(0)} | ${(r.cerReceipts * 100).toFixed(2)} % | ${(r.totalsLegible * 100).toFixed(1)} % | ${(r.wordsInvoices * 100).toFixed(1)} % | ${r.peakRssMiB} |`;
}

function score(label: string, ms: number, cpuMs: number, outputs: string[], scans: Scan[], peakRssMiB: number, provider?: string): RunResult {
  const receipts = scans.map((s, i) => [s, outputs[i] ?? ''] as const).filter(([s]) => s.kind === 'receipt');
  const invoices = scans.map((s, i) => [s, outputs[i] ?? ''] as const).filter(([s]) => s.kind === 'invoice');
  const labelled = receipts.filter(([s]) => s.total);
  return {
    label,
    msPerPage: ms / scans.length,
    cpuMsPerPage: cpuMs / scans.length,
    pagesPerMin: (scans.length / ms) * 60_000,
    cerReceipts: cer(receipts.map(([, o]) => o), receipts.map(([s]) => s)),
    totalsLegible: labelled.filter(([s, o]) => o.includes(s.total!)).length / Math.max(1, labelled.length),
    wordsInvoices: wordRecall(invoices.map(([, o]) => o), invoices.map(([s]) => s)),
    peakRssMiB,
    ...(provider ? { provider } : {}),
  };
}

type EngineSpec =
  | { kind: 'onnx'; executionProvider: ExecutionProviderChoice; modelVariant: OcrModelVariant; secondReading?: boolean }
  | { kind: 'tesseract.js'; traineddata: 'best_int' | 'fast' };

interface ChildReport {
  outputs: string[];
  ms: number;
  cpuMs: number;
  peakRssMiB: number;
  provider?: string;
  engine: string;
  /** Providers skipped or dropped on the way, with why. */
  warnings: string[];
}

/** In a child process: the Text stage on every scan, 2 pages in flight, after one warm-up page. */
async function runEngineHere(spec: EngineSpec, scans: Scan[]): Promise<ChildReport> {
  const warnings: string[] = [];
  const onnx = () => createOnnxOcrEngine({ workers: PARALLEL, threads: 1, ...(spec.kind === 'onnx' ? { executionProvider: spec.executionProvider, modelVariant: spec.modelVariant } : {}), onWarning: (m) => warnings.push(m) });
  const ocr: OcrEngine =
    spec.kind === 'onnx'
      ? spec.secondReading
        ? // The app's default: tesseract.js (one worker) also reads page-shaped scans, as choose-engine.ts sets it up.
          withSecondReader({ main: await onnx(), secondId: tesseractEngineId(), startSecond: () => createTesseractEngine({ workers: 1 }), scope: 'pages' })
        : await onnx()
      : await createTesseractEngine({ workers: PARALLEL, traineddata: spec.traineddata });
  try {
    for (const w of warnings) process.stderr.write(`${w}\n`);
    // Warm-up outside the clock: worker start-up and model load are paid once per app start.
    await extractText({ bytes: new Uint8Array(fs.readFileSync(scans[0]!.file)), mime: 'image/jpeg' }, { ocr });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const outputs: string[] = new Array(scans.length);
    let next = 0;
    let provider: string | undefined;
    const lane = async () => {
      while (next < scans.length) {
        const i = next++;
        const r = await extractText({ bytes: new Uint8Array(fs.readFileSync(scans[i]!.file)), mime: 'image/jpeg' }, { ocr });
        outputs[i] = r.pages.map((p) => p.text).join('\n');
        provider ??= r.pages[0]?.ocrModel?.executionProvider;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, lane));
    const cpu = process.cpuUsage(cpu0);
    return {
      outputs,
      ms: performance.now() - started,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(provider ? { provider } : {}),
      engine: ocr.name,
      warnings,
    };
  } finally {
    await ocr.close();
  }
}

async function runEngineChild(spec: EngineSpec, scans: Scan[]): Promise<RunResult> {
  const self = fileURLToPath(import.meta.url);
  const report = await new Promise<ChildReport>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', JSON.stringify({ spec, files: scans.map((s) => s.file) })], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildReport) : reject(new Error(`bench child exited ${code}`))));
  });
  if (spec.kind === 'onnx') {
    // Which provider did the work, and why not the one asked for.
    const why = report.warnings.length ? ` (${report.warnings.map((w) => w.replace(/^OCR: execution provider /, '').replace(/; falling back$/, '')).join('; ')})` : '';
    process.stderr.write(`ocr bench: ${spec.modelVariant} model: asked for execution provider ${spec.executionProvider}, ran on ${report.provider ?? '?'}${why}\n`);
  }
  const label =
    spec.kind === 'onnx'
      ? `Countersign, PP-OCRv4 ${spec.modelVariant} ONNX (${report.provider ?? '?'}), ${PARALLEL} workers × 1 thread${spec.secondReading ? ' + tesseract.js second reading of page-shaped scans (the default; text scored: PP-OCR\'s)' : ''}`
      : `Countersign, tesseract.js ${spec.traineddata}, ${PARALLEL} workers, 1 reading`;
  return score(label, report.ms, report.cpuMs, report.outputs, scans, report.peakRssMiB, report.provider);
}

/** Debian's tesseract as a careful user runs it on 2 cores: 2 processes at a time, one OpenMP thread each. */
async function nativeCli(scans: Scan[]): Promise<RunResult | null> {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const outputs: string[] = new Array(scans.length);
  let cpuMs = 0;
  let peakKiB = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < scans.length) {
      const i = next++;
      // /usr/bin/time reports the CLI's own user+system seconds and peak RSS (KiB) on stderr's last line.
      const { stdout, stderr } = await run('/usr/bin/time', ['-f', '%U %S %M', 'tesseract', scans[i]!.file, '-'], {
        maxBuffer: 1 << 24,
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      });
      const [user = 0, sys = 0, rss = 0] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      cpuMs += (user + sys) * 1000;
      peakKiB = Math.max(peakKiB, rss);
      outputs[i] = stdout;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return score(`native \`tesseract\` 5.3 CLI, ${PARALLEL} processes × OMP_THREAD_LIMIT=1`, performance.now() - started, cpuMs, outputs, scans, Math.round(peakKiB / 1024));
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

function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  const v = argv[i]!.includes('=') ? argv[i]!.split('=')[1]! : argv[i + 1];
  if (!v) throw new Error(`${flag} needs a value`);
  return v;
}

function executionProviderArg(argv: string[]): ExecutionProviderChoice {
  const v = flagValue(argv, '--execution-provider');
  return v ? parseExecutionProvider(v) : 'auto';
}

/** `--ocr-model fp32,int8`: the ONNX model variants to read the scans with, in this order. */
function ocrModelsArg(argv: string[]): OcrModelVariant[] {
  const v = flagValue(argv, '--ocr-model');
  return v ? [...new Set(v.split(',').map(parseOcrModelVariant))] : [...OCR_MODEL_VARIANTS];
}

export default async function ocrBench(): Promise<string> {
  if (!fs.existsSync(CORPUS)) return '## OCR and text extraction\n\nnot run: ../shared/corpus is absent\n';
  const argv = process.argv.slice(2);
  const ep = executionProviderArg(argv);
  const variants = ocrModelsArg(argv);
  const scansOnly = argv.includes('--scans-only');
  const scans = await loadScans();
  const loadStart = os.loadavg()[0]!;
  // Each row goes to stderr as soon as it is measured, so a long run that is stopped still shows it.
  // The native CLI runs between the ONNX variants, so a change in the machine's load shows as a gap.
  const onnx: RunResult[] = [];
  let native: RunResult | null = null;
  for (const [i, modelVariant] of variants.entries()) {
    const r = await runEngineChild({ kind: 'onnx', executionProvider: ep, modelVariant }, scans);
    process.stderr.write(`${row(r)}\n`);
    onnx.push(r);
    if (i === 0) {
      native = await nativeCli(scans);
      if (native) process.stderr.write(`${row(native)}\n`);
    }
  }
  // The default engine as the app runs it: the first variant with tesseract.js's second reading of page-shaped scans.
  const withSecond = await runEngineChild({ kind: 'onnx', executionProvider: ep, modelVariant: variants[0]!, secondReading: true }, scans);
  process.stderr.write(`${row(withSecond)}\n`);
  const tjs = scansOnly ? null : await runEngineChild({ kind: 'tesseract.js', traineddata: 'best_int' }, scans);
  if (tjs) process.stderr.write(`${row(tjs)}\n`);
  const runs = [...(native ? [native] : []), ...onnx, withSecond, ...(tjs ? [tjs] : [])];
  const ratio = (r: RunResult) => (native ? `${(r.pagesPerMin / native.pagesPerMin).toFixed(2)}x` : 'n/a (native CLI not installed)');
  const receipts = scans.filter((s) => s.kind === 'receipt');
  return [
    '## OCR and text extraction',
    '',
    `Scans: ${receipts.length} SROIE receipts (${receipts.filter((s) => s.total).length} with a labelled total) + ${scans.filter((s) => s.kind === 'invoice').length} invoice2data scans; ${os.availableParallelism()} cores (shared with whatever else runs), load average ${loadStart.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end. Execution provider asked for: ${ep}; ONNX engine ran on: **${[...new Set(onnx.map((r) => r.provider))].join(', ')}**.`,
    '',
    '| engine | pages/min | ms/page | CPU ms/page | CER receipts (lower is better) | receipt totals legible | invoice words recovered | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map(row),
    '',
    `ONNX engine, pages/minute against the native CLI's: ${onnx.map((r, i) => `${variants[i]} **${ratio(r)}**`).join(', ')}; with the second reading (the default) **${ratio(withSecond)}**.`,
    '',
    ...(scansOnly ? [] : [await digitalPdfs(), '', await worstOddRss(), '']),
  ].join('\n');
}

if (process.argv[2] === '--child') {
  const { spec, files } = JSON.parse(process.argv[3]!) as { spec: EngineSpec; files: string[] };
  const report = await runEngineHere(
    spec,
    files.map((file) => ({ file, truth: '', kind: 'receipt' as const })),
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await ocrBench()}\n`);
}
