import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './device-cli.ts';

describe('countersign hub: the data directory', () => {
  const saved = { env: process.env.COUNTERSIGN_DATA_DIR, cwd: process.cwd() };
  afterEach(() => {
    if (saved.env === undefined) delete process.env.COUNTERSIGN_DATA_DIR;
    else process.env.COUNTERSIGN_DATA_DIR = saved.env;
    process.chdir(saved.cwd);
  });

  it('uses the same data directory as process, serve and the app, not one of its own in the working folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hubcli-data-'));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hubcli-cwd-'));
    process.env.COUNTERSIGN_DATA_DIR = dataDir;
    process.chdir(cwd);
    const printed: unknown[] = [];
    expect(await main(['status'], { out: (v) => printed.push(v), secretStore: null })).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'countersign.db'))).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(printed).toHaveLength(1);
  });
});
