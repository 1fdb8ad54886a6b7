import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { readDocumentFile } from './read-document.ts';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A named pipe, a device, or a link to one in an imported folder used to block the thread that read it
 * (and with it the browser-mode server) until someone wrote to the pipe. The CLI runs in a child with
 * a time limit, so a regression fails this test instead of hanging the runner.
 */
describe.skipIf(process.platform === 'win32')('files that are not regular files', () => {
  function inboxWithSpecialFiles(): string {
    const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-fifo-'));
    fs.writeFileSync(path.join(inbox, 'a-invoice.pdf'), makeTextPdf([sampleInvoiceLines(1)]));
    expect(spawnSync('mkfifo', [path.join(inbox, 'b-pipe.pdf')]).status).toBe(0);
    fs.symlinkSync(path.join(inbox, 'b-pipe.pdf'), path.join(inbox, 'c-link-to-pipe.pdf'));
    fs.symlinkSync('/dev/zero', path.join(inbox, 'd-link-to-device.pdf'));
    fs.writeFileSync(path.join(inbox, 'e-invoice.pdf'), makeTextPdf([sampleInvoiceLines(2)]));
    return inbox;
  }

  it('are recorded as failed with a clear error, and the batch goes on', () => {
    const inbox = inboxWithSpecialFiles();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-fifo-data-'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'countersign.mjs'), 'process', inbox, '--data-dir', dataDir, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' },
      timeout: 300_000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal, `the CLI was killed after 300 s: it blocked on a special file\n${r.stderr}`).toBeNull();
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; status: string; error?: { code: string; message: string } });
    const byName = Object.fromEntries(results.map((x) => [path.basename(x.file), x]));
    expect(byName['a-invoice.pdf']).toMatchObject({ status: 'processed' });
    expect(byName['e-invoice.pdf']).toMatchObject({ status: 'processed' });
    expect(byName['b-pipe.pdf']).toMatchObject({ status: 'failed', error: { code: 'unreadable_file', message: expect.stringMatching(/Not a regular file \(a named pipe\)/) } });
    expect(byName['c-link-to-pipe.pdf']).toMatchObject({ status: 'failed', error: { code: 'unreadable_file', message: expect.stringMatching(/a named pipe/) } });
    expect(byName['d-link-to-device.pdf']).toMatchObject({ status: 'failed', error: { code: 'unreadable_file', message: expect.stringMatching(/a character device/) } });
    expect(r.status).toBe(1);
  }, 360_000);

  it('reads no more than the size limit, and refuses a larger file before reading it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-big-'));
    const file = path.join(dir, 'big.pdf');
    fs.writeFileSync(file, Buffer.alloc(4096, 0x41));
    expect(() => readDocumentFile(file, 1024)).toThrow(/limit/);
    expect(readDocumentFile(file, 4096).bytes.length).toBe(4096);
  });
});
