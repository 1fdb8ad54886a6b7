import type { Command, Option } from 'commander';
import fs from 'node:fs';
import { resolveDataDir } from '../config/data-dir.ts';
import { Engine } from '../engine/engine.ts';
import { ModelTaskSchema, type ModelTask } from '../../src-shared/model-package.ts';
import { exportDataset } from './dataset-export.ts';
import { ModelPackageError } from './install-package.ts';
import { FolderPackageSource } from './package-source.ts';

const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const taskOf = (t: string): ModelTask => ModelTaskSchema.parse(t);

async function withEngine<T>(dataDir: string | undefined, fn: (e: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ dataDir: resolveDataDir(dataDir), understanding: null });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** `countersign models …` (packages on this device) and `countersign dataset export` (the learning loop). */
export function registerModelCommands(program: Command, state: { exitCode: number }, dataDirOption: () => Option): void {
  const models = program.command('models').description('Model packages on this device: status, offline install, switch, rollback, trusted admin keys');
  models
    .command('status')
    .description('Which package serves each task, the previous one kept for rollback, the candidate and its stage, installed packages, trusted keys')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) =>
      withEngine(o.dataDir, async (e) => {
        const m = e.models();
        const brief = (x: { id: number; name: string; version: string } | null) => (x ? { id: x.id, name: x.name, version: x.version } : { id: null, name: 'bundled', version: 'bundled' });
        print({
          tasks: (['doc-classifier', 'ocr'] as const).map((t) => {
            const s = m.slot(t);
            return { task: t, active: brief(s.active), previous: s.switchedAt ? brief(s.previous) : null, candidate: s.candidate ? { ...brief(s.candidate), stage: s.candidateStage, canaryPercent: s.canaryPercent } : null, rolloutId: s.rolloutId };
          }),
          installed: m.repo.packages().map((p) => ({ id: p.id, task: p.task, name: p.name, version: p.version, keyId: p.keyId, metrics: p.manifest.metrics, installedAt: p.installedAt })),
          trustedKeys: [...m.repo.trustedKeys().keys()],
        });
      }),
    );
  models
    .command('trust-key <publicKey>')
    .description('Trust an admin signing key (the public key countersign-admin keys create prints)')
    .addOption(dataDirOption())
    .option('--actor <name>', 'who', process.env.USER ?? 'admin')
    .action(async (publicKey: string, o: { dataDir?: string; actor: string }) => withEngine(o.dataDir, async (e) => print(e.models().trustKey(publicKey, 'manual', o.actor))));
  models
    .command('install <folder>')
    .description('Install a package folder (countersign-admin models pack): verified, warmed up, not yet active unless --activate')
    .addOption(dataDirOption())
    .option('--activate', 'switch to it once installed')
    .option('--actor <name>', 'who', process.env.USER ?? 'admin')
    .action(async (folder: string, o: { dataDir?: string; activate?: boolean; actor: string }) =>
      withEngine(o.dataDir, async (e) => {
        try {
          const m = await e.models().install(new FolderPackageSource(folder), { actor: o.actor });
          if (o.activate) e.models().activate(m.task, m.id, o.actor);
          print({ installed: { id: m.id, task: m.task, name: m.name, version: m.version }, activated: o.activate === true });
        } catch (err) {
          if (!(err instanceof ModelPackageError)) throw err;
          process.stderr.write(`countersign: model package refused (${err.code}): ${err.message}\n`);
          state.exitCode = 1;
        }
      }),
    );
  models
    .command('activate <packageId>')
    .description("Switch a task to an installed package ('bundled' for the app's own model)")
    .requiredOption('--task <task>', 'doc-classifier or ocr', 'doc-classifier')
    .addOption(dataDirOption())
    .option('--actor <name>', 'who', process.env.USER ?? 'admin')
    .action(async (id: string, o: { dataDir?: string; task: string; actor: string }) =>
      withEngine(o.dataDir, async (e) => print(e.models().activate(taskOf(o.task), id === 'bundled' ? null : Number(id), o.actor))),
    );
  models
    .command('rollback')
    .description('Instant rollback: the previous model serves again')
    .option('--task <task>', 'doc-classifier or ocr', 'doc-classifier')
    .addOption(dataDirOption())
    .option('--actor <name>', 'who', process.env.USER ?? 'admin')
    .action(async (o: { dataDir?: string; task: string; actor: string }) => withEngine(o.dataDir, async (e) => print(e.models().rollback(taskOf(o.task), o.actor))));

  const dataset = program.command('dataset').description('Training data from reviewers’ decisions');
  dataset
    .command('export')
    .description("Write reviewers' corrections and confirmed labels as a training set (JSON Lines: text, words with boxes, fields, label, model and policy versions); sensitive fields masked")
    .requiredOption('--out <file>', 'JSON Lines file (written 0600)')
    .addOption(dataDirOption())
    .option('--actor <name>', 'who', process.env.USER ?? 'admin')
    .action(async (o: { out: string; dataDir?: string; actor: string }) =>
      withEngine(o.dataDir, async (e) => {
        const sensitive = e.sensitiveFields();
        const r = exportDataset(e.db, o.out, sensitive);
        e.door.mutate('dataset.exported', (audit) => audit({ actor: o.actor, event: 'dataset.exported', data: { file: o.out, ...r, maskedFields: sensitive } }));
        print({ file: o.out, bytes: fs.statSync(o.out).size, ...r, maskedFields: sensitive });
      }),
    );
}
