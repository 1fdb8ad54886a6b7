import path from 'node:path';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { PIPELINE_ACTOR } from '../pipeline/stage.ts';
import type { DocumentRepo, StoredDocument } from '../store/document-repo.ts';
import type { WriteDoor } from '../store/mutate.ts';
import { fromBytes, readDocumentFile, type IngestedBytes } from './read-document.ts';

/** A document to bring in: a file on this machine (`missing` when discovery found nothing there) or bytes sent over a transport. */
export type Source = { kind: 'path'; file: string; missing?: boolean } | { kind: 'bytes'; name: string; bytes: Buffer };

export type Ingested =
  /** Nothing readable: recorded as failed, reported as it is. */
  | { kind: 'unreadable'; result: ProcessResult }
  /** Recorded and finished at ingest: a duplicate, an empty or an unsupported file. */
  | { kind: 'finished'; documentId: number; result?: ProcessResult }
  /** Recorded (or found half done) and waiting for the stages. */
  | { kind: 'stages'; doc: StoredDocument; bytes: Buffer };

export interface IngestDeps {
  docs: DocumentRepo;
  blobs: BlobStore;
  door: WriteDoor;
  /** Whether another worker of this run is processing the document now. */
  inFlight: (documentId: number) => boolean;
}

/**
 * Ingest: read the bytes, keep them encrypted in the blob store, and record the document through the
 * door (a repeat of bytes already recorded is recorded as its duplicate, without reprocessing).
 */
export function ingestSource(src: Source, actor: string, d: IngestDeps, timings: Record<string, number>, started: number): Ingested {
  const file = src.kind === 'path' ? src.file : src.name;
  const fileName = path.basename(file);
  let ing: IngestedBytes;
  try {
    if (src.kind === 'path' && src.missing) throw new PipelineError('file_missing', `No such file or folder: ${file}`);
    const t0 = performance.now();
    ing = src.kind === 'path' ? readDocumentFile(src.file) : fromBytes(src.bytes);
    timings.read = performance.now() - t0;
  } catch (err) {
    // Nothing readable: still recorded, so the batch report and the audit show it.
    const error = toErrorInfo(err);
    const id = d.door.mutate('documents.ingest', (audit) => {
      const docId = d.docs.insert({ sha256: null, fileName, sourcePath: src.kind === 'path' ? path.resolve(file) : null, mime: null, sizeBytes: 0, status: 'failed', stage: null, error });
      audit({ actor, event: 'document.failed', data: { documentId: docId, fileName, stage: 'ingest', error } });
      return docId;
    });
    return { kind: 'unreadable', result: { file, documentId: id, status: 'failed', error, timingsMs: { ...timings, total: performance.now() - started } } };
  }

  const sourcePath = src.kind === 'path' ? path.resolve(file) : null;
  const recordOf = (i: IngestedBytes) => ({ sha256: i.sha256, fileName, sourcePath, mime: i.mime, sizeBytes: i.bytes.length });
  const existing = d.docs.originalBySha(ing.sha256);
  if (existing && (existing.status !== 'pending' || d.inFlight(existing.id))) {
    const id = d.door.mutate('documents.ingest', (audit) => {
      const docId = d.docs.insert({ ...recordOf(ing), status: 'duplicate', stage: null, duplicateOf: existing.id });
      audit({ actor, event: 'document.duplicate', documentSha256: ing.sha256, data: { documentId: docId, fileName, duplicateOf: existing.id } });
      return docId;
    });
    return { kind: 'finished', documentId: id, result: { file, sha256: ing.sha256, documentId: id, status: 'duplicate', duplicateOf: existing.id, timingsMs: { ...timings, total: performance.now() - started } } };
  }
  // Found half done (a run was killed): the stages carry on where it stopped.
  if (existing) return { kind: 'stages', doc: existing, bytes: ing.bytes };

  const t0 = performance.now();
  // Blob first: a crash after it leaves an unreferenced blob, never a row without its bytes.
  if (ing.bytes.length > 0 && ing.mime) d.blobs.put(ing.sha256, ing.bytes);
  const id = d.door.mutate('documents.ingest', (audit) => {
    const fail = ing.bytes.length === 0
      ? { code: 'empty_file', message: 'The file is empty (0 bytes)' }
      : !ing.mime
        ? { code: 'unsupported_type', message: 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file, or an e-invoice XML' }
        : null;
    const docId = d.docs.insert({ ...recordOf(ing), status: fail ? 'failed' : 'pending', stage: fail ? null : 'text', error: fail });
    audit({ actor, event: 'document.ingested', documentSha256: ing.sha256, data: { documentId: docId, fileName, mime: ing.mime, sizeBytes: ing.bytes.length } });
    if (fail) audit({ actor: PIPELINE_ACTOR, event: 'document.failed', documentSha256: ing.sha256, data: { documentId: docId, stage: 'ingest', error: fail } });
    return docId;
  });
  timings.ingest = performance.now() - t0;
  const doc = d.docs.byId(id)!;
  return doc.status === 'failed' ? { kind: 'finished', documentId: id } : { kind: 'stages', doc, bytes: ing.bytes };
}
