import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';
import { readEInvoiceText } from '../einvoice/einvoice-text-stage.ts';
import type { SupportedMime } from '../ingest/sniff.ts';
import type { StoredDocument } from '../store/document-repo.ts';
import type { RecordAudit } from '../store/mutate.ts';
import { PIPELINE_ACTOR, type Stage } from '../pipeline/stage.ts';
import { extractText } from './index.ts';

type TextOut = Awaited<ReturnType<typeof readEInvoiceText>>;

/** Text: the PDF's text layer or OCR of the page images, and the e-invoice XML a document carries. */
export const textStage: Stage<TextOut> = {
  name: 'text',
  async run(doc, input) {
    const bytes = input.bytes ?? input.blobs.get(doc.sha256!);
    // A plain copy: pdf.js refuses Buffers and may detach what it is given.
    return readEInvoiceText({ bytes: new Uint8Array(bytes), mime: doc.mime as SupportedMime }, (i) => extractText(i, { ocr: input.ocr, maxPages: input.maxPages }));
  },
  engine: (out) => out.text.engine,
  record(doc, { text, einvoice }, r) {
    r.docs.saveText(doc.id, text.pages, text.source, text.engine, r.next, r.timings);
    if (einvoice) recordEInvoice(doc, einvoice, r.einvoices, r.audit);
    const chars = text.pages.reduce((n, p) => n + p.text.length, 0);
    r.audit({ actor: PIPELINE_ACTOR, event: 'text.extracted', documentSha256: doc.sha256, data: { documentId: doc.id, source: text.source, engine: text.engine, pages: text.pages.length, chars } });
    if (!r.next) {
      r.docs.markProcessed(doc.id, r.timings);
      r.audit({ actor: PIPELINE_ACTOR, event: 'document.processed', documentSha256: doc.sha256, data: { documentId: doc.id } });
    }
  },
};

function recordEInvoice(doc: StoredDocument, e: EInvoiceRecord, einvoices: { save(id: number, e: EInvoiceRecord): void }, audit: RecordAudit): void {
  einvoices.save(doc.id, e);
  const data = e.invoice
    ? { documentId: doc.id, attachment: e.attachment, syntax: e.invoice.syntax, profile: e.invoice.profile, typeCode: e.invoice.typeCode }
    : { documentId: doc.id, attachment: e.attachment, error: e.error };
  audit({ actor: PIPELINE_ACTOR, event: e.invoice ? 'einvoice.read' : 'einvoice.refused', documentSha256: doc.sha256, data });
}
