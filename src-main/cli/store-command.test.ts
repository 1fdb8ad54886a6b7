import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { main } from './main.ts';

const plainHeader = (file: string) => fs.readFileSync(file).subarray(0, 15).toString('latin1') === 'SQLite format 3';

describe('countersign store encrypt', () => {
  const saved = process.env.COUNTERSIGN_KEY_STORAGE;
  afterEach(() => {
    if (saved === undefined) delete process.env.COUNTERSIGN_KEY_STORAGE;
    else process.env.COUNTERSIGN_KEY_STORAGE = saved;
    vi.restoreAllMocks();
  });

  it('encrypts a plain database left by an older version, keeps its rows, and says so; a second run finds it done', async () => {
    process.env.COUNTERSIGN_KEY_STORAGE = 'file';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-store-enc-'));
    const file = path.join(dataDir, 'countersign.db');
    const plain = openDatabase(file);
    plain.prepare("INSERT INTO meta (key, value) VALUES ('probe', 'IBAN DE89370400440532013000')").run();
    plain.close();
    expect(plainHeader(file)).toBe(true);

    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['store', 'encrypt', '--data-dir', dataDir])).toBe(0);
    expect(out.join('')).toMatch(/encrypted now/);
    expect(plainHeader(file)).toBe(false);
    expect(fs.readFileSync(file).includes(Buffer.from('DE89370400440532013000'))).toBe(false);

    out.length = 0;
    expect(await main(['store', 'encrypt', '--data-dir', dataDir])).toBe(0);
    expect(out.join('')).toMatch(/already encrypted/);
  });
});
