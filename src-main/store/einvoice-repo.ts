import { EInvoiceSchema, type EInvoiceRecord } from '../../src-shared/einvoice.ts';
import type { Db } from './database.ts';

/** SQL about the e-invoice XML a document carried. Callers own the transactions. */
export class EInvoiceRepo {
  constructor(private readonly db: Db) {}

  save(documentId: number, r: EInvoiceRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO einvoices (document_id, attachment, syntax, profile, type_code, invoice_json, error_code, error_message, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        documentId,
        r.attachment,
        r.invoice?.syntax ?? null,
        r.invoice?.profile ?? null,
        r.invoice?.typeCode ?? null,
        r.invoice ? JSON.stringify(r.invoice) : null,
        r.error?.code ?? null,
        r.error?.message ?? null,
        new Date().toISOString(),
      );
  }

  /** The document's e-invoice record, or null when it carried no XML. */
  forDocument(documentId: number): EInvoiceRecord | null {
    const row = this.db
      .prepare<[number], { attachment: string | null; invoice_json: string | null; error_code: string | null; error_message: string | null }>(
        'SELECT attachment, invoice_json, error_code, error_message FROM einvoices WHERE document_id = ?',
      )
      .get(documentId);
    if (!row) return null;
    return {
      attachment: row.attachment,
      invoice: row.invoice_json ? EInvoiceSchema.parse(JSON.parse(row.invoice_json)) : null,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    };
  }
}
