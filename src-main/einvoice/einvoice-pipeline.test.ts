/**
 * E-invoices through the whole engine: XML read from PDF attachments and standalone files,
 * checked against the page, and hostile or broken XML refused with a code while the batch goes on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { makeEInvoicePdf, XRECHNUNG_PAGE } from './fixtures/make-einvoice-pdf.ts';
import { BILLION_LAUGHS } from './fixtures/hostile-xml.ts';
import { XML_LIMITS } from './safe-xml.ts';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe('e-invoices through the engine', () => {
  let engine: Engine;
  const byName: Record<string, ProcessResult> = {};
  beforeAll(async () => {
    const dir = tmp('cs-einv-in-');
    const xml = fixture('cii-xrechnung.xml');
    // Each document its own number: the same vendor and number twice would be rejected as a duplicate.
    const numbered = (n: string) => ({ xml: xml.toString('utf8').replace('XR-2024-0042', n), page: XRECHNUNG_PAGE.map((l) => l.replace('XR-2024-0042', n)) });
    const other = numbered('XR-2024-0043');
    const hostile = numbered('XR-2024-0044');
    const files: [string, Uint8Array | string][] = [
      ['01-agrees.pdf', makeEInvoicePdf(XRECHNUNG_PAGE, xml)],
      ['02-other-iban.pdf', makeEInvoicePdf(other.page.map((l) => (l.startsWith('IBAN') ? 'IBAN: FR76 3000 6000 0112 3456 7890 189' : l)), other.xml)],
      ['03-malformed.xml', fixture('ubl-invoice.xml').toString('utf8').replace('</cbc:IssueDate>', '</cbc:IssueDat>')],
      ['04-lolz.xml', BILLION_LAUGHS],
      ['05-huge.xml', Buffer.concat([Buffer.from('<?xml version="1.0"?><Invoice>'), Buffer.alloc(XML_LIMITS.maxBytes, 0x20), Buffer.from('</Invoice>')])],
      ['06-credit-note.xml', fixture('ubl-credit-note.xml')],
      ['07-hostile-attachment.pdf', makeEInvoicePdf(hostile.page, BILLION_LAUGHS)],
      ['08-plain.pdf', makeTextPdf([sampleInvoiceLines(8)])],
      ['09-xrechnung.xml', numbered('XR-2024-0045').xml],
    ];
    for (const [name, data] of files) fs.writeFileSync(path.join(dir, name), data);
    engine = await Engine.open({ dataDir: tmp('cs-einv-data-'), keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    const results = await engine.process([dir]);
    results.forEach((r) => (byName[path.basename(r.file)] = r));
  }, 180_000);
  afterAll(async () => engine?.close());

  const rule = (r: ProcessResult, id: string) => r.rules?.find((x) => x.id === id);

  it('takes every field from the attached XML when the page agrees, typed by the XML', () => {
    const r = byName['01-agrees.pdf']!;
    expect(r).toMatchObject({ status: 'processed', docType: { label: 'invoice', score: 1 } });
    expect(r.fields!.total).toMatchObject({ value: '139.20', confidence: 1, source: 'e-invoice' });
    expect(r.fields!.iban!.value).toBe('DE89370400440532013000');
    expect(r.fields!.documentNumber!.note).toContain('urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0');
    expect(rule(r, 'einvoice-matches-page')).toMatchObject({ passed: true });
    expect(rule(r, 'einvoice-valid')).toMatchObject({ passed: true });
    // The lines are checked by EN 16931's own sum rule, not against the subtotal.
    expect(rule(r, 'line-items-sum')).toBeUndefined();
    expect(r.route!.reasons.join(' ')).not.toContain('e-invoice');
  });

  it('sends a PDF whose XML disagrees with its page to review, saying what differs', () => {
    const r = byName['02-other-iban.pdf']!;
    expect(rule(r, 'einvoice-matches-page')).toEqual({
      id: 'einvoice-matches-page',
      passed: false,
      severity: 'error',
      detail: 'The e-invoice data says IBAN DE89370400440532013000, the printed invoice shows FR7630006000011234567890189.',
    });
    expect(r.route!.action).toBe('review');
    expect(r.route!.reasons).toContain('Check failed: The e-invoice data says IBAN DE89370400440532013000, the printed invoice shows FR7630006000011234567890189.');
    expect(r.fields!.iban).toMatchObject({ value: 'DE89370400440532013000', confidence: 0.5 });
  });

  it('fails malformed, entity-expanding and huge XML files with their own codes, and goes on', () => {
    expect(byName['03-malformed.xml']).toMatchObject({ status: 'failed', error: { code: 'xml_malformed' } });
    expect(byName['04-lolz.xml']).toMatchObject({ status: 'failed', error: { code: 'xml_entities_refused' } });
    expect(byName['05-huge.xml']).toMatchObject({ status: 'failed', error: { code: 'xml_too_large' } });
    expect(byName['05-huge.xml']!.error!.message).toMatch(/limit .* 16\.0 MiB/);
    expect(byName['08-plain.pdf']!.status).toBe('processed');
    expect(byName['09-xrechnung.xml']!.status).toBe('processed');
  });

  it('keeps the bytes of a refused file, so nothing is lost', async () => {
    const r = byName['05-huge.xml']!;
    const detail = await engine.handlers['documents.get']({ id: r.documentId! });
    expect(detail).toMatchObject({ status: 'failed', mime: 'application/xml', sizeBytes: XML_LIMITS.maxBytes + 40 });
    expect(engine.blobs.has(detail.sha256)).toBe(true);
  });

  it('reads a standalone UBL credit note as a credit note, its XML data shown instead of a page image', async () => {
    const r = byName['06-credit-note.xml']!;
    expect(r).toMatchObject({ status: 'processed', docType: { label: 'credit_note', score: 1 }, text: { source: 'xml', pages: 1 } });
    expect(r.fields!.total!.value).toBe('48.00');
    expect(rule(r, 'einvoice-matches-page')).toBeUndefined();
    expect(r.route!.action).toBe('review');
    const detail = await engine.handlers['documents.get']({ id: r.documentId! });
    expect(detail.einvoice).toMatchObject({ attachment: null, invoice: { syntax: 'UBL CreditNote', lines: [{ name: 'Lampe de bureau (retour)' }] } });
    expect(detail.pages[0]!.text).toContain('Credit note CN-77');
    await expect(engine.handlers['documents.pageImage']({ id: r.documentId!, page: 1, maxWidth: 800 })).rejects.toThrow(/XML e-invoice/);
  });

  it('reads a PDF whose attached XML is hostile from its page, and says why the XML was not used', async () => {
    const r = byName['07-hostile-attachment.pdf']!;
    expect(r.status).toBe('processed');
    expect(r.fields!.documentNumber?.source).not.toBe('e-invoice');
    expect(rule(r, 'einvoice-valid')).toMatchObject({ passed: false });
    expect(rule(r, 'einvoice-valid')!.detail).toMatch(/^The PDF carries an e-invoice \(factur-x\.xml\), but its XML was not used: .*\[xml_entities_refused\]\. The fields were read from the printed page instead\.$/);
    expect(r.route!.action).toBe('review');
    const events = (await engine.handlers['audit.export']({ fromSeq: 1, limit: 10_000 })).entries;
    expect(events.find((e) => e.event === 'einvoice.refused')?.data).toMatchObject({ documentId: r.documentId, attachment: 'factur-x.xml', error: { code: 'xml_entities_refused' } });
    expect(events.filter((e) => e.event === 'einvoice.read')).toHaveLength(4);
  });
});
