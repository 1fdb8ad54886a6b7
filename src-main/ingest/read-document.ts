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

const KIND_OF = (st: fs.Stats): string =>
  st.isFIFO() ? 'a named pipe' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : st.isDirectory() ? 'a folder' : 'not a regular file';

/**
 * Reads one file for ingest; a file that vanished or cannot be read is a typed failure, not a crash.
 * Regular files only: a named pipe or a device (or a link to one) would block the thread that reads it,
 * so it is checked before opening, opened without blocking, and checked again on the open descriptor
 * (it may have been swapped in between); at most `maxBytes` are read whatever the file claims.
 */
export function readDocumentFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): IngestedBytes {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new PipelineError('file_missing', `The file is gone or cannot be opened: ${file}`);
  }
  if (!st.isFile()) throw new PipelineError('unreadable_file', `Not a regular file (${KIND_OF(st)}): ${file}`);
  if (st.size > maxBytes) throw new PipelineError('file_too_large', `The file is ${(st.size / 2 ** 20).toFixed(0)} MiB; the limit is ${(maxBytes / 2 ** 20).toFixed(0)} MiB`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PipelineError('file_missing', `The file disappeared before it could be read: ${file}`);
    throw new PipelineError('unreadable_file', `The file cannot be read (${code ?? 'error'}): ${file}`);
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) throw new PipelineError('unreadable_file', `Not a regular file (${KIND_OF(fst)}): ${file}`);
    if (fst.size > maxBytes) throw new PipelineError('file_too_large', `The file is ${(fst.size / 2 ** 20).toFixed(0)} MiB; the limit is ${(maxBytes / 2 ** 20).toFixed(0)} MiB`);
    // Read what is there, up to one byte over the limit (a file growing while it is read).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(fst.size - total, 64 * 1024), maxBytes + 1 - total, 16 * 2 ** 20));
      if (buf.length === 0) break;
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new PipelineError('file_too_large', `The file grew past the ${(maxBytes / 2 ** 20).toFixed(0)} MiB limit while it was read`);
    }
    return fromBytes(Buffer.concat(chunks, total));
  } catch (err) {
    if (err instanceof PipelineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PipelineError('unreadable_file', `The file cannot be read (${code ?? 'error'}): ${file}`);
  } finally {
    fs.closeSync(fd);
  }
}

export function fromBytes(bytes: Buffer): IngestedBytes {
  return { bytes, sha256: sha256Hex(bytes), mime: bytes.length === 0 ? null : sniffMime(bytes) };
}
