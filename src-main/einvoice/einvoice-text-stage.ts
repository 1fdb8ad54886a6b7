import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';
import type { SupportedMime } from '../ingest/sniff.ts';
import type { ExtractedText, TextInput } from '../text/index.ts';
import { readEmbeddedEInvoice } from './embedded-xml.ts';
import { EINVOICE_TEXT_ENGINE, invoiceTextPage } from './invoice-text.ts';
import { parseEInvoice } from './read-einvoice.ts';

/**
 * The Text stage with e-invoices: a standalone XML is parsed (bad or hostile XML fails the
 * document with its code) and becomes one page of text; a PDF is read as any PDF, and its
 * attached XML, if any, is read too (a refused XML is recorded with its reason, the PDF goes on).
 */
export async function readEInvoiceText(
  input: { bytes: Uint8Array; mime: SupportedMime },
  extract: (input: TextInput) => Promise<ExtractedText>,
): Promise<{ text: ExtractedText; einvoice: EInvoiceRecord | null }> {
  if (input.mime === 'application/xml') {
    const invoice = parseEInvoice(input.bytes);
    return { text: { source: 'xml', engine: EINVOICE_TEXT_ENGINE, pages: [invoiceTextPage(invoice)] }, einvoice: { attachment: null, invoice, error: null } };
  }
  const text = await extract({ bytes: input.bytes, mime: input.mime });
  const einvoice = input.mime === 'application/pdf' ? await readEmbeddedEInvoice(input.bytes) : null;
  return { text, einvoice };
}
