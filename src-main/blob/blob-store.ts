import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const MAGIC = Buffer.from('CSB1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Original document bytes, content-addressed by SHA-256 and encrypted at rest with AES-256-GCM.
 * The hash is bound as associated data, so a blob cannot be swapped for another under its name.
 */
export class BlobStore {
  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
  ) {
    if (key.length !== 32) throw new Error('BlobStore needs a 32-byte key');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.enc`);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathFor(sha256));
  }

  /** Writes to a temporary file and renames it, so a crash never leaves a half-written blob. */
  put(sha256: string, bytes: Uint8Array): void {
    const file = this.pathFor(sha256);
    if (fs.existsSync(file)) return;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(sha256));
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, Buffer.concat([MAGIC, iv, body, cipher.getAuthTag()]));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  get(sha256: string): Buffer {
    const file = this.pathFor(sha256);
    const raw = fs.readFileSync(file);
    if (raw.length < MAGIC.length + IV_BYTES + TAG_BYTES || !raw.subarray(0, 4).equals(MAGIC)) {
      throw new Error(`Stored document ${sha256} is damaged (bad header)`);
    }
    const iv = raw.subarray(4, 4 + IV_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(sha256));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(raw.subarray(4 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`Stored document ${sha256} failed its integrity check: damaged, or encrypted with another key`);
    }
  }
}
