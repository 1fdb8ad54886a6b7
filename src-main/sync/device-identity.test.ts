import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../blob/key-provider.ts';
import { DeviceSecretVault, generateDeviceKey, loadDeviceKey, MemorySecretStore, signBytes } from './device-identity.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cs-id-'));

describe('device identity', () => {
  it('signs with Ed25519 and survives a round trip through its stored form', () => {
    const { key, privateKeyB64 } = generateDeviceKey();
    const again = loadDeviceKey(privateKeyB64);
    expect(again.publicKey).toBe(key.publicKey);
    const sig = signBytes(again, Buffer.from('batch'));
    expect(verify(null, Buffer.from('batch'), { key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' }, Buffer.from(sig, 'base64'))).toBe(true);
  });

  it('keeps secrets in the keychain when it answers', async () => {
    const store = new MemorySecretStore();
    const vault = await DeviceSecretVault.open(tmp(), store);
    expect(vault.storage).toBe('keychain');
    await vault.save({ credential: 'csd_x', privateKey: 'k' });
    expect(await vault.load()).toEqual({ credential: 'csd_x', privateKey: 'k' });
    // Two entries: the credential's holds no key, the key's no credential.
    const entries = [...store.map].sort();
    expect(entries.map(([k, v]) => [k.replace(/:[0-9a-f]{16}$/, ''), v])).toEqual([
      ['Countersign/device-signing-key', 'k'],
      ['Countersign/hub-credential', 'csd_x'],
    ]);
  });

  it('moves an entry from before the split (credential and key together) into the two, and deletes it', async () => {
    const store = new MemorySecretStore();
    const dir = tmp();
    const id = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
    store.map.set(`Countersign/hub-device:${id}`, JSON.stringify({ credential: 'csd_old', privateKey: 'old-key' }));
    const vault = await DeviceSecretVault.open(dir, store);
    expect(await vault.loadCredential()).toBe('csd_old');
    expect(await vault.loadSigningKey()).toBe('old-key');
    expect([...store.map.keys()].sort()).toEqual([`Countersign/device-signing-key:${id}`, `Countersign/hub-credential:${id}`]);
  });

  it('moves an old combined key file into two files, and removes it', async () => {
    const dir = tmp();
    const id = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
    const keys = path.join(dir, 'keys');
    fs.mkdirSync(keys);
    fs.writeFileSync(path.join(keys, 'hub-device.json'), JSON.stringify({ [`Countersign/hub-device:${id}`]: JSON.stringify({ credential: 'csd_f', privateKey: 'file-key' }) }), { mode: 0o600 });
    const vault = await DeviceSecretVault.open(dir, null);
    expect(vault.storage).toBe('file');
    expect(await vault.load()).toEqual({ credential: 'csd_f', privateKey: 'file-key' });
    expect(fs.existsSync(path.join(keys, 'hub-device.json'))).toBe(false);
    const credentialFile = fs.readFileSync(path.join(keys, 'hub-credential.json'), 'utf8');
    const keyFile = fs.readFileSync(path.join(keys, 'device-signing-key.json'), 'utf8');
    expect(credentialFile).toContain('csd_f');
    expect(credentialFile).not.toContain('file-key');
    expect(keyFile).toContain('file-key');
    expect(keyFile).not.toContain('csd_f');
    for (const f of ['hub-credential.json', 'device-signing-key.json']) expect(fs.statSync(path.join(keys, f)).mode & 0o777).toBe(0o600);
  });

  it('falls back to a 0600 file, with a warning, when the keychain fails on first use (headless Linux)', async () => {
    const broken: SecretStore = { get: async () => Promise.reject(new Error('Cannot autolaunch D-Bus')), set: async () => {} };
    const dir = tmp();
    const vault = await DeviceSecretVault.open(dir, broken);
    expect(vault.storage).toBe('file');
    expect(vault.warning).toMatch(/D-Bus/);
    await vault.save({ credential: 'csd_y', privateKey: 'k' });
    for (const f of ['hub-credential.json', 'device-signing-key.json']) expect(fs.statSync(path.join(dir, 'keys', f)).mode & 0o777).toBe(0o600);
    expect(await (await DeviceSecretVault.open(dir, null)).load()).toEqual({ credential: 'csd_y', privateKey: 'k' });
  });
});
