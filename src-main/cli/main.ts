import { Command, CommanderError, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { defaultActor, Engine, ENGINE_VERSION } from '../engine/engine.ts';
import { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from './exit-codes.ts';
import { createProgress, PROGRESS_MODES, progressMode, type ProgressChoice } from './progress.ts';
import { discoverFiles } from '../ingest/discover.ts';
import type { Source } from '../engine/pipeline.ts';
import { OCR_ENGINE_ENV, OCR_ENGINES, type OcrEngineChoice } from '../ocr/choose-engine.ts';
import { EXECUTION_PROVIDER_ENV, EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../ml/execution-providers.ts';
import { registerExtraCommands } from './extra-commands.ts';
import { registerStatsCommand } from './stats-command.ts';
import { applyOcrModel, ocrModelOption } from './ocr-model-option.ts';
import { applySecondReading, secondReadingOption } from './second-reading-option.ts';
import type { SecondReadingScope } from '../ocr/second-reader.ts';
import type { OcrModelVariant } from '../ocr/onnx/ocr-model-variant.ts';
import { auditVerify } from './audit-verify.ts';
import { registerAuditReportCommand, verifyExportFile } from './audit-report-command.ts';
import { maskAuditData } from '../../src-shared/masking.ts';

const dataDirOption = () => new Option('--data-dir <dir>', 'data directory (default: $COUNTERSIGN_DATA_DIR, else the per-user app-data folder)');
const ocrEngineOption = () =>
  new Option('--ocr-engine <engine>', `OCR engine for scans (default: $${OCR_ENGINE_ENV}, else auto: PP-OCRv4 on ONNX Runtime, tesseract.js if it cannot start)`).choices(OCR_ENGINES);
const executionProviderOption = () =>
  new Option('--execution-provider <ep>', `where the ONNX models run (default: $${EXECUTION_PROVIDER_ENV}, else auto: the platform's GPU path when installed, then CPU)`).choices([
    'auto',
    ...EXECUTION_PROVIDERS,
  ]);

export function describeResult(r: ProcessResult): string {
  const name = path.basename(r.file);
  if (r.status === 'failed') return `✗ ${name}: failed [${r.error?.code}] ${r.error?.message}`;
  if (r.status === 'duplicate') return `= ${name}: duplicate of document ${r.duplicateOf}, not processed again`;
  const parts = [`✓ ${name}:`];
  if (r.text) parts.push(`${r.text.pages} page(s), ${r.text.chars} chars via ${r.text.source === 'ocr' ? 'OCR' : 'PDF text'} (${r.text.engine})`);
  if (r.docType) parts.push(`| ${r.docType.label} ${(r.docType.score * 100).toFixed(0)}%`);
  const total = r.fields?.total;
  if (total) parts.push(`| total ${total.value}${r.fields?.currency ? ` ${r.fields.currency.value}` : ''}`);
  if (r.route) parts.push(`| ${r.route.action.replace('_', '-')}${r.route.reasons.length ? `: ${r.route.reasons.join(' ')}` : ''}`);
  if (r.timingsMs?.total !== undefined) parts.push(`(${Math.round(r.timingsMs.total)} ms)`);
  return parts.join(' ');
}

/** Processes files and folders, one result line per document on `out`; progress on stderr from the start of the batch. */
export async function runProcess(engine: Engine, paths: string[], json: boolean, out: NodeJS.WritableStream = process.stdout, progressChoice: ProgressChoice = 'auto'): Promise<number> {
  await engine.pipeline.resumePending((r) => process.stderr.write(`resumed from an interrupted run: ${describeResult(r)}\n`));
  // Folders are expanded first, so the bar knows the total before the first document is read.
  const sources: Source[] = discoverFiles(paths).map((f) => ({ kind: 'path', file: f.file, ...(f.missing ? { missing: true } : {}) }));
  const progress = createProgress(sources.length, progressMode(progressChoice));
  try {
    const results = await engine.pipeline.processSources(sources, defaultActor(), (r) => {
      progress.tick(path.basename(r.file), r.status === 'processed' && r.route ? r.route.action.replace('_', '-') : r.status);
      out.write(json ? `${JSON.stringify(r)}\n` : `${describeResult(r)}\n`);
    });
    return results.some((r) => r.status === 'failed') ? EXIT_SOME_FAILED : EXIT_OK;
  } finally {
    progress.stop();
  }
}

export function buildProgram(state: { exitCode: number }): Command {
  const program = new Command('countersign')
    .description('Countersign: document automation that keeps documents on this machine')
    .version(ENGINE_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('process')
    .description('Process files and folders: read, extract text, understand, route; one result per document')
    .argument('<paths...>', 'files or folders')
    .addOption(dataDirOption())
    .option('--json', 'print one JSON object per document on stdout, in input order')
    .option('--max-pages <n>', 'refuse documents with more pages than this', (v) => positiveInt(v, '--max-pages'), 500)
    .option('--workers <n>', 'OCR workers (default: cores)', (v) => positiveInt(v, '--workers'))
    .addOption(ocrEngineOption())
    .addOption(executionProviderOption())
    .addOption(ocrModelOption())
    .addOption(secondReadingOption())
    .addOption(new Option('--progress <mode>', 'progress on stderr: a bar on a terminal, `progress done/total status file` lines otherwise (auto), or none').choices(PROGRESS_MODES).default('auto'))
    .action(
      async (
        paths: string[],
        o: { dataDir?: string; json?: boolean; maxPages: number; workers?: number; ocrEngine?: OcrEngineChoice; executionProvider?: ExecutionProviderChoice; ocrModel?: OcrModelVariant; secondReading?: SecondReadingScope; progress: ProgressChoice },
      ) => {
      applyOcrModel(o.ocrModel);
      applySecondReading(o.secondReading);
      const engine = await Engine.open({
        dataDir: resolveDataDir(o.dataDir),
        maxPages: o.maxPages,
        ...(o.workers ? { ocrWorkers: o.workers } : {}),
        ...(o.ocrEngine ? { ocrEngine: o.ocrEngine } : {}),
        ...(o.executionProvider ? { executionProvider: o.executionProvider } : {}),
      });
      try {
        state.exitCode = await runProcess(engine, paths, o.json === true, process.stdout, o.progress);
      } finally {
        await engine.close();
      }
      },
    );

  program
    .command('text')
    .description('Print the text Countersign reads from files (PDF text layer, e-invoice XML or OCR), to check it by eye')
    .argument('<files...>')
    .option('--workers <n>', 'OCR workers', (v) => positiveInt(v, '--workers'), 1)
    .option('--jsonl', 'one JSON object a line per file: its pages with source, engine, model and text (for scripts)')
    .addOption(ocrEngineOption())
    .addOption(executionProviderOption())
    .addOption(ocrModelOption())
    .addOption(secondReadingOption())
    .action(async (files: string[], o: { workers: number; jsonl?: boolean; ocrEngine?: OcrEngineChoice; executionProvider?: ExecutionProviderChoice; ocrModel?: OcrModelVariant; secondReading?: SecondReadingScope }) => {
      applyOcrModel(o.ocrModel);
      applySecondReading(o.secondReading);
      const { printText } = await import('./text-command.ts');
      state.exitCode = await printText(files, o.workers, {
        ...(o.ocrEngine ? { engine: o.ocrEngine } : {}),
        ...(o.executionProvider ? { executionProvider: o.executionProvider } : {}),
        format: o.jsonl ? 'jsonl' : 'text',
      });
    });

  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description("Check the hash chain and, when enrolled with a hub, the hub's copy of what this device uploaded; exit 0 when both agree, 1 naming the first bad entry or batch")
    .addOption(dataDirOption())
    .option('--json', 'print the result as JSON')
    .option('--export <file>', 'instead: check a report made by `audit report --format jsonl` against the recorded chain, naming the first edited, added or removed entry')
    .action(async (o: { dataDir?: string; json?: boolean; export?: string }) => {
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        state.exitCode = o.export ? verifyExportFile(engine, o.export, { json: o.json === true }) : await auditVerify(engine, { json: o.json === true });
      } finally {
        await engine.close();
      }
    });
  audit
    .command('export')
    .description('Write the audit log as JSON Lines (stdout, or --out FILE)')
    .addOption(dataDirOption())
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--from <seq>', 'first sequence number', (v) => positiveInt(v, '--from'), 1)
    .option('--unmasked', "full values of the policy's sensitive fields (masked by default; needed to re-verify the hashes)")
    .action(async (o: { dataDir?: string; out?: string; from: number; unmasked?: boolean }) => {
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const fd = o.out ? fs.openSync(o.out, 'w', 0o600) : 1;
        const sensitive = o.unmasked ? [] : engine.sensitiveFields();
        let n = 0;
        for (const e of engine.audit.iterate(o.from)) {
          fs.writeSync(fd, `${JSON.stringify(sensitive.length ? { ...e, data: maskAuditData(e.data, sensitive) } : e)}\n`);
          n += 1;
        }
        if (o.out) {
          fs.closeSync(fd);
          process.stderr.write(`Wrote ${n} audit entries to ${o.out}\n`);
        }
      } finally {
        await engine.close();
      }
    });

  registerAuditReportCommand(audit, state, dataDirOption);
  registerExtraCommands(program, state, dataDirOption);
  registerStatsCommand(program, dataDirOption);
  return program;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CommanderError(EXIT_USAGE, 'countersign.invalidArgument', `${flag} needs a positive whole number, got "${v}"`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const state = { exitCode: EXIT_OK };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      if (err.code === 'countersign.invalidArgument') process.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_SOME_FAILED;
  }
}
