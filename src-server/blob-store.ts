import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readRange } from '../src-common/read-range.ts';

/**
 * Where the hub keeps large immutable files (model package files), addressed by SHA-256. Written in
 * chunks (an upload resumes at `size`), sealed once the bytes hash to their name, read back in ranges.
 * Local disk now; an object store can implement the same four calls.
 */
export interface HubBlobStore {
  /** Bytes held so far of a blob being written, or its size once sealed. */
  size(sha256: string): Promise<number>;
  sealed(sha256: string): Promise<boolean>;
  /** Appends at `offset`, which must be the size held so far. Seals the blob when it reaches `total` and the hash matches. */
  append(sha256: string, offset: number, bytes: Buffer, total: number): Promise<{ size: number; sealed: boolean }>;
  read(sha256: string, offset: number, length: number): Promise<Buffer>;
}

export class BlobOffsetError extends Error {}
export class BlobHashError extends Error {}

const SHA = /^[0-9a-f]{64}$/;

export class LocalDiskBlobStore implements HubBlobStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'partial'), { recursive: true });
  }

  private file(sha256: string, partial: boolean): string {
    if (!SHA.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return partial ? path.join(this.dir, 'partial', sha256) : path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async sealed(sha256: string): Promise<boolean> {
    return fs.existsSync(this.file(sha256, false));
  }

  async size(sha256: string): Promise<number> {
    for (const partial of [false, true]) {
      const f = this.file(sha256, partial);
      if (fs.existsSync(f)) return fs.statSync(f).size;
    }
    return 0;
  }

  async append(sha256: string, offset: number, bytes: Buffer, total: number): Promise<{ size: number; sealed: boolean }> {
    if (await this.sealed(sha256)) return { size: total, sealed: true };
    const partial = this.file(sha256, true);
    const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
    if (offset !== have) throw new BlobOffsetError(`the hub holds ${have} bytes of ${sha256}; send from there (got offset ${offset})`);
    if (have + bytes.length > total) throw new BlobOffsetError(`${sha256}: ${have + bytes.length} bytes would exceed the declared ${total}`);
    fs.appendFileSync(partial, bytes);
    const size = have + bytes.length;
    if (size < total) return { size, sealed: false };
    const got = createHash('sha256').update(fs.readFileSync(partial)).digest('hex');
    if (got !== sha256) {
      fs.rmSync(partial, { force: true });
      throw new BlobHashError(`the uploaded bytes hash to ${got}, not ${sha256}; upload them again`);
    }
    const final = this.file(sha256, false);
    fs.mkdirSync(path.dirname(final), { recursive: true });
    fs.renameSync(partial, final);
    return { size, sealed: true };
  }

  async read(sha256: string, offset: number, length: number): Promise<Buffer> {
    return readRange(this.file(sha256, false), offset, length);
  }
}
