import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verify } from 'node:crypto';
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
    expect(store.map.size).toBe(1);
  });

  it('falls back to a 0600 file, with a warning, when the keychain fails on first use (headless Linux)', async () => {
    const broken: SecretStore = { get: async () => Promise.reject(new Error('Cannot autolaunch D-Bus')), set: async () => {} };
    const dir = tmp();
    const vault = await DeviceSecretVault.open(dir, broken);
    expect(vault.storage).toBe('file');
    expect(vault.warning).toMatch(/D-Bus/);
    await vault.save({ credential: 'csd_y', privateKey: 'k' });
    const file = path.join(dir, 'keys', 'hub-device.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await (await DeviceSecretVault.open(dir, null)).load()).toEqual({ credential: 'csd_y', privateKey: 'k' });
  });
});
