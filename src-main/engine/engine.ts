import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineHandlers } from '../../src-shared/contract/index.ts';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import { maskAuditData } from '../../src-shared/masking.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { BlobStore } from '../blob/blob-store.ts';
import { resolveBlobKey, resolveDataKey, type KeyStorage, type SecretStore } from '../blob/key-provider.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { ocrEngineSetting, plannedEngineName, startOcrEngine, type OcrEngineChoice } from '../ocr/choose-engine.ts';
import { candidateProviders, executionProviderSetting, type ExecutionProvider, type ExecutionProviderChoice } from '../ml/execution-providers.ts';
import { CachedOcrEngine } from '../ocr/cached-ocr.ts';
import type { Db } from '../store/database.ts';
import { openDataDirDatabase } from '../store/secure-store.ts';
import { DocumentRepo } from '../store/document-repo.ts';
import { EInvoiceRepo } from '../store/einvoice-repo.ts';
import { renderPageImage } from '../text/index.ts';
import { BUNDLED, loadBundledUnderstanding } from '../understand/bundled.ts';
import { loadPolicy } from '../route/policy.ts';
import { applyRetention, redact, type RetentionPolicy } from '../retention/retention.ts';
import type { Understanding } from '../understand/understanding.ts';
import { LazyOcrEngine } from './lazy-ocr.ts';
import { defaultConcurrency, Pipeline } from './pipeline.ts';
import { TaskService } from './task-service.ts';
import { DeviceSecretVault } from '../sync/device-identity.ts';
import { SyncService } from '../sync/sync-service.ts';
import { ModelService } from '../models/model-service.ts';

export const ENGINE_VERSION = '0.1.0';

export interface EngineOptions {
  dataDir: string;
  /** OCR worker count; defaults to the cores available. */
  ocrWorkers?: number;
  ocr?: OcrEngine;
  /** Which OCR engine reads scans; default: the COUNTERSIGN_OCR_ENGINE setting, else 'auto' (ONNX, tesseract.js as fallback). */
  ocrEngine?: OcrEngineChoice;
  /** Execution provider for the ONNX models (OCR and classifier); default: COUNTERSIGN_EXECUTION_PROVIDER, else 'auto'. */
  executionProvider?: ExecutionProviderChoice;
  /** tesseract.js only: read each scanned page twice (two layout analyses) for better fields at twice the OCR time. Default on. */
  ocrSecondReading?: boolean;
  maxPages?: number;
  /** Keep OCR results in this folder, keyed by page pixels and OCR engine (evaluation and calibration reruns). */
  ocrCacheDir?: string;
  /** null runs text only; undefined loads the bundled model, rules and policy on first need. */
  understanding?: Understanding | null | (() => Promise<Understanding>);
  keyStorage?: KeyStorage;
  secretStore?: SecretStore | null;
  onWarning?: (message: string) => void;
}

/**
 * The engine: one data directory (SQLite file, encrypted blobs), the pipeline, and the handlers that
 * implement the one API contract. Transports (CLI, IPC, HTTP, tests) only call `handlers`.
 */
export class Engine {
  readonly handlers: EngineHandlers;
  private understandingPromise: Promise<Understanding> | null = null;
  private modelService: ModelService | null = null;
  private modelGeneration = 0;
  /** The engine loads the active model package itself (no understanding was given to it). */
  private followsModels = false;
  private retired: Promise<Understanding>[] = [];
  private syncService: Promise<SyncService> | null = null;
  private siteKeyPromise: Promise<Buffer> | null = null;
  private keyOptions: { prefer?: KeyStorage; secretStore?: SecretStore | null } = {};

  private constructor(
    readonly dataDir: string,
    readonly db: Db,
    readonly audit: AuditLog,
    readonly docs: DocumentRepo,
    readonly tasks: TaskService,
    readonly blobs: BlobStore,
    readonly pipeline: Pipeline,
    readonly ocr: OcrEngine,
    readonly keyStorage: KeyStorage,
    private readonly loadUnderstanding: (() => Promise<Understanding>) | null,
  ) {
    this.handlers = this.makeHandlers();
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const dataDir = path.resolve(opts.dataDir);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const keyOptions = { prefer: opts.keyStorage ?? (process.env.COUNTERSIGN_KEY_STORAGE as KeyStorage | undefined), ...(opts.secretStore !== undefined ? { secretStore: opts.secretStore } : {}) };
    const key = await resolveBlobKey(dataDir, keyOptions);
    const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
    if (key.warning) warn(key.warning);
    const db = await openDataDirDatabase(dataDir, keyOptions, warn);
    const audit = new AuditLog(db);
    const docs = new DocumentRepo(db);
    const tasks = new TaskService(db, audit);
    const blobs = new BlobStore(path.join(dataDir, 'blobs'), key.key);
    const holder: { engine?: Engine } = {};
    const workers = opts.ocrWorkers ?? defaultConcurrency();
    const ocrChoice = opts.ocrEngine ?? ocrEngineSetting();
    const ocr =
      opts.ocr ??
      new LazyOcrEngine(plannedEngineName(ocrChoice), '0', async () => {
        const started = await startOcrEngine({
          engine: ocrChoice,
          workers,
          secondReading: opts.ocrSecondReading ?? true,
          onWarning: warn,
          ...(opts.executionProvider ? { executionProvider: opts.executionProvider } : {}),
          // An OCR model package made active on this device (models/model-service.ts), else the bundled reader.
          ...(holder.engine?.models().activeOcrDir() ? { modelDir: holder.engine.models().activeOcrDir()! } : {}),
        });
        return opts.ocrCacheDir ? new CachedOcrEngine(started, opts.ocrCacheDir) : started;
      });
    const u = opts.understanding;
    const executionProviders = candidateProviders(opts.executionProvider ?? executionProviderSetting());
    // Without an understanding given, the model the hub's rollout (or an install) made active, else the bundled one.
    const loadUnderstanding =
      u === null ? null : typeof u === 'function' ? u : u === undefined ? async () => loadBundledUnderstanding({ executionProviders, classifier: await holder.engine!.activeClassifier(executionProviders) }) : async () => u;
    const pipeline = new Pipeline({
      db,
      docs,
      tasks,
      audit,
      blobs,
      ocr,
      understanding: () => holder.engine!.understanding(),
      textOnly: loadUnderstanding === null,
      maxPages: opts.maxPages ?? 500,
      concurrency: workers,
    });
    holder.engine = new Engine(dataDir, db, audit, docs, tasks, blobs, pipeline, ocr, key.storage, loadUnderstanding);
    holder.engine.keyOptions = keyOptions;
    holder.engine.followsModels = u === undefined;
    return holder.engine;
  }

  /** The model, rules and policy, loaded once on first need (a failed load is retried next time). */
  understanding(): Promise<Understanding> {
    if (!this.loadUnderstanding) return Promise.reject(new Error('This engine runs text only'));
    // A model switched since it was loaded (atomically, in the database): the next document gets the new one.
    if (this.followsModels && this.understandingPromise && this.models().generation() !== this.modelGeneration) {
      this.retired.push(this.understandingPromise);
      this.understandingPromise = null;
    }
    this.understandingPromise ??= this.loadUnderstanding().catch((err: unknown) => {
      this.understandingPromise = null;
      throw err;
    });
    return this.understandingPromise;
  }

  process(paths: string[], actor = defaultActor(), onResult?: (r: ProcessResult, i: number, n: number) => void): Promise<ProcessResult[]> {
    return this.pipeline.processPaths(paths, actor, onResult);
  }

  /** Model packages of this data directory: trusted keys, installed packages, the active model per task. */
  models(): ModelService {
    this.modelService ??= new ModelService({ db: this.db, audit: this.audit, modelsDir: ModelService.modelsDirOf(this.dataDir), appVersion: ENGINE_VERSION });
    return this.modelService;
  }

  private async activeClassifier(executionProviders: ExecutionProvider[]) {
    const { classifier, generation } = await this.models().loadClassifier({ executionProviders });
    this.modelGeneration = generation;
    return classifier;
  }

  /** Hub sync for this data directory, opened on first use (it probes the keychain). */
  sync(): Promise<SyncService> {
    this.syncService ??= DeviceSecretVault.open(this.dataDir, this.keyOptions.secretStore).then((vault) => {
      if (vault.warning) process.stderr.write(`warning: ${vault.warning}\n`);
      return new SyncService({ db: this.db, audit: this.audit, vault, siteKey: () => this.siteKey(), afterSync: async (hub, device) => void (await this.models().syncWithHub(hub, device)) });
    });
    return this.syncService;
  }

  private sensitive: string[] | null = null;
  /** The fields the policy in use marks sensitive (the bundled policy's list). */
  sensitiveFields(): string[] {
    this.sensitive ??= loadPolicy(BUNDLED.policyFile).sensitiveFields;
    return this.sensitive;
  }

  /** Removes what the policy's retention rules no longer keep (see retention/retention.ts); the bundled policy unless one is given. */
  applyRetention(policy?: RetentionPolicy, clock?: () => Date) {
    return applyRetention({ db: this.db, audit: this.audit, blobs: this.blobs, ...(clock ? { clock } : {}) }, policy ?? loadPolicy(BUNDLED.policyFile).retention);
  }

  /** Redaction on request: a field's values or a region of a page, audited. */
  redact(r: Parameters<typeof redact>[1]) {
    return redact({ db: this.db, audit: this.audit, blobs: this.blobs }, r);
  }

  /** The site key that hashes values kept on site before anything goes to the hub; kept like the document key. */
  siteKey(): Promise<Buffer> {
    this.siteKeyPromise ??= resolveDataKey(this.dataDir, 'site', this.keyOptions).then((k) => {
      if (k.warning) process.stderr.write(`warning: ${k.warning}\n`);
      return k.key;
    });
    return this.siteKeyPromise;
  }

  async close(): Promise<void> {
    if (this.syncService) await (await this.syncService.catch(() => null))?.stop();
    await this.ocr.close();
    for (const p of [...this.retired, ...(this.understandingPromise ? [this.understandingPromise] : [])]) await (await p.catch(() => null))?.close();
    this.db.close();
  }

  private makeHandlers(): EngineHandlers {
    return {
      'documents.process': async ({ paths, actor }) => ({ results: await this.pipeline.processPaths(paths, actor) }),
      'documents.upload': async ({ files, actor }) => ({
        results: await this.pipeline.processSources(
          files.map((f) => ({ kind: 'bytes' as const, name: path.basename(f.name), bytes: Buffer.from(f.dataBase64, 'base64') })),
          actor,
        ),
      }),
      'documents.list': async (q) => this.docs.list(q),
      'documents.get': async ({ id }) => {
        const row = this.docs.byId(id);
        if (!row) throw new ApiError('not_found', `No document ${id}`);
        const summary = this.docs.toSummary(row);
        return {
          ...summary,
          sourcePath: row.source_path,
          textSource: row.text_source,
          textEngine: row.text_engine,
          pages: this.docs.pages(id),
          fields: this.docs.fields(id),
          lineItems: this.docs.lineItems(id),
          rules: this.docs.rules(id),
          route: row.route_action ? { action: row.route_action as 'review', reasons: JSON.parse(row.route_reasons ?? '[]') as string[], policyVersion: row.policy_version ?? '' } : null,
          model: row.model_json ? JSON.parse(row.model_json) : null,
          stageRuns: this.docs.stageRuns(id),
          einvoice: new EInvoiceRepo(this.db).forDocument(id),
          sensitiveFields: this.sensitiveFields(),
        };
      },
      'documents.pageImage': async ({ id, page, maxWidth }) => {
        const row = this.docs.byId(id);
        if (!row?.sha256 || !row.mime || !this.blobs.has(row.sha256)) throw new ApiError('not_found', `No stored pages for document ${id}`);
        // A standalone XML e-invoice has no printed page: the UI shows its structured data instead.
        if (row.mime === 'application/xml') throw new ApiError('not_found', `Document ${id} is an XML e-invoice without a printed page`);
        const img = await renderPageImage({ bytes: new Uint8Array(this.blobs.get(row.sha256)), mime: row.mime as 'application/pdf' }, page, maxWidth);
        return { mime: 'image/png' as const, dataBase64: img.png.toString('base64'), width: img.width, height: img.height };
      },
      'documents.text': async ({ id }) => {
        if (!this.docs.byId(id)) throw new ApiError('not_found', `No document ${id}`);
        return { text: this.docs.pages(id).map((p) => p.text).join('\f\n') };
      },
      'tasks.list': async (q) => this.tasks.list(q),
      'tasks.decide': async (d) => this.tasks.decide(d),
      'tasks.undo': async (u) => this.tasks.undo(u),
      'audit.list': async (q) => this.audit.list(q),
      'audit.export': async ({ fromSeq, limit, unmasked }) => {
        const entries = [];
        const sensitive = unmasked ? [] : this.sensitiveFields();
        for (const e of this.audit.iterate(fromSeq)) {
          if (entries.length >= limit) break;
          entries.push(sensitive.length ? { ...e, data: maskAuditData(e.data, sensitive) } : e);
        }
        return { entries };
      },
      'audit.verify': async () => this.audit.verify(),
      'system.stats': async () => this.stats(),
      'sync.connect': async (a) => (await this.sync()).handlers['sync.connect'](a),
      'sync.status': async (a) => (await this.sync()).handlers['sync.status'](a),
      'sync.now': async (a) => (await this.sync()).handlers['sync.now'](a),
      'sync.hubTasks': async (a) => (await this.sync()).handlers['sync.hubTasks'](a),
      'sync.decideHubTask': async (a) => (await this.sync()).handlers['sync.decideHubTask'](a),
      'sync.shareDocument': async (a) => (await this.sync()).handlers['sync.shareDocument'](a),
      'system.info': async () => {
        const u = this.loadUnderstanding ? await this.understanding().catch(() => null) : null;
        return {
          version: ENGINE_VERSION,
          dataDir: this.dataDir,
          ocrEngine: this.ocr.name,
          model: u?.model ?? null,
          policyVersion: u?.policyVersion ?? null,
          keyStorage: this.keyStorage,
        };
      },
    };
  }

  private stats() {
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const group = (sql: string) => Object.fromEntries((this.db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]));
    const byStatus = group('SELECT status AS k, count(*) AS n FROM documents GROUP BY status');
    return {
      documents: {
        total: count('SELECT count(*) AS n FROM documents'),
        pending: byStatus.pending ?? 0,
        processed: byStatus.processed ?? 0,
        failed: byStatus.failed ?? 0,
        duplicate: byStatus.duplicate ?? 0,
      },
      byDocType: group(`SELECT doc_type AS k, count(*) AS n FROM documents WHERE doc_type IS NOT NULL GROUP BY doc_type`),
      byRoute: group(`SELECT route_action AS k, count(*) AS n FROM documents WHERE route_action IS NOT NULL GROUP BY route_action`),
      tasks: { open: count(`SELECT count(*) AS n FROM tasks WHERE status = 'open'`), decided: count(`SELECT count(*) AS n FROM tasks WHERE status = 'decided'`) },
      failuresByCode: group(`SELECT error_code AS k, count(*) AS n FROM documents WHERE status = 'failed' GROUP BY error_code`),
      auditEntries: this.audit.count(),
    };
  }
}

export function defaultActor(): string {
  try {
    return os.userInfo().username || 'clerk';
  } catch {
    return 'clerk';
  }
}
