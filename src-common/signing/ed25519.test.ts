import { describe, expect, it } from 'vitest';
import { generateSigningKey, loadSigningKey, sha256OfJson, signJson, verifyJson } from './ed25519.ts';

describe('Ed25519 over canonical JSON', () => {
  const { key, privateKeyB64 } = generateSigningKey();
  const value = { kind: 'policy', name: 'default', version: 2, sha256: sha256OfJson({ b: 1, a: [1, 2] }) };

  it('verifies its own signature, whatever the key order', () => {
    const sig = signJson(key, value);
    expect(verifyJson(key.publicKey, { sha256: value.sha256, version: 2, name: 'default', kind: 'policy' }, sig)).toBe(true);
    expect(loadSigningKey(privateKeyB64).publicKey).toBe(key.publicKey);
  });

  it('refuses changed content, another key and garbage', () => {
    const sig = signJson(key, value);
    expect(verifyJson(key.publicKey, { ...value, version: 3 }, sig)).toBe(false);
    expect(verifyJson(generateSigningKey().key.publicKey, value, sig)).toBe(false);
    expect(verifyJson('not a key', value, sig)).toBe(false);
    expect(verifyJson(key.publicKey, value, 'AAAA')).toBe(false);
  });

  it('hashes canonical JSON, so key order does not change the hash', () => {
    expect(sha256OfJson({ a: 1, b: 2 })).toBe(sha256OfJson({ b: 2, a: 1 }));
  });
});
