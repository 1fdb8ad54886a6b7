import os from 'node:os';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { discoverFiles } from '../ingest/discover.ts';
import { ingestSource, type Source } from '../ingest/ingest-source.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { toErrorInfo } from '../pipeline/pipeline-error.ts';
import { PIPELINE_ACTOR, type Stage } from '../pipeline/stage.ts';
import type { DocumentRepo, StoredDocument } from '../store/document-repo.ts';
import { EInvoiceRepo } from '../store/einvoice-repo.ts';
import type { WriteDoor } from '../store/mutate.ts';
import { textStage } from '../text/text-stage.ts';
import { understandStage } from '../understand/understand-stage.ts';
import type { Understanding } from '../understand/understanding.ts';
import type { Db } from '../store/database.ts';
import type { TaskService } from './task-service.ts';

export type { Source } from '../ingest/ingest-source.ts';

export interface PipelineDeps {
  db: Db;
  door: WriteDoor;
  docs: DocumentRepo;
  tasks: TaskService;
  blobs: BlobStore;
  /** Started on first need (see LazyOcrEngine): digital PDFs never pay for OCR workers. */
  ocr: OcrEngine;
  /** Loaded on first need; null in text-only mode (no model, no routing). */
  understanding: () => Promise<Understanding>;
  textOnly: boolean;
  maxPages: number;
  concurrency: number;
}

/** The stages after ingest, in order; a document's `stage` names the first one not yet recorded. Text-only mode stops after text. */
export const STAGES: readonly Stage[] = [textStage as Stage, understandStage as Stage];

/**
 * Runs documents through ingest (src-main/ingest) and then the table of stages, one loop for all of
 * them. Each stage records its result and its audit entries in one change through the write door,
 * so a process killed at any point resumes where it stopped.
 */
export class Pipeline {
  private readonly inFlight = new Set<number>();
  private readonly einvoices: EInvoiceRepo;
  private readonly stages: readonly Stage[];

  constructor(private readonly d: PipelineDeps) {
    this.einvoices = new EInvoiceRepo(d.db);
    this.stages = d.textOnly ? STAGES.slice(0, 1) : STAGES;
  }

  /** Expands folders; results come back in input order, each one as soon as it and all before it are done. */
  async processPaths(paths: string[], actor: string, onResult?: (r: ProcessResult, index: number, total: number) => void): Promise<ProcessResult[]> {
    const sources: Source[] = discoverFiles(paths).map((f) => ({ kind: 'path', file: f.file, ...(f.missing ? { missing: true } : {}) }));
    return this.processSources(sources, actor, onResult);
  }

  async processSources(sources: Source[], actor: string, onResult?: (r: ProcessResult, index: number, total: number) => void): Promise<ProcessResult[]> {
    const results: (ProcessResult | undefined)[] = new Array(sources.length);
    let nextToEmit = 0;
    const emit = () => {
      while (nextToEmit < sources.length && results[nextToEmit]) {
        onResult?.(results[nextToEmit]!, nextToEmit, sources.length);
        nextToEmit += 1;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < sources.length) {
        const i = next++;
        results[i] = await this.processOne(sources[i]!, actor);
        emit();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.d.concurrency, sources.length)) }, worker));
    return results as ProcessResult[];
  }

  /** Finishes documents a killed run left half done. */
  async resumePending(onResult?: (r: ProcessResult) => void): Promise<ProcessResult[]> {
    const out: ProcessResult[] = [];
    for (const doc of this.d.docs.pending()) {
      if (this.inFlight.has(doc.id)) continue;
      const r = await this.runStages(doc, doc.sourcePath ?? doc.fileName, performance.now(), {});
      out.push(r);
      onResult?.(r);
    }
    return out;
  }

  private async processOne(src: Source, actor: string): Promise<ProcessResult> {
    const started = performance.now();
    const file = src.kind === 'path' ? src.file : src.name;
    const timings: Record<string, number> = {};
    const ing = ingestSource(src, actor, { docs: this.d.docs, blobs: this.d.blobs, door: this.d.door, inFlight: (id) => this.inFlight.has(id) }, timings, started);
    if (ing.kind === 'unreadable') return ing.result;
    if (ing.kind === 'finished') return ing.result ?? this.resultFor(ing.documentId, file);
    return this.runStages(ing.doc, file, started, timings, ing.bytes);
  }

  /** The one loop: the document's current stage runs, then records through the door, until none is left or one fails. */
  private async runStages(doc: StoredDocument, file: string, started: number, timings: Record<string, number>, bytes?: Buffer): Promise<ProcessResult> {
    this.inFlight.add(doc.id);
    try {
      for (let current = doc; current.status === 'pending'; current = this.d.docs.byId(doc.id)!) {
        const i = this.stages.findIndex((s) => s.name === current.stage);
        if (i < 0) {
          // Unknown stage (written by a newer build, or understanding in a text-only engine): fail clearly rather than loop.
          this.fail(current, 'internal', { code: 'internal', message: `Unknown pipeline stage "${current.stage}"` }, timings, started);
          break;
        }
        if (!(await this.runStage(this.stages[i]!, current, this.stages[i + 1]?.name ?? null, timings, bytes))) break;
      }
      timings.total = performance.now() - started;
      return this.resultFor(doc.id, file, timings);
    } finally {
      this.inFlight.delete(doc.id);
    }
  }

  /** One stage of one document; false when it failed (recorded as the document's failure). */
  private async runStage(stage: Stage, doc: StoredDocument, next: string | null, timings: Record<string, number>, bytes?: Buffer): Promise<boolean> {
    const at = new Date().toISOString();
    const t = performance.now();
    try {
      const out = await stage.run(doc, { docs: this.d.docs, einvoices: this.einvoices, blobs: this.d.blobs, ocr: this.d.ocr, understanding: this.d.understanding, maxPages: this.d.maxPages, bytes, timings });
      timings[stage.name] = performance.now() - t;
      this.d.door.mutate(`documents.${stage.name}`, (audit) => {
        this.d.docs.addStageRun(doc.id, { stage: stage.name, status: 'ok', startedAt: at, durationMs: timings[stage.name]!, engine: stage.engine(out) });
        stage.record(doc, out, { docs: this.d.docs, einvoices: this.einvoices, tasks: this.d.tasks, audit, timings, next });
      });
      return true;
    } catch (err) {
      timings[stage.name] = performance.now() - t;
      this.fail(doc, stage.name, stage.failure ? stage.failure(err) : toErrorInfo(err), timings, t, { at, t });
      return false;
    }
  }

  private fail(doc: StoredDocument, stage: string, error: { code: string; message: string }, timings: Record<string, number>, startedAt: number, stageStarted?: { at: string; t: number }): void {
    this.d.door.mutate(`documents.${stage}`, (audit) => {
      if (stageStarted) this.d.docs.addStageRun(doc.id, { stage, status: 'failed', startedAt: stageStarted.at, durationMs: performance.now() - stageStarted.t, error });
      this.d.docs.setFailed(doc.id, error, { ...timings, total: performance.now() - startedAt });
      audit({ actor: PIPELINE_ACTOR, event: 'document.failed', documentSha256: doc.sha256, data: { documentId: doc.id, stage, error } });
    });
  }

  /** The contract's per-document shape, rebuilt from what is recorded (so a resumed run reports the same). */
  resultFor(id: number, file: string, timings?: Record<string, number>): ProcessResult {
    const doc = this.d.docs.byId(id)!;
    const r: ProcessResult = { file, documentId: id, status: doc.status === 'pending' ? 'failed' : doc.status };
    if (doc.sha256) r.sha256 = doc.sha256;
    if (doc.duplicateOf) r.duplicateOf = doc.duplicateOf;
    if (doc.textSource && doc.textEngine) r.text = { source: doc.textSource, engine: doc.textEngine, pages: doc.pageCount ?? 0, chars: doc.charCount ?? 0 };
    if (doc.docType) r.docType = { label: doc.docType, score: doc.docTypeScore ?? 0 };
    if (doc.status === 'processed' && doc.docType) {
      r.fields = this.d.docs.fields(id);
      r.rules = this.d.docs.rules(id);
      if (doc.route) r.route = doc.route;
      if (doc.model) r.model = doc.model;
    }
    const t = timings ?? doc.timingsMs ?? undefined;
    if (t) r.timingsMs = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    if (doc.error) r.error = doc.error;
    return r;
  }
}

export const defaultConcurrency = () => Math.max(1, Math.min(os.availableParallelism(), 4));
