import { describe, expect, it } from 'vitest';
import type { DocClassifier } from '../classify/classifier.ts';
import { pagesFromLines } from '../extract/page-layout.ts';
import { loadBundledUnderstanding } from './pipeline-understanding.ts';

// A model that calls every page a credit note with high confidence: the contradiction the page's words must win.
const creditNoteModel: DocClassifier = {
  model: { name: 'always-credit-note', version: '0', sha256: '0', executionProvider: 'cpu' },
  classify: async (texts) => texts.map(() => ({ label: 'credit_note' as const, score: 0.93, scores: { credit_note: 0.93, invoice: 0.05, receipt: 0.01, other: 0.01 } })),
  close: async () => {},
};

describe('a document type the page overrules', () => {
  it('tells the reviewer the page decided the type, and what the model had said', async () => {
    const understanding = await loadBundledUnderstanding({ classifier: creditNoteModel });
    const page = pagesFromLines([
      'Nordlicht Bürobedarf GmbH · Hafenstrasse 12 · 20457 Hamburg',
      'RECHNUNG',
      'Rechnungsnummer: RE-2026-0007',
      'Rechnungsdatum: 02.11.2026',
      'Nettobetrag 100,00',
      'USt. 19% 19,00',
      'Gesamtbetrag EUR 119,00',
      'Zahlbar bis 02.12.2026',
      'IBAN: DE89 3704 0044 0532 0130 00',
      'USt-IdNr.: DE811907980',
    ]);
    const r = await understanding.understand(page, { documentId: 1, sha256: 'a'.repeat(64), findDuplicates: () => [], vendorHistoryCount: () => 0 });
    await understanding.close();
    expect(r.docType.label).toBe('invoice');
    expect(r.route.action).not.toBe('auto_approve');
    expect(r.route.reasons.join(' ')).toMatch(/typed invoice from the page's own words \(titled an invoice.*the model said credit note at 0\.93/);
  });
});
