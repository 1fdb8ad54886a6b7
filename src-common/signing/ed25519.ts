/**
 * Ed25519 signatures over canonical JSON: what the hub signs (artifacts, model packages) and what a
 * device verifies against the key it pinned at enrollment. Keys travel as base64 DER (SPKI public,
 * PKCS#8 private), as the device keys do.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit-chain/canonical-json.ts';

export interface SigningKey {
  privateKey: KeyObject;
  /** SPKI DER, base64. */
  publicKey: string;
}

export function generateSigningKey(): { key: SigningKey; privateKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { key: { privateKey, publicKey: publicKeyB64(publicKey) }, privateKeyB64: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
}

export function loadSigningKey(privateKeyB64: string): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyB64.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key (${privateKey.asymmetricKeyType})`);
  return { privateKey, publicKey: publicKeyB64(createPublicKey(privateKey)) };
}

const publicKeyB64 = (k: KeyObject): string => k.export({ format: 'der', type: 'spki' }).toString('base64');

/** SHA-256 (hex) of the canonical JSON of a value: the hash an artifact is known by. */
export const sha256OfJson = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** Signs the canonical JSON of `value`; base64. */
export const signJson = (key: SigningKey, value: unknown): string => sign(null, Buffer.from(canonicalJson(value), 'utf8'), key.privateKey).toString('base64');

/** Whether `signature` is `publicKeyB64`'s signature of the canonical JSON of `value`; a malformed key or signature is false. */
export function verifyJson(publicKeyB64: string, value: unknown, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(canonicalJson(value), 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
