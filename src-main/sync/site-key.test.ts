import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { residencyFromPolicy } from '../../src-shared/data-residency.ts';
import { resolveDataKey } from '../blob/key-provider.ts';
import { MemorySecretStore } from './device-identity.ts';
import { main } from './device-cli.ts';
import { ResidencyFilter } from './residency.ts';

describe('one site key for the devices of a site', () => {
  it('is exported from one device and imported on another by hand, so the same IBAN hashes the same on both', async () => {
    const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sitekey-'));
    const [a, b, carry] = [tmp(), tmp(), tmp()];
    const storeA = new MemorySecretStore();
    const storeB = new MemorySecretStore();
    const out = () => undefined;
    const file = path.join(carry, 'site.key');
    expect(await main(['--data-dir', a, 'site-key-export', file], { secretStore: storeA, out })).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const tokenOn = async (dir: string, store: MemorySecretStore) => new ResidencyFilter((await resolveDataKey(dir, 'site', { secretStore: store })).key, residencyFromPolicy(null)).token('DE89 3704 0044 0532 0130 00');
    expect(await tokenOn(a, storeA)).not.toBe(await tokenOn(b, storeB));
    expect(await main(['--data-dir', b, 'site-key-import', file], { secretStore: storeB, out })).toBe(0);
    expect(await tokenOn(b, storeB)).toBe(await tokenOn(a, storeA));
    fs.writeFileSync(file, 'c2hvcnQ=');
    expect(await main(['--data-dir', b, 'site-key-import', file], { secretStore: storeB, out })).toBe(1);
  });
});
