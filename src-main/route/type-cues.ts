/**
 * Marks on a page that belong to one document type and not another: what a clerk glances at
 * before trusting the classifier. An invoice asks to be paid later (a due date, payment terms,
 * bank details, a bill-to address); a till receipt records a payment already made. The classifier
 * can call an OCR'd invoice a receipt with a high score; these marks catch it before auto-approval.
 */
import type { DocType } from '../../src-shared/document-model.ts';

interface Cue {
  name: string;
  re: RegExp;
}

/** Marks of an invoice (English, German, French, Dutch, Spanish, Italian), never printed on a till receipt. */
const INVOICE_CUES: Cue[] = [
  { name: 'a due date', re: /\b(?:due\s*date|date\s*due|payment\s*due|due\s*(?:by|on)|payable\s*(?:by|before|within))\b|f[äa]llig(?:keit|\s*am)?\b|zahlbar\s*bis|[ée]ch[ée]ance|date\s*limite\s*de\s*paiement|vervaldatum|scadenza|vencimiento/i },
  { name: 'payment terms', re: /\b(?:payment\s*terms|terms\s*of\s*payment|net\s*\d{1,2}\s*days)\b|zahlungs(?:bedingungen|ziel|frist)|conditions\s*de\s*(?:paiement|r[èe]glement)|betalingstermijn|condiciones\s*de\s*pago|termini\s*di\s*pagamento/i },
  { name: 'bank details', re: /\b(?:IBAN|BIC|SWIFT)\b|bankverbindung|coordonn[ée]es\s*bancaires|\bRIB\b/i },
  { name: 'a billing address', re: /\b(?:bill(?:ed)?\s*to|invoice\s*to|sold\s*to|ship(?:ped)?\s*to)\b|rechnungs(?:empf[äa]nger|adresse)|lieferanschrift|adresse\s*de\s*facturation|factur[ée]\s*[àa]\b/i },
];

const CUES: Partial<Record<DocType, Cue[]>> = { invoice: INVOICE_CUES };

/** The marks of `docType` found in the text, by name (empty when none, or no cues are known for it). */
export function typeCues(text: string, docType: DocType): string[] {
  return (CUES[docType] ?? []).filter((c) => c.re.test(text)).map((c) => c.name);
}
