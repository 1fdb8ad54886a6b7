import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeytar, resolveBlobKey } from './key-provider.ts';

// A real Secret Service (CI runs the suite inside dbus-run-session with gnome-keyring unlocked).
const keytar = await loadKeytar();
const probe = keytar
  ? await Promise.race([
      keytar.set('Countersign-test', 'probe', 'x').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
    ])
  : false;

describe.skipIf(!probe)('document key in the real OS keychain (skipped: no Secret Service in this session)', () => {
  it('stores the key in the keychain, not on disk, and finds it again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-kc-'));
    const first = await resolveBlobKey(dir);
    expect(first.storage).toBe('keychain');
    expect(first.warning).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'keys', 'blob.key'))).toBe(false);
    const again = await resolveBlobKey(dir);
    expect(again.key.equals(first.key)).toBe(true);
  });
});
