import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { sniffMime, type SupportedMime } from './sniff.ts';

export interface IngestedBytes {
  bytes: Buffer;
  sha256: string;
  /** null when the bytes are not a supported document; the caller records the failure. */
  mime: SupportedMime | null;
}

export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads one file for ingest; a file that vanished or cannot be read is a typed failure, not a crash. */
export function readDocumentFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): IngestedBytes {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new PipelineError('file_missing', `The file is gone or cannot be opened: ${file}`);
  }
  if (size > maxBytes) throw new PipelineError('file_too_large', `The file is ${(size / 2 ** 20).toFixed(0)} MiB; the limit is ${(maxBytes / 2 ** 20).toFixed(0)} MiB`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PipelineError('file_missing', `The file disappeared before it could be read: ${file}`);
    throw new PipelineError('unreadable_file', `The file cannot be read (${code ?? 'error'}): ${file}`);
  }
  return fromBytes(bytes);
}

export function fromBytes(bytes: Buffer): IngestedBytes {
  return { bytes, sha256: sha256Hex(bytes), mime: bytes.length === 0 ? null : sniffMime(bytes) };
}
