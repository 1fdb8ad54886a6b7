import { describe, expect, it } from 'vitest';
import { namesBilledParty } from '../classify/type-evidence.ts';
import { buyerBlockSegments } from './buyer-block.ts';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines, rowsOf } from './page-layout.ts';

describe('cues that must not fire on look-alike wording', () => {
  it('a cash sale\'s "Buyer: Cash" and a payment sentence "Invoice to pay by wire" name no billed party', () => {
    expect(namesBilledParty('TAX INVOICE\nBuyer: Cash\nTOTAL 12.00')).toBe(false);
    expect(namesBilledParty('Invoice to pay by wire transfer to the following bank account:')).toBe(false);
    expect(namesBilledParty('INVOICE\nBill To:\nAcme Ltd')).toBe(true);
  });

  it('a memo\'s "To:" block ends at the "From:" heading below it', () => {
    const rows = rowsOf(pagesFromLines(['INVOICE', 'To:', 'Acme Buyer Ltd', 'From:', 'Seller GmbH', 'Invoice No. 12']));
    const block = [...buyerBlockSegments(rows)].map((k) => k.split(':').slice(1).join(':'));
    expect(block).toContain('Acme Buyer Ltd');
    expect(block).not.toContain('Seller GmbH');
  });

  it('a Swiss "SA" over its postcode does not make a bare $ Australian', () => {
    const { fields } = extractDocument(pagesFromLines(['Nestlé SA', '1800 Vevey', 'Invoice No. 4411', 'Total $ 1,200.00']), { docType: 'invoice' });
    expect(fields.currency?.value).not.toBe('AUD');
  });
});
