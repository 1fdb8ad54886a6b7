// `npm run bench`: runs every benchmark section and prints one markdown report (also written to
// out/bench/latest.md). Figures go into docs/benchmarks.md by hand, with the machine and the date.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Section = { name: string; load: () => Promise<{ default: () => Promise<string> }> };

const sections: Section[] = [
  { name: 'pipeline', load: () => import('./pipeline.bench.ts') },
  { name: 'ocr', load: () => import('./ocr.bench.ts') },
  { name: 'classify', load: () => import('../../src-main/classify/bench.ts') },
  { name: 'understand', load: () => import('./understand.bench.ts') },
  { name: 'ui', load: () => import('./ui.bench.ts') },
  { name: 'hub', load: () => import('./hub.bench.ts') },
  { name: 'store', load: () => import('./store.bench.ts') },
  { name: 'metrics', load: () => import('./metrics.bench.ts') },
];

// Section names; a flag's value (`--execution-provider cuda`) is not one.
const args = process.argv.slice(2);
const FLAGS_WITH_VALUE = new Set(['--execution-provider']);
const only = args.filter((a, i) => !a.startsWith('-') && !FLAGS_WITH_VALUE.has(args[i - 1] ?? ''));
const header = `# Countersign benchmarks\n\n- date: ${new Date().toISOString()}\n- machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}\n- node: ${process.version}\n- command: npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\n`;
const parts = [header];
process.stdout.write(`${header}\n`);
for (const s of sections) {
  if (only.length && !only.includes(s.name)) continue;
  let text: string;
  try {
    const mod = await s.load();
    text = await mod.default();
  } catch (err) {
    text = `## ${s.name}\n\nnot run: ${(err as Error).message}\n`;
  }
  parts.push(text);
  process.stdout.write(`${text}\n`);
}
const out = path.join('out', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.md'), parts.join('\n'));
