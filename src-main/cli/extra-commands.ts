import { Option, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../config/data-dir.ts';
import type { KeyStorage } from '../blob/key-provider.ts';
import { Engine } from '../engine/engine.ts';
import type { CorpusHalf } from '../eval/run-eval.ts';
import { runProcess } from './main.ts';
import { registerServeCommand, startApp } from './serve-command.ts';
import { registerStatusCommand } from './status-command.ts';
import { registerModelCommands } from '../models/models-cli.ts';
import { applySecondReading, secondReadingOption } from './second-reading-option.ts';
import type { SecondReadingScope } from '../ocr/second-reader.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLES_DIR = path.join(REPO_ROOT, 'resources', 'samples');

/** Commands beyond the core: the newcomer's demo, and (as they land) evaluation, policy replay, serving. */
export function registerExtraCommands(program: Command, state: { exitCode: number }, dataDirOption: () => Option): void {
  registerModelCommands(program, state, dataDirOption);
  program
    .command('eval')
    .description('Score the engine on a labelled corpus folder (laid out like ../shared/corpus): types, fields, calibration, routing')
    .argument('<folder>')
    .option('--out <file>', 'also write the markdown report to this file')
    .option('--json <file>', 'also write the full report as JSON')
    .option('--workers <n>', 'OCR workers', (v) => Number(v))
    .option('--datasets <names>', 'only these datasets, comma-separated (e.g. einvoice-flat,einvoice-scan)', (v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('--every <n>', 'score every n-th held-out document of each dataset (a quick sample)', (v) => Number(v))
    .option('--misses', 'list every wrong type and field')
    .option('--ocr-cache <dir>', 'keep page OCR results in this folder and reuse them on the next run (same pixels, same OCR engine)')
    .addOption(new Option('--half <half>', 'which documents: the held-out half, the training half, or all').choices(['held-out', 'training', 'all']).default('held-out'))
    .addOption(secondReadingOption())
    .addOption(dataDirOption())
    .action(async (folder: string, o: { out?: string; json?: string; workers?: number; datasets?: string[]; every?: number; misses?: boolean; dataDir?: string; ocrCache?: string; half: CorpusHalf; secondReading?: SecondReadingScope }) => {
      applySecondReading(o.secondReading);
      const { runEval, formatEval } = await import('../eval/run-eval.ts');
      const report = await runEval(folder, {
        modelDir: path.join(REPO_ROOT, 'models', 'doc-classifier'),
        half: o.half,
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.datasets ? { datasets: o.datasets } : {}),
        ...(o.every ? { every: o.every } : {}),
        ...(o.ocrCache ? { ocrCacheDir: o.ocrCache } : {}),
        onProgress: (d, n) => process.stderr.isTTY && process.stderr.write(`\r${d}/${n} documents`),
      });
      const text = formatEval(report, { misses: o.misses ?? false });
      process.stdout.write(`${text}`);
      if (o.out) fs.writeFileSync(o.out, text);
      if (o.json) fs.writeFileSync(o.json, JSON.stringify(report, null, 2));
    });

  program
    .command('calibrate')
    .description('Refit field-confidence calibration on the training half of a labelled corpus and write the file the bundled policy names')
    .argument('<folder>')
    .option('--out <file>', 'where to write it (default: the calibration file the bundled policy names)')
    .option('--workers <n>', 'OCR workers', (v) => Number(v))
    .option('--ocr-cache <dir>', 'keep page OCR results in this folder and reuse them on the next run')
    .option('--json <file>', "also write each training document's outcome (raw confidences, rules) for choosing thresholds")
    .action(async (folder: string, o: { out?: string; workers?: number; ocrCache?: string; json?: string }) => {
      const { runCalibrate, formatCalibration } = await import('../calibrate/calibrate-command.ts');
      const { loadPolicy } = await import('../route/policy.ts');
      const { BUNDLED } = await import('../understand/pipeline-understanding.ts');
      const named = loadPolicy(BUNDLED.policyFile).calibration;
      const out = o.out ?? (named ? path.resolve(path.dirname(BUNDLED.policyFile), named) : undefined);
      if (!out) throw new Error('The bundled policy names no calibration file: pass --out <file>');
      const calibration = await runCalibrate(folder, {
        modelDir: path.join(REPO_ROOT, 'models', 'doc-classifier'),
        out,
        ...(o.json ? { documentsOut: o.json } : {}),
        command: `countersign calibrate ${process.argv.slice(process.argv.indexOf('calibrate') + 1).join(' ')}`,
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.ocrCache ? { ocrCacheDir: o.ocrCache } : {}),
        onProgress: (d, n) => process.stderr.isTTY && process.stderr.write(`\r${d}/${n} documents`),
      });
      process.stdout.write(formatCalibration(calibration, out));
    });

  registerServeCommand(program, state, dataDirOption);

  program
    .command('hub')
    .description('This device and a hub: connect (enroll), sync, status, tasks, decide (see docs/hub.md)')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { main: hubMain } = await import('../sync/device-cli.ts');
      // Same data directory rules as every other command.
      state.exitCode = await hubMain(args.includes('--data-dir') ? args : ['--data-dir', resolveDataDir(), ...args]);
    });
  registerStatusCommand(program, dataDirOption);
  program
    .command('policy')
    .description('Routing policies')
    .command('replay')
    .description('Re-route the documents already recorded under a candidate policy and show what would change')
    .argument('[policy-file]', 'candidate policy (YAML or JSON)')
    .option('--candidate <name@version>', 'a policy pulled from the hub (not necessarily assigned), e.g. default@3')
    .addOption(dataDirOption())
    .option('--current <file>', 'for documents processed before routes were recorded only: the policy to compare with (default: the bundled policy)')
    .option('--json', 'print the full report as JSON')
    .action(async (file: string | undefined, o: { dataDir?: string; candidate?: string; current?: string; json?: boolean }) => {
      const { policyReplayReport } = await import('./policy-replay-command.ts');
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        process.stdout.write(policyReplayReport(engine.db, { file, ...o }));
      } finally {
        await engine.close();
      }
    });

  program
    .command('store')
    .description('The local database: `store encrypt` encrypts a plain one from an older version now (every start does it too)')
    .argument('<action>', 'encrypt')
    .addOption(dataDirOption())
    .action(async (action: string, o: { dataDir?: string }) => {
      if (action !== 'encrypt') throw new Error(`Unknown store action "${action}"; use: encrypt`);
      const { openDataDirDatabase, DATABASE_FILE } = await import('../store/secure-store.ts');
      const dataDir = resolveDataDir(o.dataDir);
      let changed = false;
      const db = await openDataDirDatabase(dataDir, { ...(process.env.COUNTERSIGN_KEY_STORAGE ? { prefer: process.env.COUNTERSIGN_KEY_STORAGE as KeyStorage } : {}) }, (m) => {
        if (/now encrypted|starts again/.test(m)) changed = true;
        process.stderr.write(`${changed ? '' : 'warning: '}${m}\n`);
      });
      db.close();
      process.stdout.write(`${path.join(dataDir, DATABASE_FILE)}: ${changed ? 'encrypted now' : 'already encrypted'} (SQLCipher, key in the OS keychain or the data directory's key file)\n`);
    });

  const retention = program.command('retention').description('Delete what the policy no longer keeps (originals, text, field values), leaving tombstones');
  retention
    .command('apply')
    .description('Apply the retention rules of the policy now (the app also does it daily)')
    .addOption(dataDirOption())
    .option('--policy <file>', 'policy whose retention rules apply (default: the bundled policy)')
    .action(async (o: { dataDir?: string; policy?: string }) => {
      const { loadPolicy } = await import('../route/policy.ts');
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const r = engine.applyRetention(o.policy ? loadPolicy(o.policy).retention : undefined);
        process.stdout.write(`${r.documents} documents: ${r.originals} originals, ${r.text} texts, ${r.fieldValues} sets of field values removed (tombstones and audit entries written)\n`);
      } finally {
        await engine.close();
      }
    });

  program
    .command('redact')
    .description('Redact a field, or a region of a page, of a document on request (audited, with a tombstone)')
    .argument('<documentId>', 'the document', (v) => Number(v))
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .option('--field <name>', 'a field: every value it had, corrections included')
    .option('--region <page:x0,y0,x1,y1>', 'words inside a box of a page, in page fractions 0..1')
    .option('--original', 'also delete the original file')
    .option('--actor <name>', 'who asks')
    .addOption(dataDirOption())
    .action(async (documentId: number, o: { reason: string; field?: string; region?: string; original?: boolean; actor?: string; dataDir?: string }) => {
      const m = o.region ? /^(\d+):([\d.]+),([\d.]+),([\d.]+),([\d.]+)$/.exec(o.region) : null;
      if ((!o.field && !m) || (o.region && !m)) {
        process.stderr.write('countersign redact: give --field NAME or --region PAGE:x0,y0,x1,y1\n');
        state.exitCode = 2;
        return;
      }
      const { defaultActor } = await import('../engine/engine.ts');
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const r = engine.redact({
          documentId,
          actor: o.actor ?? defaultActor(),
          reason: o.reason,
          ...(o.field ? { field: o.field } : {}),
          ...(m ? { region: { page: Number(m[1]), box: [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])] as [number, number, number, number] } } : {}),
          originalAlso: o.original === true,
        });
        process.stdout.write(`Redacted ${r.removed} item(s) of document ${documentId}; tombstone ${r.sha256}\n`);
      } finally {
        await engine.close();
      }
    });

  /** Processes the samples and reports; shared by `demo` (stops there) and `start` (then opens the app). */
  const processSamples = async (dataDir: string): Promise<boolean> => {
    process.stdout.write(`Countersign: processing the bundled samples in ${path.relative(process.cwd(), SAMPLES_DIR) || SAMPLES_DIR}\nData directory: ${dataDir}\n\n`);
    const engine = await Engine.open({ dataDir });
    try {
      await runProcess(engine, [SAMPLES_DIR], false);
      const stats = await engine.handlers['system.stats']({});
      const verify = await engine.handlers['audit.verify']({});
      process.stdout.write(
        `\n${stats.documents.total} documents recorded: ${stats.documents.processed} processed, ${stats.documents.failed} failed, ${stats.documents.duplicate} duplicate; ${stats.tasks.open} waiting for review.\n` +
          `Audit chain: ${verify.ok ? `intact, ${verify.entries} entries` : `BROKEN at ${verify.firstBad?.seq}: ${verify.firstBad?.problem}`}\n` +
          `(One sample failing is expected: truncated.pdf shows how bad input is recorded. Run again and every sample is a duplicate.)\n`,
      );
      return verify.ok;
    } finally {
      await engine.close();
    }
  };

  program
    .command('demo')
    .description('Process the bundled sample documents and say what happened to each')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) => {
      state.exitCode = (await processSamples(resolveDataDir(o.dataDir))) ? 0 : 1;
    });

  program
    .command('start')
    .description('What `npm start` runs: process the bundled samples, then open the app (Electron where installed, else browser mode)')
    .addOption(dataDirOption())
    .option('--port <n>', 'browser-mode port (default: a free one)', (v) => Number(v))
    .option('--no-open', 'only process the samples')
    .action(async (o: { dataDir?: string; port?: number; open: boolean }) => {
      const dataDir = resolveDataDir(o.dataDir);
      const ok = await processSamples(dataDir);
      if (!o.open) return void (state.exitCode = ok ? 0 : 1);
      process.stdout.write('\nOpening the reviewer\'s desk (Ctrl+C to stop) ...\n');
      state.exitCode = await startApp({ dataDir, ...(o.port ? { port: o.port } : {}) });
    });
}
