/**
 * A credit note says so in its title ("Gutschrift", "Avoir", "Credit Note", "Creditnota", "Nota de crédito").
 * The classifier can still call one an invoice (credit notes are laid out like their producer's invoices), and an
 * invoice with a positive amount to pay is the one mistake on a credit note that costs money; so a title near the
 * top of the first page settles it. Corrected invoices ("Rechnungskorrektur", "facture rectificative", EN 16931
 * type 384) are invoices and are not matched.
 */
import type { DocType } from '../../src-shared/document-model.ts';

const TITLE =
  /^\W*(?:gutschrift(?:sanzeige)?|storno[-\s]?rechnung|credit\s*(?:note|memo)|avoir|facture\s*d'avoir|note\s*de\s*cr[ée]dit|creditnota|creditfactuur|credit\s*factuur|nota\s*de\s*(?:cr[ée]dito|abono)|nota\s*(?:di\s*)?(?:ac)?credito)\b(?:\s*(?:nr\.?|no\.?|n°|#|number|nummer|num[ée]ro)?\s*:?\s*[A-Z0-9][\w\-/.]*)?\s*$/i;

/** The credit-note title among the first lines of the text, if there is one. */
export function creditNoteTitle(text: string, lines = 25): string | undefined {
  for (const line of text.split('\n').slice(0, lines)) {
    // Columns of a PDF text layer ("Au bon moulin     Avoir AV-2017-0005") are judged one by one.
    for (const cell of line.split(/\s{3,}|\t/)) {
      const t = cell.trim();
      if (t && TITLE.test(t)) return t;
    }
  }
  return undefined;
}

/**
 * The document type after the title check: an `invoice` whose first lines carry a credit-note title becomes a
 * `credit_note`, with a score no higher than 0.75 so that the override alone never approves it automatically.
 */
export function reconcileCreditNote(
  cls: { label: DocType; score: number; scores: Record<string, number> },
  text: string,
): { label: DocType; score: number; scores: Record<string, number>; note?: string } {
  if (cls.label !== 'invoice') return cls;
  const title = creditNoteTitle(text);
  if (!title) return cls;
  const score = Math.min(0.75, Math.max(cls.scores.credit_note ?? 0, cls.score * 0.8));
  return { ...cls, label: 'credit_note', score: Math.round(score * 10000) / 10000, note: `titled "${title}"` };
}
