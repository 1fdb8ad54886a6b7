import fs from 'node:fs';

/** Up to `length` bytes of a file from `offset` (fewer at its end): one chunk of a resumable transfer. */
export function readRange(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, offset));
  } finally {
    fs.closeSync(fd);
  }
}
