import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { ModelManifest, SignedManifest } from '../../src-shared/model-package.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';

/**
 * Admin Ed25519 keys that sign model packages. The private key stays with the admin (a 0600 file);
 * devices pin the public keys they trust (at enrollment, from the hub, or by hand).
 */
const AdminKeyFileSchema = z.object({ kind: z.literal('countersign-admin-key'), keyId: z.string(), publicKey: z.string(), privateKey: z.string() });
export type AdminKeyFile = z.infer<typeof AdminKeyFileSchema>;

/** First 16 bytes of the SHA-256 of the SPKI DER public key, hex: short enough to read out, long enough to be unique. */
export const keyIdOf = (publicKeyB64: string): string => createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('hex').slice(0, 32);

export function createAdminKey(): AdminKeyFile {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return { kind: 'countersign-admin-key', keyId: keyIdOf(pub), publicKey: pub, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
}

export function writeAdminKey(file: string, key: AdminKeyFile): void {
  fs.writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

export function readAdminKey(file: string): AdminKeyFile {
  const parsed = AdminKeyFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a Countersign admin key (countersign-admin keys create writes one)`);
  return parsed.data;
}

/** Whether a string is an Ed25519 public key (SPKI DER, base64). */
export function isEd25519PublicKey(publicKeyB64: string): boolean {
  try {
    return createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export const manifestBytes = (m: ModelManifest): Buffer => Buffer.from(canonicalJson(m), 'utf8');
export const manifestSha256 = (m: ModelManifest): string => createHash('sha256').update(manifestBytes(m)).digest('hex');

export function signManifest(manifest: ModelManifest, key: AdminKeyFile): SignedManifest {
  const privateKey = createPrivateKey({ key: Buffer.from(key.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return { manifest, signature: sign(null, manifestBytes(manifest), privateKey).toString('base64'), keyId: key.keyId };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; code: 'unsigned' | 'untrusted_key' | 'bad_signature'; message: string };

/** Checks the signature against the trusted public keys (keyed by key id). */
export function checkManifestSignature(s: SignedManifest, trusted: ReadonlyMap<string, string>): SignatureCheck {
  const label = `${s.manifest.name} ${s.manifest.version}`;
  if (!s.signature || !s.keyId) return { ok: false, code: 'unsigned', message: `Model package ${label} is not signed; only packages signed by a trusted admin key are installed` };
  const pub = trusted.get(s.keyId);
  if (!pub) return { ok: false, code: 'untrusted_key', message: `Model package ${label} is signed by key ${s.keyId}, which this device does not trust (trusted: ${[...trusted.keys()].join(', ') || 'none'})` };
  let good = false;
  try {
    good = verify(null, manifestBytes(s.manifest), createPublicKey({ key: Buffer.from(pub, 'base64'), format: 'der', type: 'spki' }), Buffer.from(s.signature, 'base64'));
  } catch {
    good = false;
  }
  return good ? { ok: true, keyId: s.keyId } : { ok: false, code: 'bad_signature', message: `Model package ${label}: the signature does not match its manifest under key ${s.keyId} (altered after signing, or signed by another key)` };
}
