import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EInvoice } from '../../src-shared/einvoice.ts';
import { parseEInvoice } from './read-einvoice.ts';
import { validateEn16931 } from './validate-en16931.ts';

const read = (name: string) => parseEInvoice(fs.readFileSync(path.join(__dirname, 'fixtures', name)));
const rules = (inv: EInvoice) => validateEn16931(inv).map((v) => v.rule);

describe('EN 16931 checks on the XML', () => {
  it('finds nothing wrong with well-formed invoices of every syntax', () => {
    for (const f of ['cii-xrechnung.xml', 'zugferd1-basic.xml', 'ubl-invoice.xml', 'ubl-credit-note.xml']) expect([f, validateEn16931(read(f))]).toEqual([f, []]);
  });

  it('finds nothing wrong with valid invoices of other producers: XRechnung sub-lines, Factur-X MINIMUM', () => {
    for (const f of ['cii-sub-lines.xml', 'facturx-minimum.xml']) expect([f, validateEn16931(read(f))]).toEqual([f, []]);
  });

  it('still asks a MINIMUM invoice for what its profile carries', () => {
    const inv = read('facturx-minimum.xml');
    expect(rules({ ...inv, totals: { ...inv.totals, grandTotal: '671.25' } })).toEqual(['BR-CO-15']);
    expect(rules({ ...inv, number: null, totals: { ...inv.totals, taxBasis: null } })).toEqual(['BR-02', 'BR-13']);
  });

  it('names each missing mandatory business term', () => {
    const inv = read('ubl-invoice.xml');
    const broken: EInvoice = { ...inv, number: null, issueDate: null, currency: null, seller: { ...inv.seller, name: null }, buyer: { ...inv.buyer, name: null }, totals: { ...inv.totals, grandTotal: null } };
    const v = validateEn16931(broken);
    expect(v.map((x) => x.rule)).toEqual(expect.arrayContaining(['BR-02', 'BR-03', 'BR-05', 'BR-06', 'BR-07', 'BR-14']));
    expect(v.find((x) => x.rule === 'BR-06')!.message).toBe("the seller's name (BT-27) is missing");
  });

  it('checks that the lines add up to the sum of lines', () => {
    const inv = read('cii-xrechnung.xml');
    const v = validateEn16931({ ...inv, lines: [inv.lines[0]!, { ...inv.lines[1]!, lineTotal: '31.00' }] });
    expect(v).toContainEqual({ rule: 'BR-CO-10', message: 'the 2 line net amounts add up to 121.00, but the sum of lines (BT-106) says 120.00' });
  });

  it('checks total without VAT plus VAT equals the total with VAT', () => {
    const inv = read('cii-xrechnung.xml');
    expect(validateEn16931({ ...inv, totals: { ...inv.totals, grandTotal: '139.30' } })).toContainEqual({
      rule: 'BR-CO-15',
      message: 'the total without VAT 120.00 plus VAT 19.20 is 139.20, but the total with VAT (BT-112) says 139.30',
    });
  });

  it('checks the VAT of each rate is its basis times its rate, to the cent', () => {
    const inv = read('cii-xrechnung.xml');
    const v = validateEn16931({ ...inv, taxes: [{ ...inv.taxes[0]!, amount: '17.50' }, inv.taxes[1]!] });
    expect(v).toContainEqual({ rule: 'BR-CO-17', message: 'VAT at 19% of 90.00 is 17.10, but the invoice says 17.50' });
    expect(rules(v.length ? { ...inv, taxes: [{ ...inv.taxes[0]!, amount: '17.11' }, inv.taxes[1]!], totals: { ...inv.totals, taxTotal: '19.21', grandTotal: '139.21', payable: '139.21' } } : inv)).not.toContain('BR-CO-17');
  });

  it('checks the amount due is the total less what was paid in advance', () => {
    const inv = read('cii-xrechnung.xml');
    expect(rules({ ...inv, totals: { ...inv.totals, prepaid: '39.20', payable: '100.00' } })).not.toContain('BR-CO-16');
    expect(validateEn16931({ ...inv, totals: { ...inv.totals, prepaid: '39.20', payable: '139.20' } })).toContainEqual({
      rule: 'BR-CO-16',
      message: 'the total 139.20 minus the prepaid 39.20 is 100.00, but the amount due (BT-115) says 139.20',
    });
  });
});
