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

/** Removes an entry: keytar's `deletePassword`, the file and memory stores' own; otherwise it is blanked. */
async function forget(store: SecretStore, account: string): Promise<void> {
  if (store.delete) await store.delete(SERVICE, account);
  else await store.set(SERVICE, account, '');
}

/**
 * Where the secrets go: the OS keychain (the blob key's `SecretStore`), or, without one, 0600 files
 * in the data directory, with a warning (the same fallback the document key uses). The hub credential
 * and the signing key are two entries (two files in the fallback): reading, rotating or leaking one
 * does not give the other. A data directory from before the split keeps both in one entry
 * (`hub-device:…`); `open` moves them into the two and deletes it.
 */
export class DeviceSecretVault {
  private constructor(
    private readonly credentialStore: SecretStore,
    private readonly keyStore: SecretStore,
    private readonly accounts: { credential: string; key: string },
    readonly storage: 'keychain' | 'file',
    readonly warning: string | null,
  ) {}

  static async open(dataDir: string, secretStore?: SecretStore | null): Promise<DeviceSecretVault> {
    const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
    const accounts = { credential: `hub-credential:${id}`, key: `device-signing-key:${id}` };
    const legacyAccount = `hub-device:${id}`;
    // COUNTERSIGN_KEY_STORAGE=file (as for the document key) skips the keychain on purpose.
    const wantFile = secretStore === undefined && process.env.COUNTERSIGN_KEY_STORAGE === 'file';
    const store = wantFile ? null : secretStore === undefined ? await loadKeytar() : secretStore;
    let problem = store ? null : wantFile ? 'COUNTERSIGN_KEY_STORAGE=file' : 'keytar is not installed';
    let vault: DeviceSecretVault | null = null;
    let legacy: SecretStore | null = null;
    if (store) {
      try {
        // keytar loads on a headless machine and then fails on first use: find out now.
        await withTimeout(store.get(SERVICE, accounts.credential), 4000);
        vault = new DeviceSecretVault(store, store, accounts, 'keychain', null);
        legacy = store;
      } catch (err) {
        problem = (err as Error).message;
      }
    }
    if (!vault) {
      const keys = path.join(dataDir, 'keys');
      const credentialFile = path.join(keys, 'hub-credential.json');
      const keyFile = path.join(keys, 'device-signing-key.json');
      vault = new DeviceSecretVault(
        new FileSecretStore(credentialFile),
        new FileSecretStore(keyFile),
        accounts,
        'file',
        `No OS keychain available (${problem}): the hub credential and device signing key are kept in ${credentialFile} and ${keyFile}, readable by anyone who can read this data directory.`,
      );
      legacy = new FileSecretStore(path.join(keys, 'hub-device.json'));
    }
    await vault.migrate(legacy!, legacyAccount);
    return vault;
  }

  /** One combined entry from before the split: write both new entries, then delete it. */
  private async migrate(legacy: SecretStore, account: string): Promise<void> {
    const raw = await legacy.get(SERVICE, account);
    if (!raw) return;
    await this.save(JSON.parse(raw) as DeviceSecrets);
    await forget(legacy, account);
  }

  async loadCredential(): Promise<string | null> {
    return (await this.credentialStore.get(SERVICE, this.accounts.credential)) || null;
  }

  /** PKCS#8 DER, base64. */
  async loadSigningKey(): Promise<string | null> {
    return (await this.keyStore.get(SERVICE, this.accounts.key)) || null;
  }

  async load(): Promise<DeviceSecrets | null> {
    const credential = await this.loadCredential();
    const privateKey = await this.loadSigningKey();
    return credential && privateKey ? { credential, privateKey } : null;
  }

  async saveCredential(credential: string): Promise<void> {
    await this.credentialStore.set(SERVICE, this.accounts.credential, credential);
  }

  async saveSigningKey(privateKeyB64: string): Promise<void> {
    await this.keyStore.set(SERVICE, this.accounts.key, privateKeyB64);
  }

  async save(secrets: DeviceSecrets): Promise<void> {
    await this.saveSigningKey(secrets.privateKey);
    await this.saveCredential(secrets.credential);
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
  async delete(service: string, account: string): Promise<boolean> {
    const all = this.read();
    if (!(`${service}/${account}` in all)) return false;
    delete all[`${service}/${account}`];
    // The last entry gone, so is the file (a leftover file would still look like a secret to find).
    if (Object.keys(all).length) fs.writeFileSync(this.file, JSON.stringify(all), { mode: 0o600 });
    else fs.rmSync(this.file);
    return true;
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
  async delete(service: string, account: string): Promise<boolean> {
    return this.map.delete(`${service}/${account}`);
  }
}
