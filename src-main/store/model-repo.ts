import type { ModelManifest, ModelTask } from '../../src-shared/model-package.ts';
import type { Db } from './database.ts';

export interface InstalledModel {
  id: number;
  task: ModelTask;
  name: string;
  version: string;
  manifestSha256: string;
  hubPackageId: number | null;
  dir: string;
  keyId: string;
  manifest: ModelManifest;
  installedAt: string;
}

export interface ModelSlot {
  task: ModelTask;
  active: InstalledModel | null;
  previous: InstalledModel | null;
  candidate: InstalledModel | null;
  candidateStage: 'shadow' | 'canary' | null;
  canaryPercent: number;
  rolloutId: number | null;
  switchedAt: string;
  /** Bumped on every change, so a running engine sees it has to reload. */
  generation: number;
}

export interface ModelRun {
  documentId: number;
  task: ModelTask;
  rolloutId: number | null;
  servedBy: 'stable' | 'candidate';
  stableVersion: string | null;
  stableLabel: string | null;
  candidateVersion: string | null;
  candidateLabel: string | null;
}

type PackageRow = { id: number; task: ModelTask; name: string; version: string; manifest_sha256: string; hub_package_id: number | null; dir: string; key_id: string; manifest_json: string; installed_at: string };
type SlotRow = { task: ModelTask; active_package_id: number | null; previous_package_id: number | null; candidate_package_id: number | null; candidate_stage: 'shadow' | 'canary' | null; canary_percent: number; rollout_id: number | null; switched_at: string; generation: number };

const toModel = (r: PackageRow): InstalledModel => ({
  id: r.id,
  task: r.task,
  name: r.name,
  version: r.version,
  manifestSha256: r.manifest_sha256,
  hubPackageId: r.hub_package_id,
  dir: r.dir,
  keyId: r.key_id,
  manifest: JSON.parse(r.manifest_json) as ModelManifest,
  installedAt: r.installed_at,
});

/** The SQL of model packages on the device: trusted keys, installed packages, slots, runs. */
export class ModelRepo {
  constructor(private readonly db: Db) {}

  trustedKeys(): Map<string, string> {
    return new Map(this.db.prepare<[], { key_id: string; public_key: string }>('SELECT key_id, public_key FROM model_trusted_keys').all().map((r) => [r.key_id, r.public_key]));
  }

  trustKey(keyId: string, publicKey: string, source: 'enrollment' | 'manual', at: string): boolean {
    return this.db.prepare('INSERT INTO model_trusted_keys (key_id, public_key, source, added_at) VALUES (?, ?, ?, ?) ON CONFLICT(key_id) DO NOTHING').run(keyId, publicKey, source, at).changes > 0;
  }

  packageBySha(sha: string): InstalledModel | null {
    const r = this.db.prepare<[string], PackageRow>('SELECT * FROM model_packages WHERE manifest_sha256 = ?').get(sha);
    return r ? toModel(r) : null;
  }

  packageById(id: number | null): InstalledModel | null {
    if (id === null) return null;
    const r = this.db.prepare<[number], PackageRow>('SELECT * FROM model_packages WHERE id = ?').get(id);
    return r ? toModel(r) : null;
  }

  packages(): InstalledModel[] {
    return this.db.prepare<[], PackageRow>('SELECT * FROM model_packages ORDER BY id').all().map(toModel);
  }

  addPackage(p: Omit<InstalledModel, 'id'>): InstalledModel {
    const existing = this.packageBySha(p.manifestSha256);
    if (existing) {
      if (p.hubPackageId !== null && existing.hubPackageId === null) this.db.prepare('UPDATE model_packages SET hub_package_id = ? WHERE id = ?').run(p.hubPackageId, existing.id);
      return { ...existing, hubPackageId: existing.hubPackageId ?? p.hubPackageId };
    }
    const r = this.db
      .prepare('INSERT INTO model_packages (task, name, version, manifest_sha256, hub_package_id, dir, key_id, manifest_json, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(p.task, p.name, p.version, p.manifestSha256, p.hubPackageId, p.dir, p.keyId, JSON.stringify(p.manifest), p.installedAt);
    return { ...p, id: Number(r.lastInsertRowid) };
  }

  slot(task: ModelTask): ModelSlot {
    const r = this.db.prepare<[string], SlotRow>('SELECT * FROM model_slots WHERE task = ?').get(task);
    if (!r) return { task, active: null, previous: null, candidate: null, candidateStage: null, canaryPercent: 0, rolloutId: null, switchedAt: '', generation: 0 };
    return {
      task,
      active: this.packageById(r.active_package_id),
      previous: this.packageById(r.previous_package_id),
      candidate: this.packageById(r.candidate_package_id),
      candidateStage: r.candidate_stage,
      canaryPercent: r.canary_percent,
      rolloutId: r.rollout_id,
      switchedAt: r.switched_at,
      generation: r.generation,
    };
  }

  saveSlot(s: Omit<ModelSlot, 'generation'>): void {
    this.db
      .prepare(
        `INSERT INTO model_slots (task, active_package_id, previous_package_id, candidate_package_id, candidate_stage, canary_percent, rollout_id, switched_at, generation)
         VALUES (@task, @active, @previous, @candidate, @stage, @percent, @rollout, @at, 1)
         ON CONFLICT(task) DO UPDATE SET active_package_id = excluded.active_package_id, previous_package_id = excluded.previous_package_id,
           candidate_package_id = excluded.candidate_package_id, candidate_stage = excluded.candidate_stage, canary_percent = excluded.canary_percent,
           rollout_id = excluded.rollout_id, switched_at = excluded.switched_at, generation = model_slots.generation + 1`,
      )
      .run({ task: s.task, active: s.active?.id ?? null, previous: s.previous?.id ?? null, candidate: s.candidate?.id ?? null, stage: s.candidateStage, percent: s.canaryPercent, rollout: s.rolloutId, at: s.switchedAt });
  }

  generation(task: ModelTask): number {
    return this.db.prepare<[string], { generation: number }>('SELECT generation FROM model_slots WHERE task = ?').get(task)?.generation ?? 0;
  }

  recordRun(r: ModelRun, at: string): void {
    this.db
      .prepare(
        `INSERT INTO model_runs (document_id, task, rollout_id, served_by, stable_version, stable_label, candidate_version, candidate_label, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(document_id, task) DO UPDATE SET rollout_id = excluded.rollout_id, served_by = excluded.served_by, stable_version = excluded.stable_version,
           stable_label = excluded.stable_label, candidate_version = excluded.candidate_version, candidate_label = excluded.candidate_label, created_at = excluded.created_at, reported_at = NULL`,
      )
      .run(r.documentId, r.task, r.rolloutId, r.servedBy, r.stableVersion, r.stableLabel, r.candidateVersion, r.candidateLabel, at);
  }

  /**
   * Runs whose document a reviewer has decided and that were not reported yet, with the reviewer's
   * label: their `docType` correction if they made one, else the label the document kept (confirmed).
   */
  reviewedRuns(limit: number): (ModelRun & { reviewedLabel: string; correctedFields: number })[] {
    const rows = this.db
      .prepare<[number], { document_id: number; task: ModelTask; rollout_id: number | null; served_by: 'stable' | 'candidate'; stable_version: string | null; stable_label: string | null; candidate_version: string | null; candidate_label: string | null; doc_type: string | null; changes_json: string }>(
        `SELECT r.*, d.doc_type, dc.changes_json FROM model_runs r
         JOIN documents d ON d.id = r.document_id
         JOIN decisions dc ON dc.id = (SELECT max(x.id) FROM decisions x WHERE x.document_id = r.document_id AND x.undone_at IS NULL)
         WHERE r.reported_at IS NULL ORDER BY r.document_id LIMIT ?`,
      )
      .all(limit);
    return rows.map((r) => {
      const changes = JSON.parse(r.changes_json) as { field: string; newValue: string }[];
      const corrected = changes.find((c) => c.field === 'docType')?.newValue;
      return {
        documentId: r.document_id,
        task: r.task,
        rolloutId: r.rollout_id,
        servedBy: r.served_by,
        stableVersion: r.stable_version,
        stableLabel: r.stable_label,
        candidateVersion: r.candidate_version,
        candidateLabel: r.candidate_label,
        reviewedLabel: corrected ?? r.doc_type ?? 'other',
        correctedFields: changes.length,
      };
    });
  }

  markReported(documentIds: number[], task: ModelTask, at: string): void {
    const st = this.db.prepare('UPDATE model_runs SET reported_at = ? WHERE document_id = ? AND task = ?');
    for (const id of documentIds) st.run(at, id, task);
  }
}
