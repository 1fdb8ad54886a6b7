import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../config/app-root.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { ensureAppBuilt } from './app-build.ts';
import { ENGINE_HOST, EngineClient } from './engine-client.ts';

describe('the engine host the desktop app and browser mode talk to, run from the built bundle', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-host-'));
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-host-in-'));
  const events: string[] = [];
  let engine: EngineClient;
  beforeAll(async () => {
    await ensureAppBuilt();
    process.env.COUNTERSIGN_KEY_STORAGE = 'file';
    engine = new EngineClient({ dataDir, onEvent: (channel) => events.push(channel) });
  }, 300_000);
  afterAll(async () => {
    await engine?.shutdown();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(inbox, { recursive: true, force: true });
  });

  it('is a plain JavaScript bundle in out/, with no TypeScript loader in it', () => {
    expect(path.relative(APP_ROOT, ENGINE_HOST)).toBe(path.join('out', 'main', 'engine-host.js'));
    const built = fs.readdirSync(path.dirname(ENGINE_HOST), { recursive: true }).map(String);
    expect(built).toEqual(expect.arrayContaining(['engine-host.js', 'ocr-worker.js', 'pdf-worker.js']));
    for (const f of built.filter((x) => x.endsWith('.js'))) expect(fs.readFileSync(path.join(path.dirname(ENGINE_HOST), f), 'utf8')).not.toMatch(/["']tsx(\/[\w/]*)?["']/);
  });

  it('reads a text PDF and a scan (PDF reader and OCR worker threads from the bundle), classifies and routes them', async () => {
    fs.writeFileSync(path.join(inbox, 'invoice.pdf'), makeTextPdf([sampleInvoiceLines(1)]));
    fs.copyFileSync(path.join(APP_ROOT, 'resources', 'samples', 'receipt-001.jpg'), path.join(inbox, 'receipt.jpg'));
    const reply = await engine.call('documents.process', { paths: [path.join(inbox, 'invoice.pdf'), path.join(inbox, 'receipt.jpg')], actor: 'dana' });
    expect(reply).toMatchObject({
      ok: true,
      value: {
        results: [
          { status: 'processed', docType: { label: 'invoice' }, model: { executionProvider: expect.any(String) }, route: { action: expect.any(String) } },
          { status: 'processed', docType: { label: 'receipt' }, route: { action: expect.any(String) } },
        ],
      },
    });
  });

  it('answers calls over IPC with the same replies as every other transport, then stops cleanly', async () => {
    expect(await engine.call('system.stats', {})).toMatchObject({ ok: true, value: { documents: { total: 2, processed: 2 } } });
    expect(await engine.call('nope.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await engine.call('ui.saveSettings', { actor: 'dana' })).toMatchObject({ ok: true, value: { actor: 'dana' } });
    expect(await engine.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
    expect(events).toContain('changed');
    await engine.shutdown();
    expect(await engine.call('system.stats', {})).toMatchObject({ ok: false, error: { code: 'engine_stopped' } });
  });
});
