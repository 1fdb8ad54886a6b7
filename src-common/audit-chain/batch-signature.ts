import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditBatch } from '../../src-shared/contract/hub.ts';
import { canonicalJson } from './canonical-json.ts';

/** The bytes a device signs for an upload and the hub keeps: the canonical JSON of the batch. */
export const auditBatchBytes = (batch: AuditBatch): Buffer => Buffer.from(canonicalJson(batch), 'utf8');

/** Ed25519 over the batch's bytes, base64. */
export const signAuditBatch = (privateKey: KeyObject, batch: AuditBatch): string => sign(null, auditBatchBytes(batch), privateKey).toString('base64');

/** The device's public key as enrolled (SPKI DER, base64) or as a key object. */
export function verifyAuditBatchSignature(publicKey: KeyObject | string, bytes: Buffer, signatureB64: string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }) : publicKey;
  return verify(null, bytes, key, Buffer.from(signatureB64, 'base64'));
}
