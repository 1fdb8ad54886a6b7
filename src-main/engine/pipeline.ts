import os from 'node:os';
import path from 'node:path';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';
import { readEInvoiceText } from '../einvoice/einvoice-text-stage.ts';
import { discoverFiles } from '../ingest/discover.ts';
import { fromBytes, readDocumentFile, type IngestedBytes } from '../ingest/read-document.ts';
import type { SupportedMime } from '../ingest/sniff.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import type { Db } from '../store/database.ts';
import type { RecordAudit, WriteDoor } from '../store/mutate.ts';
import type { DocumentRepo, StoredDocument } from '../store/document-repo.ts';
import { EInvoiceRepo } from '../store/einvoice-repo.ts';
import { extractText } from '../text/index.ts';
import type { Understanding } from '../understand/understanding.ts';
import type { TaskService } from './task-service.ts';

export interface PipelineDeps {
  db: Db;
  door: WriteDoor;
  docs: DocumentRepo;
  tasks: TaskService;
  audit: AuditLog;
  blobs: BlobStore;
  /** Started on first need (see LazyOcrEngine): digital PDFs never pay for OCR workers. */
  ocr: OcrEngine;
  /** Loaded on first need; null in text-only mode (no model, no routing). */
  understanding: () => Promise<Understanding>;
  textOnly: boolean;
  maxPages: number;
  concurrency: number;
}

export type Source = { kind: 'path'; file: string; missing?: boolean } | { kind: 'bytes'; name: string; bytes: Buffer };

const PIPELINE_ACTOR = 'pipeline';

/**
 * Runs documents through ingest → text → understand. Each stage commits its result and its audit
 * entry in one transaction, so a process killed at any point resumes where it stopped.
 */
export class Pipeline {
  private readonly inFlight = new Set<number>();
  private readonly einvoices: EInvoiceRepo;

  constructor(private readonly d: PipelineDeps) {
    this.einvoices = new EInvoiceRepo(d.db);
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
    for (const row of this.d.docs.pending()) {
      if (this.inFlight.has(row.id)) continue;
      const r = await this.runStages(row, row.sourcePath ?? row.fileName, performance.now(), {});
      out.push(r);
      onResult?.(r);
    }
    return out;
  }

  private async processOne(src: Source, actor: string): Promise<ProcessResult> {
    const started = performance.now();
    const file = src.kind === 'path' ? src.file : src.name;
    const fileName = path.basename(file);
    const timings: Record<string, number> = {};
    let ing: IngestedBytes;
    try {
      if (src.kind === 'path' && src.missing) throw new PipelineError('file_missing', `No such file or folder: ${file}`);
      const t0 = performance.now();
      ing = src.kind === 'path' ? readDocumentFile(src.file) : fromBytes(src.bytes);
      timings.read = performance.now() - t0;
    } catch (err) {
      // Nothing readable: still recorded, so the batch report and the audit show it.
      const error = toErrorInfo(err);
      const id = this.d.door.mutate('documents.ingest', (audit) => {
        const docId = this.d.docs.insert({ sha256: null, fileName, sourcePath: src.kind === 'path' ? path.resolve(file) : null, mime: null, sizeBytes: 0, status: 'failed', stage: null, error });
        audit({ actor, event: 'document.failed', data: { documentId: docId, fileName, stage: 'ingest', error } });
        return docId;
      });
      return { file, documentId: id, status: 'failed', error, timingsMs: { ...timings, total: performance.now() - started } };
    }

    const sourcePath = src.kind === 'path' ? path.resolve(file) : null;
    const recordOf = (i: IngestedBytes) => ({ sha256: i.sha256, fileName, sourcePath, mime: i.mime, sizeBytes: i.bytes.length });
    const existing = this.d.docs.originalBySha(ing.sha256);
    if (existing && (existing.status !== 'pending' || this.inFlight.has(existing.id))) {
      const id = this.d.door.mutate('documents.ingest', (audit) => {
        const docId = this.d.docs.insert({ ...recordOf(ing), status: 'duplicate', stage: null, duplicateOf: existing.id });
        audit({ actor, event: 'document.duplicate', documentSha256: ing.sha256, data: { documentId: docId, fileName, duplicateOf: existing.id } });
        return docId;
      });
      return { file, sha256: ing.sha256, documentId: id, status: 'duplicate', duplicateOf: existing.id, timingsMs: { ...timings, total: performance.now() - started } };
    }

    let row = existing;
    if (!row) {
      const t0 = performance.now();
      // Blob first: a crash after it leaves an unreferenced blob, never a row without its bytes.
      if (ing.bytes.length > 0 && ing.mime) this.d.blobs.put(ing.sha256, ing.bytes);
      const id = this.d.door.mutate('documents.ingest', (audit) => {
        const fail = ing.bytes.length === 0
          ? { code: 'empty_file', message: 'The file is empty (0 bytes)' }
          : !ing.mime
            ? { code: 'unsupported_type', message: 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file, or an e-invoice XML' }
            : null;
        const docId = this.d.docs.insert({ ...recordOf(ing), status: fail ? 'failed' : 'pending', stage: fail ? null : 'text', error: fail });
        audit({ actor, event: 'document.ingested', documentSha256: ing.sha256, data: { documentId: docId, fileName, mime: ing.mime, sizeBytes: ing.bytes.length } });
        if (fail) audit({ actor: PIPELINE_ACTOR, event: 'document.failed', documentSha256: ing.sha256, data: { documentId: docId, stage: 'ingest', error: fail } });
        return docId;
      });
      timings.ingest = performance.now() - t0;
      row = this.d.docs.byId(id)!;
      if (row.status === 'failed') return this.resultFor(row.id, file);
    }
    return this.runStages(row, file, started, timings, ing.bytes);
  }

  private async runStages(row: StoredDocument, file: string, started: number, timings: Record<string, number>, bytes?: Buffer): Promise<ProcessResult> {
    this.inFlight.add(row.id);
    try {
      let current = row;
      if (current.stage === 'text') {
        await this.textStage(current, timings, bytes);
        current = this.d.docs.byId(row.id)!;
      }
      if (current.status === 'pending' && current.stage === 'understand') {
        await this.understandStage(current, timings);
        current = this.d.docs.byId(row.id)!;
      }
      if (current.status === 'pending') {
        // Unknown stage (written by a newer build): fail clearly rather than loop.
        this.fail(current, 'internal', { code: 'internal', message: `Unknown pipeline stage "${current.stage}"` }, timings, started);
      }
      timings.total = performance.now() - started;
      return this.resultFor(row.id, file, timings);
    } finally {
      this.inFlight.delete(row.id);
    }
  }

  private fail(row: StoredDocument, stage: string, error: { code: string; message: string }, timings: Record<string, number>, startedAt: number, stageStarted?: { at: string; t: number }): void {
    this.d.door.mutate(`documents.${stage}`, (audit) => {
      if (stageStarted) this.d.docs.addStageRun(row.id, { stage, status: 'failed', startedAt: stageStarted.at, durationMs: performance.now() - stageStarted.t, error });
      this.d.docs.setFailed(row.id, error, { ...timings, total: performance.now() - startedAt });
      audit({ actor: PIPELINE_ACTOR, event: 'document.failed', documentSha256: row.sha256, data: { documentId: row.id, stage, error } });
    });
  }

  private async textStage(row: StoredDocument, timings: Record<string, number>, bytes?: Buffer): Promise<void> {
    const at = new Date().toISOString();
    const t = performance.now();
    try {
      const input = bytes ?? this.d.blobs.get(row.sha256!);
      // A plain copy: pdf.js refuses Buffers and may detach what it is given.
      const { text, einvoice } = await readEInvoiceText({ bytes: new Uint8Array(input), mime: row.mime as SupportedMime }, (i) =>
        extractText(i, { ocr: this.d.ocr, maxPages: this.d.maxPages }),
      );
      timings.text = performance.now() - t;
      const next = this.d.textOnly ? null : 'understand';
      this.d.door.mutate('documents.text', (audit) => {
        this.d.docs.saveText(row.id, text.pages, text.source, text.engine, next, timings);
        if (einvoice) this.recordEInvoice(row, einvoice, audit);
        this.d.docs.addStageRun(row.id, { stage: 'text', status: 'ok', startedAt: at, durationMs: timings.text!, engine: text.engine });
        const chars = text.pages.reduce((n: number, p: { text: string }) => n + p.text.length, 0);
        audit({ actor: PIPELINE_ACTOR, event: 'text.extracted', documentSha256: row.sha256, data: { documentId: row.id, source: text.source, engine: text.engine, pages: text.pages.length, chars } });
        if (!next) {
          this.d.docs.markProcessed(row.id, timings);
          audit({ actor: PIPELINE_ACTOR, event: 'document.processed', documentSha256: row.sha256, data: { documentId: row.id } });
        }
      });
    } catch (err) {
      timings.text = performance.now() - t;
      this.fail(row, 'text', toErrorInfo(err), timings, t, { at, t });
    }
  }

  private recordEInvoice(row: StoredDocument, e: EInvoiceRecord, audit: RecordAudit): void {
    this.einvoices.save(row.id, e);
    const data = e.invoice
      ? { documentId: row.id, attachment: e.attachment, syntax: e.invoice.syntax, profile: e.invoice.profile, typeCode: e.invoice.typeCode }
      : { documentId: row.id, attachment: e.attachment, error: e.error };
    audit({ actor: PIPELINE_ACTOR, event: e.invoice ? 'einvoice.read' : 'einvoice.refused', documentSha256: row.sha256, data });
  }

  private async understandStage(row: StoredDocument, timings: Record<string, number>): Promise<void> {
    const at = new Date().toISOString();
    const t = performance.now();
    try {
      const understanding = await this.d.understanding();
      const pages = this.d.docs.pages(row.id);
      const u = await understanding.understand(pages, {
        documentId: row.id,
        sha256: row.sha256!,
        findDuplicates: (q) => this.d.docs.findDuplicates({ ...q, excludeId: row.id }),
        vendorHistoryCount: (vendor) => this.d.docs.vendorHistoryCount(vendor, row.id),
        einvoice: this.einvoices.forDocument(row.id),
      });
      Object.assign(timings, u.timingsMs);
      timings.understand = performance.now() - t;
      this.d.door.mutate('documents.understand', (audit) => {
        this.d.docs.saveUnderstanding(row.id, u, timings);
        this.d.docs.addStageRun(row.id, { stage: 'understand', status: 'ok', startedAt: at, durationMs: timings.understand!, engine: `${u.model.name}@${u.model.version}` });
        audit({
          actor: PIPELINE_ACTOR,
          event: 'document.classified',
          documentSha256: row.sha256,
          data: { documentId: row.id, label: u.docType.label, score: u.docType.score },
          model: u.model,
        });
        audit({
          actor: PIPELINE_ACTOR,
          event: 'document.routed',
          documentSha256: row.sha256,
          data: {
            documentId: row.id,
            action: u.route.action,
            reasons: u.route.reasons,
            qaSampled: u.route.qaSampled,
            fields: Object.fromEntries(Object.entries(u.fields).map(([k, f]) => [k, { value: f.value, confidence: f.confidence }])),
            rules: u.rules.map((r) => ({ id: r.id, passed: r.passed })),
            ruleSetVersion: u.ruleSetVersion,
          },
          model: u.model,
          policyVersion: u.route.policyVersion,
        });
        if (u.route.action === 'review') {
          const taskId = this.d.tasks.create({
            documentId: row.id,
            reasons: u.route.reasons,
            priority: u.route.qaSampled ? 0 : 1,
            policyVersion: u.route.policyVersion,
            batchApprovable: u.route.batchApprovable,
            qaSampled: u.route.qaSampled,
          });
          audit({ actor: PIPELINE_ACTOR, event: 'task.created', documentSha256: row.sha256, data: { taskId, documentId: row.id, reasons: u.route.reasons }, model: u.model, policyVersion: u.route.policyVersion });
        }
        audit({ actor: PIPELINE_ACTOR, event: 'document.processed', documentSha256: row.sha256, data: { documentId: row.id }, model: u.model, policyVersion: u.route.policyVersion });
      });
    } catch (err) {
      timings.understand = performance.now() - t;
      const info = err instanceof PipelineError ? toErrorInfo(err) : { code: 'model_failed', message: `Understanding failed: ${(err as Error).message}` };
      this.fail(row, 'understand', info, timings, t, { at, t });
    }
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
