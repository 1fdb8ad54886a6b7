import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { DocumentRepo, StoredDocument } from '../store/document-repo.ts';
import type { EInvoiceRepo } from '../store/einvoice-repo.ts';
import type { RecordAudit } from '../store/mutate.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import type { Understanding } from '../understand/understanding.ts';
import type { TaskService } from '../engine/task-service.ts';

/** The actor of everything the pipeline records on its own. */
export const PIPELINE_ACTOR = 'pipeline';

/** What a stage may read while it works (outside any transaction). */
export interface StageInput {
  docs: DocumentRepo;
  einvoices: EInvoiceRepo;
  blobs: BlobStore;
  ocr: OcrEngine;
  understanding: () => Promise<Understanding>;
  maxPages: number;
  /** The bytes when they are at hand (a fresh ingest); otherwise read from the blob store. */
  bytes?: Buffer | undefined;
  /** Milliseconds per step; a stage may add its own. */
  timings: Record<string, number>;
}

/** What a stage records with, inside the write door's transaction. */
export interface StageRecord {
  docs: DocumentRepo;
  einvoices: EInvoiceRepo;
  tasks: TaskService;
  audit: RecordAudit;
  timings: Record<string, number>;
  /** The stage after this one, or null when this one finishes the document. */
  next: string | null;
}

/**
 * One step of the pipeline: `run` does the work (text, OCR, models) outside any transaction; `record`
 * writes its result and audit entries in one change through the door, so a process killed at any
 * point resumes at the first stage not recorded.
 */
export interface Stage<Out = unknown> {
  name: string;
  run(doc: StoredDocument, input: StageInput): Promise<Out>;
  /** The engine that did the work, for the stage's run record. */
  engine(out: Out): string;
  record(doc: StoredDocument, out: Out, r: StageRecord): void;
  /** How a failure of this stage is reported (default: the error's own code and message). */
  failure?(err: unknown): { code: string; message: string };
}
