import fs from 'node:fs';
import path from 'node:path';
import type { SignedManifest } from '../../src-shared/model-package.ts';
import { buildManifest, SIGNED_MANIFEST_FILE } from './build-manifest.ts';
import { signManifest, type AdminKeyFile } from './package-signature.ts';

/** Hashes a model folder, signs its manifest and writes countersign-package.json into it: the folder is then a package. */
export function packFolder(dir: string, key: AdminKeyFile, o: { minAppVersion: string; version?: string; name?: string; createdAt?: string }): SignedManifest {
  const signed = signManifest(buildManifest(dir, o), key);
  fs.writeFileSync(path.join(dir, SIGNED_MANIFEST_FILE), `${JSON.stringify(signed, null, 2)}\n`);
  return signed;
}
