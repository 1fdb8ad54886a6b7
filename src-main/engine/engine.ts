import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineHandlers } from '../../src-shared/contract/index.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { BlobStore } from '../blob/blob-store.ts';
import { resolveBlobKey, resolveDataKey, type KeyStorage, type SecretStore } from '../blob/key-provider.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { ocrEngineSetting, plannedEngineName, startOcrEngine, type OcrEngineChoice } from '../ocr/choose-engine.ts';
import { candidateProviders, executionProviderSetting, type ExecutionProvider, type ExecutionProviderChoice } from '../ml/execution-providers.ts';
import { CachedOcrEngine } from '../ocr/cached-ocr.ts';
import type { SecondReadingScope } from '../ocr/second-reader.ts';
import type { Db } from '../store/database.ts';
import { openDataDirDatabase } from '../store/secure-store.ts';
import { DocumentRepo } from '../store/document-repo.ts';
import { WriteDoor } from '../store/mutate.ts';
import { RetentionRepo } from '../store/retention-repo.ts';
import { StatsRepo } from '../store/stats-repo.ts';
import { TaskRepo } from '../store/task-repo.ts';
import { BUNDLED, loadBundledUnderstanding } from '../understand/pipeline-understanding.ts';
import { activePolicy, activeRouting } from '../config/engine-config.ts';
import { applyRetention, redact, type RetentionPolicy } from '../retention/retention.ts';
import type { Understanding } from '../understand/understanding.ts';
import { bindEngineHandlers } from './handlers/index.ts';
import { LazyOcrEngine } from './lazy-ocr.ts';
import { defaultConcurrency, Pipeline } from './pipeline.ts';
import { TaskService } from './task-service.ts';
import { DeviceSecretVault } from '../sync/device-identity.ts';
import { SyncService } from '../sync/sync-service.ts';
import { DeviceInsights } from '../insights/device-insights.ts';
import { ModelService } from '../models/model-service.ts';

export { ENGINE_VERSION } from './version.ts';
import { ENGINE_VERSION } from './version.ts';

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
  /** 'auto' engine: which scans tesseract.js also reads beside PP-OCR; default: the COUNTERSIGN_SECOND_READING setting, else 'pages'. */
  ocrSecondReader?: SecondReadingScope;
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
  /** The counts `system.stats` reports. */
  readonly stats: StatsRepo;
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
    /** Every write of this engine goes through it: one transaction, its audit entries, a change event. */
    readonly door: WriteDoor,
    readonly audit: AuditLog,
    readonly docs: DocumentRepo,
    readonly tasks: TaskService,
    readonly blobs: BlobStore,
    readonly pipeline: Pipeline,
    readonly ocr: OcrEngine,
    readonly keyStorage: KeyStorage,
    private readonly loadUnderstanding: (() => Promise<Understanding>) | null,
  ) {
    this.stats = new StatsRepo(db);
    this.handlers = bindEngineHandlers(this);
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
    const door = new WriteDoor(db, audit);
    const docs = new DocumentRepo(db);
    const tasks = new TaskService(new TaskRepo(db), door);
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
          ...(opts.ocrSecondReader ? { secondReader: opts.ocrSecondReader } : {}),
          onWarning: warn,
          ...(opts.executionProvider ? { executionProvider: opts.executionProvider } : {}),
          // An OCR model package made active on this device (models/model-service.ts), else the bundled reader.
          ...(holder.engine?.models().activeOcrDir() ? { modelDir: holder.engine.models().activeOcrDir()! } : {}),
        });
        return opts.ocrCacheDir ? new CachedOcrEngine(started, opts.ocrCacheDir) : started;
      });
    const u = opts.understanding;
    const executionProviders = candidateProviders(opts.executionProvider ?? executionProviderSetting());
    // Without an understanding given, the model the hub's rollout (or an install) made active, else the bundled one;
    // routed by what the hub assigned, else the bundled policy and rules.
    const loadUnderstanding =
      u === null
        ? null
        : typeof u === 'function'
          ? u
          : u === undefined
            ? async () => loadBundledUnderstanding({ executionProviders, routingConfig: (bundled) => activeRouting(db, bundled), classifier: await holder.engine!.activeClassifier(executionProviders) })
            : async () => u;
    const pipeline = new Pipeline({
      db,
      door,
      docs,
      tasks,
      blobs,
      ocr,
      understanding: () => holder.engine!.understanding(),
      textOnly: loadUnderstanding === null,
      maxPages: opts.maxPages ?? 500,
      concurrency: workers,
    });
    holder.engine = new Engine(dataDir, db, door, audit, docs, tasks, blobs, pipeline, ocr, key.storage, loadUnderstanding);
    holder.engine.keyOptions = keyOptions;
    holder.engine.primary = { executionProvider: executionProviders[0] ?? 'cpu', ocrEngine: opts.ocr?.name ?? plannedEngineName(ocrChoice) };
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
    this.modelService ??= new ModelService({ db: this.db, door: this.door, modelsDir: ModelService.modelsDirOf(this.dataDir), appVersion: ENGINE_VERSION });
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
      return new SyncService({ db: this.db, audit: this.audit, door: this.door, actor: defaultActor(), vault, siteKey: () => this.siteKey(), metrics: (range, vendorKey) => this.insights().upload(range, vendorKey), afterSync: async (hub, device) => void (await this.models().syncWithHub(hub, device)) });
    });
    return this.syncService;
  }

  private primary = { executionProvider: 'cpu', ocrEngine: plannedEngineName('auto') };
  private insightsService: DeviceInsights | null = null;
  /** Metrics of this data directory, computed from the store when asked (nothing extra is written per document). */
  insights(): DeviceInsights {
    this.insightsService ??= new DeviceInsights({
      db: this.db,
      modelDir: () => this.models().slot('doc-classifier').active?.dir ?? BUNDLED.modelDir,
      policy: () => activePolicy(this.db),
      primary: this.primary,
    });
    return this.insightsService;
  }

  /** The fields the policy in use marks sensitive (the hub's assigned policy, else the bundled one). */
  sensitiveFields(): string[] {
    return activePolicy(this.db).sensitiveFields;
  }

  /** Removes what the policy's retention rules no longer keep (see retention/retention.ts); the policy in use unless one is given. */
  applyRetention(policy?: RetentionPolicy, clock?: () => Date) {
    return applyRetention({ repo: new RetentionRepo(this.db), door: this.door, blobs: this.blobs, ...(clock ? { clock } : {}) }, policy ?? activePolicy(this.db).retention);
  }

  /** Redaction on request: a field's values or a region of a page, audited. */
  redact(r: Parameters<typeof redact>[1]) {
    return redact({ repo: new RetentionRepo(this.db), door: this.door, blobs: this.blobs }, r);
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

  /** The model, rules and policy when this engine has them (null in text-only mode or when they fail to load). */
  async understandingIfAny(): Promise<Understanding | null> {
    return this.loadUnderstanding ? this.understanding().catch(() => null) : null;
  }
}

export function defaultActor(): string {
  try {
    return os.userInfo().username || 'clerk';
  } catch {
    return 'clerk';
  }
}
