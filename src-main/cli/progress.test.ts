import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressMode } from './progress.ts';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLES = path.join(ROOT, 'resources', 'samples');

/** A stream that says it is a terminal, as cli-progress needs to draw. */
function fakeTerminal() {
  const s = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: s, text: () => text };
}

describe('progress', () => {
  it('draws the bar at 0 of N as the batch starts, before any document finishes', () => {
    const t = fakeTerminal();
    const p = createProgress(3, 'bar', t.stream);
    expect(t.text()).toContain('0/3 documents | reading the first document…');
    p.tick('AzureInterior.pdf');
    expect(t.text()).toContain('1/3 documents | AzureInterior.pdf');
    p.stop();
  });

  it('auto is a bar on a terminal and lines anywhere else', () => {
    expect(progressMode('auto', { isTTY: true })).toBe('bar');
    expect(progressMode('auto', { isTTY: false })).toBe('lines');
    expect(progressMode('none', { isTTY: true })).toBe('none');
  });

  it('`countersign process` into a pipe: a progress line on stderr before the first document is done, then one per document', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-progress-'));
    const files = ['AzureInterior.pdf', 'truncated.pdf', 'coolblue1.pdf'].map((f) => path.join(SAMPLES, f));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'countersign.mjs'), 'process', ...files, '--data-dir', dataDir], {
      env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Which stream spoke first, in arrival order.
    const events: string[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => events.push(`out:${d.toString()}`));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      events.push(`err:${d.toString()}`);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(1); // truncated.pdf fails, the batch goes on
    const progress = stderr.split('\n').filter((l) => l.startsWith('progress '));
    expect(progress).toEqual(['progress 0/3 started', 'progress 1/3 auto-approve AzureInterior.pdf', 'progress 2/3 failed truncated.pdf', 'progress 3/3 review coolblue1.pdf']);
    const started = events.findIndex((e) => e.includes('progress 0/3 started'));
    expect(started).toBeGreaterThanOrEqual(0);
    expect(events.findIndex((e) => e.startsWith('out:'))).toBeGreaterThan(started);
  }, 300_000);
});
