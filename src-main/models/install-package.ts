import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { compareVersions, SignedManifestSchema, type ModelManifest } from '../../src-shared/model-package.ts';
import { SIGNED_MANIFEST_FILE } from '../../src-common/model-package/build-manifest.ts';
import { checkManifestSignature, manifestSha256 } from '../../src-common/model-package/package-signature.ts';
import type { PackageSource } from './package-source.ts';

export type RefusalCode = 'invalid_manifest' | 'unsigned' | 'untrusted_key' | 'bad_signature' | 'too_new' | 'tampered' | 'download_failed' | 'warmup_failed';

/** A package the device will not install, with a stable code and a sentence for the audit log and the admin. */
export class ModelPackageError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export interface InstalledPackage {
  dir: string;
  manifest: ModelManifest;
  manifestSha256: string;
  keyId: string;
}

export interface InstallOptions {
  source: PackageSource;
  /** Installed packages go to <modelsDir>/<task>/<name>-<version>-<hash>; downloads resume from <that>.partial. */
  modelsDir: string;
  /** Trusted admin public keys by key id. */
  trustedKeys: ReadonlyMap<string, string>;
  appVersion: string;
  chunkBytes?: number;
  /** Loads the model and runs it once; throws when it cannot (the package is then refused, nothing switched). */
  warmUp: (dir: string, manifest: ModelManifest) => Promise<void>;
  /** After each chunk (a progress bar; tests interrupt a download here). */
  onChunk?: (file: string, have: number, size: number) => void;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export const packageDirName = (m: ModelManifest, sha: string) => `${safe(m.name)}-${safe(m.version)}-${sha.slice(0, 12)}`;

function hashFile(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Downloads (resuming a partial download), verifies and warms up a package, then moves it into place
 * with one rename. Refuses, before any byte is written, a package that is unsigned, signed by a key the
 * device does not trust, whose signature does not match, or that needs a newer app; after downloading,
 * one whose files do not match the signed hashes. Nothing is switched here: see model-service.ts.
 */
export async function installPackage(o: InstallOptions): Promise<InstalledPackage> {
  let described: unknown;
  try {
    described = await o.source.describe();
  } catch (err) {
    throw new ModelPackageError('download_failed', `Cannot read the package from ${o.source.where}: ${(err as Error).message}`);
  }
  const parsed = SignedManifestSchema.safeParse(described);
  if (!parsed.success) throw new ModelPackageError('invalid_manifest', `The package at ${o.source.where} has no valid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const signed = parsed.data;
  const m = signed.manifest;
  const sig = checkManifestSignature(signed, o.trustedKeys);
  if (!sig.ok) throw new ModelPackageError(sig.code, sig.message);
  if (compareVersions(m.minAppVersion, o.appVersion) > 0) {
    throw new ModelPackageError('too_new', `Model package ${m.name} ${m.version} needs app version ${m.minAppVersion} or later; this is ${o.appVersion}`);
  }

  const sha = manifestSha256(m);
  const finalDir = path.join(o.modelsDir, m.task, packageDirName(m, sha));
  const installed = { dir: finalDir, manifest: m, manifestSha256: sha, keyId: sig.keyId };
  if (fs.existsSync(path.join(finalDir, SIGNED_MANIFEST_FILE))) return installed;

  const staging = `${finalDir}.partial`;
  const chunkBytes = o.chunkBytes ?? 1 << 20;
  for (const f of m.files) {
    const target = path.join(staging, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    let have = fs.existsSync(target) ? fs.statSync(target).size : 0;
    if (have > f.size) {
      fs.truncateSync(target, 0);
      have = 0;
    }
    while (have < f.size) {
      let bytes: Buffer;
      try {
        bytes = await o.source.chunk(f.path, have, Math.min(chunkBytes, f.size - have));
      } catch (err) {
        throw new ModelPackageError('download_failed', `Download of ${m.name} ${m.version} stopped at ${f.path} byte ${have} of ${f.size}: ${(err as Error).message}; it resumes from there`);
      }
      if (!bytes.length) throw new ModelPackageError('tampered', `Model package ${m.name} ${m.version}: ${f.path} ends at ${have} bytes, the signed manifest says ${f.size}`);
      fs.appendFileSync(target, bytes);
      have += bytes.length;
      o.onChunk?.(f.path, have, f.size);
    }
    const got = hashFile(target);
    if (got !== f.sha256 || fs.statSync(target).size !== f.size) {
      // The bad copy goes: the next attempt downloads it again rather than resuming garbage.
      fs.rmSync(target, { force: true });
      throw new ModelPackageError('tampered', `Model package ${m.name} ${m.version}: ${f.path} has SHA-256 ${got}, the signed manifest says ${f.sha256}; refused`);
    }
  }
  fs.writeFileSync(path.join(staging, SIGNED_MANIFEST_FILE), `${JSON.stringify(signed, null, 2)}\n`);
  try {
    await o.warmUp(staging, m);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new ModelPackageError('warmup_failed', `Model package ${m.name} ${m.version} does not load or run: ${(err as Error).message}`);
  }
  fs.rmSync(finalDir, { recursive: true, force: true });
  fs.renameSync(staging, finalDir);
  return installed;
}
