import fs from 'node:fs';
import path from 'node:path';
import { generateSigningKey, loadSigningKey, type SigningKey } from '../src-common/signing/ed25519.ts';
import type { HubDatabase } from './store/database.ts';

export const HUB_SIGNING_KEY_FILE = 'hub-signing-key';

/**
 * The hub's Ed25519 key that signs every artifact devices pull: a 0600 file in the hub data directory
 * (every hub process serving one database must share it; devices pin its public key at enrollment).
 * Made on first start; two processes starting at once both read the one that won the create.
 */
export function loadOrCreateHubSigningKey(dataDir: string): SigningKey {
  const file = path.join(dataDir, HUB_SIGNING_KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    const { privateKeyB64 } = generateSigningKey();
    try {
      fs.writeFileSync(file, `${privateKeyB64}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const mode = fs.statSync(file).mode & 0o077;
  if (mode) throw new Error(`${file} is readable by others (mode ${(fs.statSync(file).mode & 0o777).toString(8)}): chmod 600 it; it signs what every device applies`);
  try {
    return loadSigningKey(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not an Ed25519 private key (${(err as Error).message})`);
  }
}

const ephemeral = new WeakMap<HubDatabase, SigningKey>();

/** A hub in a test process without a data directory: one key per database, shared by every service over it. */
export function ephemeralHubSigningKey(store: HubDatabase): SigningKey {
  let k = ephemeral.get(store);
  if (!k) ephemeral.set(store, (k = generateSigningKey().key));
  return k;
}
