import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { TEXT_LIMITS, withTimeout } from '../text/limits.ts';
import { openPdf } from '../text/pdf-document.ts';
import { parseEInvoice } from './read-einvoice.ts';
import { XML_LIMITS } from './safe-xml.ts';

/** Attachment names the ZUGFeRD, Factur-X and XRechnung specifications give the invoice XML. */
const KNOWN_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml', 'zugferd_invoice.xml'];

/**
 * The e-invoice XML attached to a PDF (ZUGFeRD / Factur-X), read, or refused with a reason; null
 * when the PDF carries no XML attachment (or its attachments cannot be listed: the page is read as
 * for any PDF). A refused XML never fails the document: the printed page is still read, and a rule
 * says why the XML was not used.
 */
export async function readEmbeddedEInvoice(pdfBytes: Uint8Array, limits: { maxBytes?: number } = {}): Promise<EInvoiceRecord | null> {
  let found: { name: string; content: Uint8Array; known: boolean } | null = null;
  try {
    const doc = await withTimeout(openPdf(pdfBytes), TEXT_LIMITS.pageTimeoutMs, 'Opening the PDF for its attachments');
    try {
      const attachments = (await withTimeout(doc.getAttachments(), TEXT_LIMITS.pageTimeoutMs, 'Listing the PDF attachments')) as Record<string, { filename: string; content: Uint8Array }> | null;
      const list = Object.values(attachments ?? {}).filter((a) => a && a.content instanceof Uint8Array && typeof a.filename === 'string');
      const known = list.find((a) => KNOWN_NAMES.includes(a.filename.toLowerCase()));
      const pick = known ?? list.find((a) => a.filename.toLowerCase().endsWith('.xml'));
      if (pick) found = { name: pick.filename, content: pick.content, known: pick === known };
    } finally {
      await doc.destroy().catch(() => {});
    }
  } catch {
    return null;
  }
  if (!found) return null;
  try {
    const invoice = parseEInvoice(found.content, { maxBytes: limits.maxBytes ?? XML_LIMITS.maxBytes });
    return { attachment: found.name, invoice, error: null };
  } catch (err) {
    const error = err instanceof PipelineError ? toErrorInfo(err) : { code: 'xml_malformed', message: `The XML could not be read: ${(err as Error).message}` };
    // Some other XML attached under its own name (not an invoice's): an ordinary PDF, not a broken e-invoice.
    if (!found.known && error.code === 'einvoice_unrecognised') return null;
    return { attachment: found.name, invoice: null, error };
  }
}
