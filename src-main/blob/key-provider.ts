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
  /** Removes an entry (true when there was one); a store without it gets the entry blanked instead. */
  delete?(service: string, account: string): Promise<boolean>;
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
      delete: (s, a) => (k as unknown as { deletePassword(s: string, a: string): Promise<boolean> }).deletePassword(s, a),
    };
  } catch {
    return null;
  }
}

interface KeyRecord {
  storage: KeyStorage;
  account?: string;
}

/** The secret keys a data directory holds, each a random 32 bytes kept the same way. */
export type DataKeyName = 'blob' | 'site' | 'database';

const KEY_PURPOSE: Record<DataKeyName, string> = {
  blob: 'the key that encrypts stored documents',
  site: 'the site key that hashes values kept on site before anything goes to the hub',
  database: 'the key that encrypts the database',
};

/**
 * Finds or creates the data directory's AES-256 key. The choice of store is recorded beside the blobs,
 * so a keychain that is unavailable later is an error, never a silent switch to a fresh key
 * (which would make every stored document unreadable).
 */
export function resolveBlobKey(dataDir: string, opts: { prefer?: KeyStorage; secretStore?: SecretStore | null } = {}): Promise<BlobKey> {
  return resolveDataKey(dataDir, 'blob', opts);
}

/** One of the data directory's keys (see `resolveBlobKey`); each has its own keychain entry or key file. */
export async function resolveDataKey(
  dataDir: string,
  name: DataKeyName,
  opts: { prefer?: KeyStorage; secretStore?: SecretStore | null } = {},
): Promise<BlobKey> {
  const keysDir = path.join(dataDir, 'keys');
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const recordFile = path.join(keysDir, name === 'blob' ? 'key-storage.json' : `${name}-key-storage.json`);
  const keyFile = path.join(keysDir, `${name}.key`);
  const purpose = KEY_PURPOSE[name];
  const record: KeyRecord | null = fs.existsSync(recordFile) ? (JSON.parse(fs.readFileSync(recordFile, 'utf8')) as KeyRecord) : null;
  const account = record?.account ?? `${name}-key:${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`;

  if (record?.storage === 'file') return { key: readKeyFile(keyFile, purpose), storage: 'file', warning: fileKeyWarning(keyFile, purpose) };

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
          throw new Error(`The ${name} key for ${dataDir} is missing from the OS keychain (account ${account}); what it protects cannot be read without it.`);
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
  if (record?.storage === 'keychain') throw new Error(`The ${name} key is kept in the OS keychain, which is not available: ${keychainError}`);

  // Documented fallback: a 0600 key file in the data directory, with a warning.
  const key = randomBytes(32);
  fs.writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  writeRecord(recordFile, { storage: 'file' });
  return { key, storage: 'file', warning: fileKeyWarning(keyFile, purpose, keychainError) };
}

/**
 * Replaces the site key with one shared by the site's other devices (so equal values hash equally
 * across devices), where the current one is kept. Only the site key: the document and database keys
 * protect data already written and are never replaced.
 */
export async function replaceSiteKey(dataDir: string, key: Buffer, opts: { prefer?: KeyStorage; secretStore?: SecretStore | null } = {}): Promise<KeyStorage> {
  if (key.length !== 32) throw new Error('A site key is 32 bytes (base64 in the file exported from another device)');
  const current = await resolveDataKey(dataDir, 'site', opts);
  const keysDir = path.join(dataDir, 'keys');
  if (current.storage === 'file') {
    fs.writeFileSync(path.join(keysDir, 'site.key'), key.toString('base64'), { mode: 0o600 });
    return 'file';
  }
  const record = JSON.parse(fs.readFileSync(path.join(keysDir, 'site-key-storage.json'), 'utf8')) as KeyRecord;
  const store = opts.secretStore === undefined ? await loadKeytar() : opts.secretStore;
  if (!store || !record.account) throw new Error('The site key is kept in the OS keychain, which is not available');
  await withTimeout(store.set(SERVICE, record.account, key.toString('base64')), KEYCHAIN_TIMEOUT_MS, 'The OS keychain');
  return 'keychain';
}

function fileKeyWarning(keyFile: string, purpose: string, keychainError?: string | null): string {
  return (
    `${keychainError ? `No OS keychain available (${keychainError})` : 'The OS keychain is not used for this data directory'}: ` +
    `${purpose} is kept in ${keyFile}, readable by anyone who can read this data directory. See docs/security.md.`
  );
}

function writeRecord(file: string, record: KeyRecord): void {
  fs.writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
}

function readKeyFile(file: string, purpose: string): Buffer {
  if (!fs.existsSync(file)) throw new Error(`The key file ${file} (${purpose}) is missing; what it protects cannot be read without it.`);
  return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(b64: string, where: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error(`The key in ${where} is damaged (expected 32 bytes).`);
  return key;
}
