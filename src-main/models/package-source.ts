import fs from 'node:fs';
import path from 'node:path';
import { SignedManifestSchema, type SignedManifest } from '../../src-shared/model-package.ts';
import { SIGNED_MANIFEST_FILE } from '../../src-common/model-package/build-manifest.ts';
import { readRange } from '../../src-common/read-range.ts';

/** Where a package's signed manifest and file bytes come from: the hub (in chunks) or a folder (an offline install). */
export interface PackageSource {
  /** For messages: the hub URL and package id, or the folder. */
  readonly where: string;
  describe(): Promise<SignedManifest>;
  /** Up to `length` bytes of a file from `offset`; fewer only at the end of the file. */
  chunk(file: string, offset: number, length: number): Promise<Buffer>;
}

/** A package folder as `countersign-admin models pack` writes it: the model files plus countersign-package.json. */
export class FolderPackageSource implements PackageSource {
  constructor(readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  async describe(): Promise<SignedManifest> {
    const file = path.join(this.dir, SIGNED_MANIFEST_FILE);
    if (!fs.existsSync(file)) return Promise.reject(new Error(`${this.dir} has no ${SIGNED_MANIFEST_FILE}: not a model package (countersign-admin models pack makes one)`));
    return SignedManifestSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  async chunk(file: string, offset: number, length: number): Promise<Buffer> {
    return readRange(path.join(this.dir, file), offset, length);
  }
}
