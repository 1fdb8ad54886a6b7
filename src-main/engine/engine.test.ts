import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-shared/contract/dispatch.ts';
import { engineContract } from '../../src-shared/contract/index.ts';
import { ProcessResultSchema } from '../../src-shared/process-result.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { Engine } from './engine.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const open: Engine[] = [];
async function textOnlyEngine(dataDir = tmp('cs-eng-')) {
  const e = await Engine.open({ dataDir, understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
  open.push(e);
  return e;
}
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

function folderWith(files: Record<string, Buffer | string>): string {
  const dir = tmp('cs-in-');
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  return dir;
}

describe('engine: documents in, durable records out', () => {
  it('processes a digital PDF from its text layer, with words and boxes, and records it', async () => {
    const engine = await textOnlyEngine();
    const dir = folderWith({ 'inv.pdf': makeTextPdf([sampleInvoiceLines(1), ['Page two', 'Thank you']]) });
    const [r] = await engine.process([dir]);
    expect(ProcessResultSchema.parse(r)).toBeTruthy();
    expect(r).toMatchObject({ status: 'processed', text: { source: 'pdf_text', pages: 2 } });
    expect(r!.text!.chars).toBeGreaterThan(100);
    const detail = await engine.handlers['documents.get']({ id: r!.documentId! });
    expect(detail.pages[0]!.text).toContain('Invoice number: INV-2024-0001');
    const word = detail.pages[0]!.words.find((w) => w.text === 'ACME')!;
    expect(word.box[0]).toBeGreaterThan(0.05);
    expect(word.box[1]).toBeLessThan(0.1);
    expect(detail.stageRuns.map((s) => s.stage)).toEqual(['text']);
  });

  it('records the same bytes twice as a duplicate of the first, without reprocessing', async () => {
    const engine = await textOnlyEngine();
    const pdf = makeTextPdf([sampleInvoiceLines(2)]);
    const dir = folderWith({ 'a.pdf': pdf, 'b-copy.pdf': pdf });
    const [a, b] = await engine.process([dir]);
    expect(a!.status).toBe('processed');
    expect(b).toMatchObject({ status: 'duplicate', duplicateOf: a!.documentId, sha256: a!.sha256 });
    const again = await engine.process([path.join(dir, 'a.pdf')]);
    expect(again[0]).toMatchObject({ status: 'duplicate', duplicateOf: a!.documentId });
    const stats = await engine.handlers['system.stats']({});
    expect(stats.documents).toMatchObject({ processed: 1, duplicate: 2 });
    const events = (await engine.handlers['audit.export']({ fromSeq: 1, limit: 1000 })).entries.map((e) => e.event);
    expect(events.filter((e) => e === 'text.extracted')).toHaveLength(1);
    expect(events.filter((e) => e === 'document.duplicate')).toHaveLength(2);
  });

  it('keeps the original bytes encrypted in the blob store', async () => {
    const dataDir = tmp('cs-eng-');
    const engine = await textOnlyEngine(dataDir);
    const pdf = makeTextPdf([['Secret salary slip 98765']]);
    const [r] = await engine.process([folderWith({ 's.pdf': pdf })]);
    const blob = fs.readFileSync(engine.blobs.pathFor(r!.sha256!));
    expect(blob.includes(Buffer.from('98765'))).toBe(false);
    expect(engine.blobs.get(r!.sha256!).equals(pdf)).toBe(true);
  });

  it('records bad input as failed with a stable code, and the batch goes on', async () => {
    const engine = await textOnlyEngine();
    const good = makeTextPdf([sampleInvoiceLines(3)]);
    const dir = folderWith({
      '1-empty.pdf': Buffer.alloc(0),
      '2-truncated.pdf': good.subarray(0, 200),
      '3-notes.txt': 'just some notes, not a document',
      '4-corrupt.jpg': Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]),
      '5-good.pdf': good,
    });
    const results = await engine.process([dir, path.join(dir, 'no-such-file.pdf')]);
    expect(results.map((r) => [path.basename(r.file), r.status, r.error?.code])).toEqual([
      ['1-empty.pdf', 'failed', 'empty_file'],
      ['2-truncated.pdf', 'failed', 'corrupt_pdf'],
      ['3-notes.txt', 'failed', 'unsupported_type'],
      ['4-corrupt.jpg', 'failed', 'corrupt_image'],
      ['5-good.pdf', 'processed', undefined],
      ['no-such-file.pdf', 'failed', 'file_missing'],
    ]);
    for (const r of results.filter((x) => x.status === 'failed')) expect(r.error!.message.length).toBeGreaterThan(10);
    const failed = await engine.handlers['documents.list']({ offset: 0, limit: 50, status: 'failed' });
    expect(failed.total).toBe(5);
    expect((await engine.handlers['audit.verify']({})).ok).toBe(true);
  });

  it('records a file that disappears mid-batch as failed', async () => {
    const engine = await textOnlyEngine();
    const dir = folderWith({ 'a.pdf': makeTextPdf([['first']]), 'b.pdf': makeTextPdf([['second']]), 'c.pdf': makeTextPdf([['third']]) });
    const results = await engine.pipeline.processPaths([dir], 'clerk', (r) => {
      if (r.file.endsWith('a.pdf')) fs.rmSync(path.join(dir, 'c.pdf'));
    });
    // Processing is concurrent: c.pdf may or may not have been read before it vanished, never a crash.
    expect(results.map((r) => r.status).slice(0, 2)).toEqual(['processed', 'processed']);
    expect(['processed', 'failed']).toContain(results[2]!.status);
    if (results[2]!.status === 'failed') expect(results[2]!.error!.code).toBe('file_missing');
  });

  it('serves the same contract through dispatch, with typed errors', async () => {
    const engine = await textOnlyEngine();
    const [r] = await engine.process([folderWith({ 'x.pdf': makeTextPdf([['hello world']]) })]);
    const list = await dispatch(engineContract, engine.handlers, 'documents.list', { limit: 10, sort: { field: 'fileName', direction: 'asc' } });
    expect(list).toMatchObject({ ok: true, value: { total: 1, items: [{ fileName: 'x.pdf', status: 'processed' }] } });
    expect(await dispatch(engineContract, engine.handlers, 'documents.get', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch(engineContract, engine.handlers, 'documents.get', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const img = await dispatch(engineContract, engine.handlers, 'documents.pageImage', { id: r!.documentId, page: 1, maxWidth: 300 });
    expect(img).toMatchObject({ ok: true, value: { mime: 'image/png', width: 300 } });
    const text = await engine.handlers['documents.text']({ id: r!.documentId! });
    expect(text.text).toContain('hello world');
  });

  it('resumes a document a killed run left half done', async () => {
    const dataDir = tmp('cs-eng-');
    const engine = await textOnlyEngine(dataDir);
    const pdf = makeTextPdf([['resume me please']]);
    // Simulate a run killed right after ingest: the row is pending at the text stage.
    const sha = (await import('../ingest/read-document.ts')).sha256Hex(pdf);
    engine.blobs.put(sha, pdf);
    engine.db.transaction(() => {
      const id = engine.docs.insert({ sha256: sha, fileName: 'r.pdf', sourcePath: null, mime: 'application/pdf', sizeBytes: pdf.length, status: 'pending', stage: 'text' });
      engine.audit.append({ actor: 'clerk', event: 'document.ingested', documentSha256: sha, data: { documentId: id } });
    })();
    const [r] = await engine.process([folderWith({ 'r.pdf': pdf })]);
    expect(r).toMatchObject({ status: 'processed', documentId: 1 });
    expect((await engine.handlers['system.stats']({})).documents).toMatchObject({ total: 1, processed: 1 });
  });
});
