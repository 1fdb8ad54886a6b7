import path from 'node:path';
import { ModelAssignmentSchema, type ModelAssignment, type ModelOutcome, type ModelTask, type PackageRef } from '../../src-shared/model-package.ts';
import { loadClassifier, type DocClassifier } from '../classify/classifier.ts';
import type { ExecutionProvider } from '../ml/execution-providers.ts';
import type { Db } from '../store/database.ts';
import type { WriteDoor } from '../store/mutate.ts';
import { BUNDLED } from '../understand/pipeline-understanding.ts';
import { HubPackageSource, type HubClient } from './hub-package-source.ts';
import { installPackage, ModelPackageError, type InstalledPackage } from './install-package.ts';
import { ModelRepo, type InstalledModel, type ModelSlot } from '../store/model-repo.ts';
import { isEd25519PublicKey, keyIdOf } from '../../src-common/model-package/package-signature.ts';
import type { PackageSource } from './package-source.ts';
import { RolloutClassifier } from './rollout-classifier.ts';
import { warmUpModel } from './warm-up.ts';

const SYSTEM_ACTOR = 'system:models';
const TASKS: ModelTask[] = ['doc-classifier', 'ocr'];

export interface ModelServiceOptions {
  db: Db;
  /** The engine's write door: every change here is made and audited through it. */
  door: WriteDoor;
  /** <dataDir>/models: installed packages, one folder each. */
  modelsDir: string;
  appVersion: string;
  clock?: () => Date;
  executionProviders?: ExecutionProvider[];
  /** Default: load the model and run it once (warm-up.ts). */
  warmUp?: InstallOptionsWarmUp;
  chunkBytes?: number;
}
type InstallOptionsWarmUp = Parameters<typeof installPackage>[0]['warmUp'];

export interface ModelSyncReport {
  installed: string[];
  refused: { name: string; version: string; code: string; message: string }[];
  activated: string[];
  outcomesReported: number;
  rolledBack: number[];
}

/**
 * Model packages on the device: which admin keys it trusts, installing (verify, warm up, move into
 * place), which package serves each task with the previous one kept for rollback and a candidate in
 * shadow or canary, and the reviewed outcomes it reports to the hub. Every change is audited in the
 * transaction that makes it.
 */
export class ModelService {
  readonly repo: ModelRepo;
  private readonly clock: () => Date;

  constructor(private readonly o: ModelServiceOptions) {
    this.repo = new ModelRepo(o.db);
    this.clock = o.clock ?? (() => new Date());
  }

  private now = () => this.clock().toISOString();

  trustKey(publicKey: string, source: 'enrollment' | 'manual', actor: string): { keyId: string; added: boolean } {
    if (!isEd25519PublicKey(publicKey)) throw new ModelPackageError('invalid_manifest', 'Not an Ed25519 public key (SPKI DER, base64)');
    const keyId = keyIdOf(publicKey);
    // Already trusted: nothing changes, so the door stays shut.
    if (this.repo.trustedKeys().has(keyId)) return { keyId, added: false };
    return this.o.door.mutate('models.trustKey', (audit) => {
      const added = this.repo.trustKey(keyId, publicKey, source, this.now());
      audit({ actor, event: 'model.key_trusted', data: { keyId, source } });
      return { keyId, added };
    });
  }

  /** Verifies and installs a package (nothing switches to it). A refusal is audited and thrown. */
  async install(source: PackageSource, o: { actor: string; hubPackageId?: number; onChunk?: (file: string, have: number, size: number) => void }): Promise<InstalledModel> {
    let p: InstalledPackage;
    try {
      p = await installPackage({
        source,
        modelsDir: this.o.modelsDir,
        trustedKeys: this.repo.trustedKeys(),
        appVersion: this.o.appVersion,
        warmUp: this.o.warmUp ?? ((dir, m) => warmUpModel(dir, m, this.o.executionProviders)),
        ...(this.o.chunkBytes ? { chunkBytes: this.o.chunkBytes } : {}),
        ...(o.onChunk ? { onChunk: o.onChunk } : {}),
      });
    } catch (err) {
      const e = err instanceof ModelPackageError ? err : new ModelPackageError('download_failed', (err as Error).message);
      this.o.door.mutate('models.refused', (audit) => audit({ actor: o.actor, event: 'model.refused', data: { code: e.code, message: e.message, source: source.where, hubPackageId: o.hubPackageId ?? null } }));
      throw e;
    }
    // A package already installed changes nothing, unless this install is the first to name its hub package.
    const known = this.repo.packageBySha(p.manifestSha256);
    const hubPackageId = o.hubPackageId ?? null;
    if (known && (hubPackageId === null || known.hubPackageId !== null)) return known;
    return this.o.door.mutate(known ? 'models.linkHubPackage' : 'models.install', (audit) => {
      const model = this.repo.addPackage({
        task: p.manifest.task,
        name: p.manifest.name,
        version: p.manifest.version,
        manifestSha256: p.manifestSha256,
        hubPackageId,
        dir: p.dir,
        keyId: p.keyId,
        manifest: p.manifest,
        installedAt: this.now(),
      });
      if (known) audit({ actor: o.actor, event: 'model.hub_package_linked', data: { task: model.task, name: model.name, version: model.version, manifestSha256: model.manifestSha256, hubPackageId } });
      else audit({ actor: o.actor, event: 'model.installed', data: { task: model.task, name: model.name, version: model.version, manifestSha256: model.manifestSha256, keyId: model.keyId, metrics: model.manifest.metrics } });
      return model;
    });
  }

  slot(task: ModelTask): ModelSlot {
    return this.repo.slot(task);
  }

  /** Switches a task to an installed package (null: the bundled model) in one transaction; the one it replaces is kept as previous. */
  activate(task: ModelTask, packageId: number | null, actor: string): ModelSlot {
    const s = this.repo.slot(task);
    const next = packageId === null ? null : this.repo.packageById(packageId);
    if (packageId !== null && (!next || next.task !== task)) throw new ModelPackageError('invalid_manifest', `No installed ${task} package ${packageId}`);
    // Already serving: nothing to switch, so the door stays shut.
    if ((s.active?.id ?? null) === (next?.id ?? null)) return s;
    return this.o.door.mutate('models.activate', (audit) => {
      this.repo.saveSlot({ ...s, active: next, previous: s.active, switchedAt: this.now() });
      audit({ actor, event: 'model.activated', data: { task, version: next?.version ?? 'bundled', name: next?.name ?? 'bundled', previous: s.active?.version ?? 'bundled' } });
      return this.repo.slot(task);
    });
  }

  /** Instant rollback: the previous package (kept on disk) serves again; the candidate is dropped. */
  rollback(task: ModelTask, actor: string): ModelSlot {
    const s = this.repo.slot(task);
    if (!s.active && !s.previous) throw new ModelPackageError('invalid_manifest', `The ${task} runs the bundled model and has nothing to roll back to`);
    return this.o.door.mutate('models.rollback', (audit) => {
      this.repo.saveSlot({ ...s, active: s.previous, previous: s.active, candidate: null, candidateStage: null, canaryPercent: 0, switchedAt: this.now() });
      audit({ actor, event: 'model.rolled_back', data: { task, from: s.active?.version ?? 'bundled', to: s.previous?.version ?? 'bundled' } });
      return this.repo.slot(task);
    });
  }

  private async ensureInstalled(ref: PackageRef, hub: HubClient, hubUrl: string, report: ModelSyncReport): Promise<InstalledModel | null> {
    const have = this.repo.packageBySha(ref.manifestSha256);
    if (have) return have;
    try {
      const m = await this.install(new HubPackageSource(hub, ref.packageId, hubUrl), { actor: SYSTEM_ACTOR, hubPackageId: ref.packageId });
      report.installed.push(`${m.name} ${m.version}`);
      return m;
    } catch (err) {
      if (!(err instanceof ModelPackageError)) throw err;
      report.refused.push({ name: ref.name, version: ref.version, code: err.code, message: err.message });
      return null;
    }
  }

  /** Brings a task's slot to what the hub assigned: the stable package active, the candidate (if this device is in its group) beside it. */
  async applyAssignment(a: ModelAssignment, deviceId: number, hub: HubClient, hubUrl: string, report: ModelSyncReport): Promise<void> {
    const stable = a.stable ? await this.ensureInstalled(a.stable, hub, hubUrl, report) : null;
    const mine = a.candidate && (a.candidate.deviceIds === null || a.candidate.deviceIds.includes(deviceId)) ? a.candidate : null;
    const candidate = mine ? await this.ensureInstalled(mine, hub, hubUrl, report) : null;
    const s = this.repo.slot(a.task);
    const active = a.stable ? (stable ?? s.active) : null;
    const changedActive = (active?.id ?? null) !== (s.active?.id ?? null);
    const next: Omit<ModelSlot, 'generation'> = {
      ...s,
      active,
      previous: changedActive ? s.active : s.previous,
      candidate: candidate && mine ? candidate : null,
      candidateStage: candidate && mine ? mine.stage : null,
      canaryPercent: candidate && mine ? mine.canaryPercent : 0,
      rolloutId: a.rolloutId,
      switchedAt: this.now(),
    };
    const same =
      !changedActive && (next.candidate?.id ?? null) === (s.candidate?.id ?? null) && next.candidateStage === s.candidateStage && next.canaryPercent === s.canaryPercent && next.rolloutId === s.rolloutId;
    // The slot already is what the hub assigned: nothing changes, so the door stays shut.
    if (same) return;
    this.o.door.mutate('models.applyAssignment', (audit) => {
      this.repo.saveSlot(next);
      audit({
        actor: SYSTEM_ACTOR,
        event: 'model.assignment_applied',
        data: {
          task: a.task,
          rolloutId: a.rolloutId,
          active: active?.version ?? 'bundled',
          previous: next.previous?.version ?? 'bundled',
          candidate: next.candidate ? { version: next.candidate.version, stage: next.candidateStage, canaryPercent: next.canaryPercent } : null,
        },
      });
    });
    if (changedActive) report.activated.push(`${a.task} ${active?.version ?? 'bundled'}`);
  }

  /** Outcomes of reviewed documents not yet reported, as the hub takes them (labels and versions only). */
  pendingOutcomes(limit = 500): ModelOutcome[] {
    return this.repo.reviewedRuns(limit).map((r) => ({
      outcomeId: r.documentId,
      task: r.task,
      rolloutId: r.rolloutId,
      servedBy: r.servedBy,
      stableVersion: r.stableVersion,
      candidateVersion: r.candidateVersion,
      stableLabel: r.stableLabel,
      candidateLabel: r.candidateLabel,
      reviewedLabel: r.reviewedLabel,
      overridden: r.reviewedLabel !== (r.servedBy === 'candidate' ? r.candidateLabel : r.stableLabel),
    }));
  }

  /** After a sync: pin the hub's admin keys the first time, apply model assignments, report outcomes. */
  async syncWithHub(hub: HubClient, device: { deviceId: number; hubUrl: string; assignments: unknown[] }): Promise<ModelSyncReport> {
    const report: ModelSyncReport = { installed: [], refused: [], activated: [], outcomesReported: 0, rolledBack: [] };
    if (this.repo.trustedKeys().size === 0) {
      // Trust on first use, as the device's enrollment does: later keys are added by hand (countersign models trust-key).
      for (const k of (await hub.call('models.keys', {})).items) this.trustKey(k.publicKey, 'enrollment', SYSTEM_ACTOR);
    }
    for (const raw of device.assignments) {
      const a = ModelAssignmentSchema.safeParse(raw);
      if (a.success) await this.applyAssignment(a.data, device.deviceId, hub, device.hubUrl, report);
    }
    for (;;) {
      const outcomes = this.pendingOutcomes();
      if (!outcomes.length) break;
      const r = await hub.call('models.reportOutcomes', { outcomes });
      // Which outcomes the hub has taken is sync bookkeeping (the outcomes themselves were audited as they ran).
      this.o.door.track('models.outcomesReported', () => {
        for (const task of TASKS) this.repo.markReported(outcomes.filter((x) => x.task === task).map((x) => x.outcomeId), task, this.now());
      });
      report.outcomesReported += outcomes.length;
      report.rolledBack.push(...r.rolledBack);
    }
    return report;
  }

  /** The classifier the engine routes with: the active package (or the bundled model), with the candidate beside it during a rollout. */
  async loadClassifier(opts: { quantized?: boolean; executionProviders?: ExecutionProvider[]; onWarning?: (m: string) => void } = {}): Promise<{ classifier: DocClassifier; generation: number }> {
    const s = this.repo.slot('doc-classifier');
    const load = (dir: string) => loadClassifier(dir, { quantized: opts.quantized ?? true, executionProviders: opts.executionProviders ?? this.o.executionProviders ?? ['cpu'], ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
    const stable = await load(s.active?.dir ?? BUNDLED.modelDir);
    if (!s.candidate || !s.candidateStage) return { classifier: stable, generation: s.generation };
    const candidate = await load(s.candidate.dir);
    const record = (run: Parameters<ModelRepo['recordRun']>[0]) =>
      this.o.door.mutate('models.candidateRan', (audit) => {
        this.repo.recordRun(run, this.now());
        const agree = run.stableLabel === run.candidateLabel;
        audit({ actor: SYSTEM_ACTOR, event: 'model.candidate_ran', data: { documentId: run.documentId, rolloutId: run.rolloutId, servedBy: run.servedBy, stable: run.stableLabel, candidate: run.candidateLabel, agree } });
      });
    const classifier = new RolloutClassifier(stable, candidate, { rolloutId: s.rolloutId, stage: s.candidateStage, canaryPercent: s.canaryPercent }, record);
    return { classifier, generation: s.generation };
  }

  generation(task: ModelTask = 'doc-classifier'): number {
    return this.repo.generation(task);
  }

  /** The OCR model folder the engine should read with: the active OCR package, else the bundled one (null). */
  activeOcrDir(): string | null {
    return this.repo.slot('ocr').active?.dir ?? null;
  }

  static modelsDirOf(dataDir: string): string {
    return path.join(dataDir, 'models');
  }
}
