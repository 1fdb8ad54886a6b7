import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_SIGNING_KEY_FILE, loadOrCreateHubSigningKey } from './hub-signing-key.ts';

describe('the hub signing key', () => {
  it('is made once, 0600, and the same key on every start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hubkey-'));
    const first = loadOrCreateHubSigningKey(dir);
    expect((fs.statSync(path.join(dir, HUB_SIGNING_KEY_FILE)).mode & 0o777).toString(8)).toBe('600');
    expect(loadOrCreateHubSigningKey(dir).publicKey).toBe(first.publicKey);
  });

  it('refuses a key file others can read, and one that is not a key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hubkey-'));
    loadOrCreateHubSigningKey(dir);
    const file = path.join(dir, HUB_SIGNING_KEY_FILE);
    fs.chmodSync(file, 0o644);
    expect(() => loadOrCreateHubSigningKey(dir)).toThrow(/readable by others \(mode 644\): chmod 600/);
    fs.writeFileSync(file, 'not a key\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    expect(() => loadOrCreateHubSigningKey(dir)).toThrow(/not an Ed25519 private key/);
  });
});
