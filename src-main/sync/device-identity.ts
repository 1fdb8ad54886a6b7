import { createHash, generateKeyPairSync, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadKeytar, type SecretStore } from '../blob/key-provider.ts';

const SERVICE = 'Countersign';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the OS keychain did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** What must stay secret on the device: the hub credential and the Ed25519 key that signs audit batches. */
export interface DeviceSecrets {
  credential: string;
  /** PKCS#8 DER, base64. */
  privateKey: string;
}

export interface DeviceKey {
  privateKey: KeyObject;
  /** SPKI DER, base64: what the hub stores at enrollment. */
  publicKey: string;
}

export function generateDeviceKey(): { key: DeviceKey; privateKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    key: { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
    privateKeyB64: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

export function loadDeviceKey(privateKeyB64: string): DeviceKey {
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyB64, 'base64'), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64') };
}

export const signBytes = (key: DeviceKey, bytes: Buffer): string => sign(null, bytes, key.privateKey).toString('base64');

/**
 * Where the secrets go: the OS keychain (the blob key's `SecretStore`), or, without one, a 0600 file
 * in the data directory, with a warning (the same fallback the document key uses).
 */
export class DeviceSecretVault {
  private constructor(
    private readonly store: SecretStore,
    private readonly account: string,
    readonly storage: 'keychain' | 'file',
    readonly warning: string | null,
  ) {}

  static async open(dataDir: string, secretStore?: SecretStore | null): Promise<DeviceSecretVault> {
    const account = `hub-device:${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`;
    // COUNTERSIGN_KEY_STORAGE=file (as for the document key) skips the keychain on purpose.
    const wantFile = secretStore === undefined && process.env.COUNTERSIGN_KEY_STORAGE === 'file';
    const store = wantFile ? null : secretStore === undefined ? await loadKeytar() : secretStore;
    let problem = store ? null : wantFile ? 'COUNTERSIGN_KEY_STORAGE=file' : 'keytar is not installed';
    if (store) {
      try {
        // keytar loads on a headless machine and then fails on first use: find out now.
        await withTimeout(store.get(SERVICE, account), 4000);
        return new DeviceSecretVault(store, account, 'keychain', null);
      } catch (err) {
        problem = (err as Error).message;
      }
    }
    const file = path.join(dataDir, 'keys', 'hub-device.json');
    return new DeviceSecretVault(new FileSecretStore(file), account, 'file', `No OS keychain available (${problem}): the hub credential and device signing key are kept in ${file}, readable by anyone who can read this data directory.`);
  }

  async load(): Promise<DeviceSecrets | null> {
    const raw = await this.store.get(SERVICE, this.account);
    return raw ? (JSON.parse(raw) as DeviceSecrets) : null;
  }

  async save(secrets: DeviceSecrets): Promise<void> {
    await this.store.set(SERVICE, this.account, JSON.stringify(secrets));
  }
}

/** A `SecretStore` over one 0600 JSON file. */
export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}
  private read(): Record<string, string> {
    return fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>) : {};
  }
  async get(service: string, account: string): Promise<string | null> {
    return this.read()[`${service}/${account}`] ?? null;
  }
  async set(service: string, account: string, secret: string): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const all = { ...this.read(), [`${service}/${account}`]: secret };
    fs.writeFileSync(this.file, JSON.stringify(all), { mode: 0o600 });
  }
}

/** For tests and for Electron's safeStorage-backed store: secrets held in a map. */
export class MemorySecretStore implements SecretStore {
  readonly map = new Map<string, string>();
  async get(service: string, account: string): Promise<string | null> {
    return this.map.get(`${service}/${account}`) ?? null;
  }
  async set(service: string, account: string, secret: string): Promise<void> {
    this.map.set(`${service}/${account}`, secret);
  }
}
