import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('countersign serve', () => {
  it('prints the URL with its token on a line of its own, answers on 127.0.0.1 only with the token, and stops on Ctrl+C', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-serve-cli-'));
    const child = spawn(process.execPath, ['bin/countersign.mjs', 'serve', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+$/.test(l));
          if (line) resolve(line);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const u = new URL(url);
      expect((await fetch(`${u.origin}/rpc/system.stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
      const ok = await fetch(`${u.origin}/rpc/system.stats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${u.searchParams.get('token')}` },
        body: '{}',
      });
      expect(await ok.json()).toMatchObject({ ok: true, value: { documents: { total: 0 } } });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
