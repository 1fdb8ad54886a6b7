import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type KeyStorage = 'keychain' | 'file';

export interface BlobKey {
  key: Buffer;
  storage: KeyStorage;
  /** Set when the key could not go to the OS keychain: say it to the user once. */
  warning?: string;
}

/** The OS keychain as a minimal interface: keytar in Node, Electron's safeStorage wraps the same shape. */
export interface SecretStore {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
}

const SERVICE = 'Countersign';
const KEYCHAIN_TIMEOUT_MS = 4000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** keytar is optional (it needs libsecret to build): without it we fall back to the key file. */
export async function loadKeytar(): Promise<SecretStore | null> {
  try {
    const mod = (await import('keytar')) as unknown as { default?: SecretStore } & SecretStore;
    const k = mod.default ?? mod;
    return {
      get: (s, a) => (k as unknown as { getPassword(s: string, a: string): Promise<string | null> }).getPassword(s, a),
      set: (s, a, v) => (k as unknown as { setPassword(s: string, a: string, v: string): Promise<void> }).setPassword(s, a, v),
    };
  } catch {
    return null;
  }
}

interface KeyRecord {
  storage: KeyStorage;
  account?: string;
}

/**
 * Finds or creates the data directory's AES-256 key. The choice of store is recorded beside the blobs,
 * so a keychain that is unavailable later is an error, never a silent switch to a fresh key
 * (which would make every stored document unreadable).
 */
export async function resolveBlobKey(
  dataDir: string,
  opts: { prefer?: KeyStorage; secretStore?: SecretStore | null } = {},
): Promise<BlobKey> {
  const keysDir = path.join(dataDir, 'keys');
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const recordFile = path.join(keysDir, 'key-storage.json');
  const keyFile = path.join(keysDir, 'blob.key');
  const record: KeyRecord | null = fs.existsSync(recordFile) ? (JSON.parse(fs.readFileSync(recordFile, 'utf8')) as KeyRecord) : null;
  const account = record?.account ?? `blob-key:${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`;

  if (record?.storage === 'file') return { key: readKeyFile(keyFile), storage: 'file', warning: fileKeyWarning(keyFile) };

  const wantKeychain = record?.storage === 'keychain' || (opts.prefer ?? 'keychain') === 'keychain';
  let keychainError: string | null = null;
  if (wantKeychain) {
    const store = opts.secretStore === undefined ? await loadKeytar() : opts.secretStore;
    if (!store) keychainError = 'keytar is not installed';
    else {
      try {
        const existing = await withTimeout(store.get(SERVICE, account), KEYCHAIN_TIMEOUT_MS, 'The OS keychain');
        if (existing) return { key: decodeKey(existing, 'the OS keychain'), storage: 'keychain' };
        if (record?.storage === 'keychain') {
          throw new Error(`The document key for ${dataDir} is missing from the OS keychain (account ${account}); stored documents cannot be decrypted without it.`);
        }
        const key = randomBytes(32);
        await withTimeout(store.set(SERVICE, account, key.toString('base64')), KEYCHAIN_TIMEOUT_MS, 'The OS keychain');
        writeRecord(recordFile, { storage: 'keychain', account });
        return { key, storage: 'keychain' };
      } catch (err) {
        if (record?.storage === 'keychain') throw err;
        keychainError = (err as Error).message;
      }
    }
  }
  if (record?.storage === 'keychain') throw new Error(`The document key is kept in the OS keychain, which is not available: ${keychainError}`);

  // Documented fallback: a 0600 key file in the data directory, with a warning.
  const key = randomBytes(32);
  fs.writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  writeRecord(recordFile, { storage: 'file' });
  return { key, storage: 'file', warning: fileKeyWarning(keyFile, keychainError) };
}

function fileKeyWarning(keyFile: string, keychainError?: string | null): string {
  return (
    `${keychainError ? `No OS keychain available (${keychainError})` : 'The OS keychain is not used for this data directory'}: ` +
    `the key that encrypts stored documents is kept in ${keyFile}, readable by anyone who can read this data directory. See docs/security.md.`
  );
}

function writeRecord(file: string, record: KeyRecord): void {
  fs.writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
}

function readKeyFile(file: string): Buffer {
  if (!fs.existsSync(file)) throw new Error(`The document key file ${file} is missing; stored documents cannot be decrypted without it.`);
  return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(b64: string, where: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error(`The document key in ${where} is damaged (expected 32 bytes).`);
  return key;
}
