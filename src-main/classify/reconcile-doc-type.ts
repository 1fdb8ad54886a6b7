/**
 * The document type after the page's own words are heard (see type-evidence.ts and credit-note-title.ts). The model's
 * call stands unless the page contradicts it plainly; an overridden type scores at most 0.75, so that it goes to a
 * reviewer rather than being approved on the override alone.
 */
import type { DocType } from '../../src-shared/document-model.ts';
import { creditNoteTitle, reconcileCreditNote } from './credit-note-title.ts';
import { creditWording, invoiceCues, labelsInvoiceNumber, namesBilledParty, receiptCues, tillLineCount } from './type-evidence.ts';

type Classification = { label: DocType; score: number; scores: Record<string, number> };

/** Invoice cues besides the title that make a page an invoice, whatever the model says about "other". */
const OTHER_TO_INVOICE_CUES = 3;
const OVERRIDE_SCORE_CAP = 0.75;
/** Invoice cues (no title needed) that make a page without any credit wording an invoice rather than a credit note. */
const CREDIT_TO_INVOICE_CUES = 2;

/** Till-receipt cues (see type-evidence.ts) that make a page a receipt, whatever else the model saw in it. */
const TO_RECEIPT_CUES = 2;
/** Distinct till lines (see type-evidence.ts) that outweigh an invoice number printed on the same slip. */
const MANY_TILL_LINES = 4;
/** The types a till receipt is mistaken for by a model that has seen few receipts from that country. */
const RECEIPT_LOOKALIKES: DocType[] = ['invoice', 'other', 'purchase_order', 'bank_statement'];

export function reconcileDocType(cls: Classification, text: string): Classification & { note?: string } {
  const receipt = receiptOverride(cls, text);
  if (receipt) return receipt;
  if (cls.label === 'invoice') return reconcileCreditNote(cls, text);
  if (cls.label === 'receipt') return invoiceOverReceipt(cls, text) ?? cls;
  if (cls.label === 'credit_note') {
    // A credit note says so; a page titled an invoice, or carrying an invoice's number, tax and payment cues, without
    // one credit word anywhere is an invoice (a bill whose "CR" marks a payment received is not a credit note).
    if (creditWording(text) || creditNoteTitle(text)) return cls;
    const cues = invoiceCues(text);
    if (!cues.includes('title') && cues.length < CREDIT_TO_INVOICE_CUES) return cls;
    return overridden(cls, 'invoice', `${cues.includes('title') ? 'titled an invoice' : 'invoice cues'}, no credit-note wording (${cues.join(', ')})`);
  }
  if (cls.label === 'other') {
    const cues = invoiceCues(text);
    const others = cues.filter((c) => c !== 'title');
    const creditTitle = creditNoteTitle(text);
    if ((!cues.includes('title') && !creditTitle) || others.length < OTHER_TO_INVOICE_CUES) return cls;
    return creditTitle
      ? overridden(cls, 'credit_note', `titled "${creditTitle}" with ${others.join(', ')}`)
      : overridden(cls, 'invoice', `titled an invoice with ${others.join(', ')}`);
  }
  return cls;
}

/**
 * A page titled an invoice that bills a named party or asks for payment later (a due date, an IBAN), with none of a
 * till's change, tender or bookkeeping lines, is an invoice: US and Indian invoices ("Invoice #", "Bill To",
 * "TAX INVOICE") read like receipts to a model trained on few of them.
 */
function invoiceOverReceipt(cls: Classification, text: string): (Classification & { note: string }) | undefined {
  if (receiptCues(text).length > 0 || creditWording(text)) return undefined;
  const cues = invoiceCues(text);
  if (!cues.includes('title')) return undefined;
  const billed = namesBilledParty(text);
  if (!billed && !cues.includes('dueDate') && !cues.includes('iban')) return undefined;
  return overridden(cls, 'invoice', `titled an invoice, no till lines, ${[billed ? 'a billed party' : '', ...cues.filter((c) => c !== 'title')].filter(Boolean).join(', ')}`);
}

/**
 * A page with the till's change, tender and bookkeeping lines is a receipt, unless it names itself an invoice or asks
 * for payment later (a due date, an IBAN): those make it an invoice whatever the till printed.
 */
function receiptOverride(cls: Classification, text: string): (Classification & { note: string }) | undefined {
  if (!RECEIPT_LOOKALIKES.includes(cls.label)) return undefined;
  const cues = receiptCues(text);
  if (cues.length < TO_RECEIPT_CUES || creditWording(text)) return undefined;
  const invoice = invoiceCues(text);
  if (invoice.includes('dueDate') || invoice.includes('iban')) return undefined;
  // An invoice number names an invoice too (an online shop's paid invoice prints the card and thanks the buyer), unless
  // the till's lines are many and nobody is billed: a warehouse till slip prints "Invoice#: 18429" among a dozen of them.
  const tillSlip = tillLineCount(text) >= MANY_TILL_LINES && !namesBilledParty(text);
  if ((invoice.includes('title') || labelsInvoiceNumber(text)) && !tillSlip) return undefined;
  return overridden(cls, 'receipt', `a till receipt: ${cues.join(', ')}`);
}

function overridden(cls: Classification, label: DocType, note: string): Classification & { note: string } {
  const score = Math.min(OVERRIDE_SCORE_CAP, Math.max(cls.scores[label] ?? 0, cls.score * 0.8));
  return { ...cls, label, score: Math.round(score * 10000) / 10000, note };
}
