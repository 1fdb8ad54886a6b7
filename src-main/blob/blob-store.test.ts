import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../ingest/read-document.ts';
import { BlobStore } from './blob-store.ts';
import { resolveBlobKey, type SecretStore } from './key-provider.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cs-blob-'));

function memoryKeychain(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, get: async (s, a) => items.get(`${s}/${a}`) ?? null, set: async (s, a, v) => void items.set(`${s}/${a}`, v) };
}

describe('encrypted blob store', () => {
  it('round-trips bytes and never stores them in the clear', () => {
    const store = new BlobStore(tmp(), randomBytes(32));
    const bytes = Buffer.from('%PDF-1.7 invoice 4711 total 1234.50 IBAN DE89370400440532013000');
    const sha = sha256Hex(bytes);
    store.put(sha, bytes);
    expect(store.get(sha)).toEqual(bytes);
    const onDisk = fs.readFileSync(store.pathFor(sha));
    expect(onDisk.includes(Buffer.from('invoice 4711'))).toBe(false);
  });

  it('detects a flipped bit and a wrong key', () => {
    const dir = tmp();
    const store = new BlobStore(dir, randomBytes(32));
    const bytes = randomBytes(1000);
    const sha = sha256Hex(bytes);
    store.put(sha, bytes);
    expect(() => new BlobStore(dir, randomBytes(32)).get(sha)).toThrow(/integrity check/);
    const file = store.pathFor(sha);
    const raw = fs.readFileSync(file);
    raw[40] = raw[40]! ^ 1;
    fs.writeFileSync(file, raw);
    expect(() => store.get(sha)).toThrow(/integrity check/);
  });

  it('refuses a blob moved under another name', () => {
    const store = new BlobStore(tmp(), randomBytes(32));
    const a = Buffer.from('a'), b = Buffer.from('b');
    store.put(sha256Hex(a), a);
    fs.mkdirSync(path.dirname(store.pathFor(sha256Hex(b))), { recursive: true });
    fs.copyFileSync(store.pathFor(sha256Hex(a)), store.pathFor(sha256Hex(b)));
    expect(() => store.get(sha256Hex(b))).toThrow(/integrity check/);
  });
});

describe('document key', () => {
  it('lives in the keychain when there is one, and is found again', async () => {
    const dir = tmp();
    const kc = memoryKeychain();
    const first = await resolveBlobKey(dir, { secretStore: kc });
    expect(first.storage).toBe('keychain');
    expect(first.warning).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'keys', 'blob.key'))).toBe(false);
    const again = await resolveBlobKey(dir, { secretStore: kc });
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('falls back to a 0600 key file with a warning when no keychain answers', async () => {
    const dir = tmp();
    const broken: SecretStore = { get: () => Promise.reject(new Error('no Secret Service')), set: () => Promise.reject(new Error('no')) };
    const k = await resolveBlobKey(dir, { secretStore: broken });
    expect(k.storage).toBe('file');
    expect(k.warning).toMatch(/No OS keychain available \(no Secret Service\)/);
    expect(fs.statSync(path.join(dir, 'keys', 'blob.key')).mode & 0o777).toBe(0o600);
    const again = await resolveBlobKey(dir, { secretStore: memoryKeychain() });
    expect(again.storage).toBe('file');
    expect(again.warning).toMatch(/kept in .*blob\.key/);
    expect(again.key.equals(k.key)).toBe(true);
  });

  it('never replaces a keychain key that went missing with a fresh one', async () => {
    const dir = tmp();
    const kc = memoryKeychain();
    await resolveBlobKey(dir, { secretStore: kc });
    kc.items.clear();
    await expect(resolveBlobKey(dir, { secretStore: kc })).rejects.toThrow(/missing from the OS keychain/);
    await expect(resolveBlobKey(dir, { secretStore: null })).rejects.toThrow(/OS keychain, which is not available/);
  });
});
