import { describe, expect, it } from 'vitest';
import { fieldValues as read } from '../testing/field-values.ts';

// Hand-written in the shape of real invoices from each country; no producer's layout copied.
describe('invoices in Polish, Czech, Swedish, Portuguese and Finnish', () => {
  it('Polish: Faktura nr, Data wystawienia, Sprzedawca, NIP, Należność ogółem in PLN', () => {
    const f = read([
      'Faktura VAT nr: FV/2021/01/0042                Data wystawienia: 2021-01-15',
      'Termin płatności: 2021-01-29',
      'Sprzedawca: Hurtownia Budowlana Sp. z o.o.',
      'NIP:               774-00-01-454',
      'Nabywca:           Jan Kowalski',
      'Razem:         257,59     59,24      316,83',
      'Należność ogółem: 316,83 PLN',
    ]);
    expect(f.documentNumber).toBe('FV/2021/01/0042');
    expect(f.issueDate).toBe('2021-01-15');
    expect(f.dueDate).toBe('2021-01-29');
    expect(f.vendor).toBe('Hurtownia Budowlana Sp. z o.o.');
    expect(f.vendorTaxId?.replace(/\W/g, '')).toBe('7740001454');
    expect(f.total).toBe('316.83');
    expect(f.currency).toBe('PLN');
  });

  it('Czech: amounts grouped by spaces, Základ daně, DPH, Celkem k úhradě in Kč', () => {
    const f = read([
      'FAKTURA - DAŇOVÝ DOKLAD',
      'Dodavatel: Novák Stavby s.r.o.',
      'IČ: 27654321   DIČ: CZ27654321',
      'Číslo faktury: 2024100057',
      'Datum vystavení: 05.03.2024',
      'Datum splatnosti: 19.03.2024',
      'Základ daně                                      12 000,00',
      'DPH 21 %                                          2 520,00',
      'Celkem k úhradě                                  14 520,00 Kč',
    ]);
    expect(f.documentNumber).toBe('2024100057');
    expect(f.issueDate).toBe('2024-03-05');
    expect(f.dueDate).toBe('2024-03-19');
    expect(f.subtotal).toBe('12000.00');
    expect(f.tax).toBe('2520.00');
    expect(f.total).toBe('14520.00');
    expect(f.currency).toBe('CZK');
    expect(f.vendorTaxId).toBe('CZ27654321');
  });

  it('Swedish: Fakturanummer, Förfallodatum, moms, Att betala in SEK', () => {
    const f = read([
      'Byggvaror Norrland AB',
      'FAKTURA',
      'Fakturanummer: 88231',
      'Fakturadatum: 2024-02-14',
      'Förfallodatum: 2024-03-15',
      'Summa exkl. moms                       960,00',
      'Moms 25 %                              240,00',
      'Att betala                          1 200,00 SEK',
    ]);
    expect(f.documentNumber).toBe('88231');
    expect(f.issueDate).toBe('2024-02-14');
    expect(f.dueDate).toBe('2024-03-15');
    expect(f.subtotal).toBe('960.00');
    expect(f.tax).toBe('240.00');
    expect(f.total).toBe('1200.00');
    expect(f.currency).toBe('SEK');
  });

  it('Portuguese and Finnish: Data de emissão / vencimento, Total a pagar; Laskun päivämäärä, Eräpäivä, Veroton, ALV', () => {
    const pt = read([
      'Papelaria Central, Lda',
      'Fatura n.º FT 2024/318',
      'Data de emissão: 12-04-2024',
      'Data de vencimento: 12-05-2024',
      'Total sem IVA                        45,00',
      'IVA 23%                              10,35',
      'Total a pagar                        55,35 €',
    ]);
    expect(pt).toMatchObject({ issueDate: '2024-04-12', dueDate: '2024-05-12', subtotal: '45.00', tax: '10.35', total: '55.35', currency: 'EUR' });
    const fi = read([
      'Siivous Oy',
      'LASKU',
      'Laskun numero: 5521',
      'Laskun päivämäärä: 01.06.2024',
      'Eräpäivä: 15.06.2024',
      'Veroton yhteensä               400,00',
      'ALV 25,5 %                     102,00',
      'Yhteensä                       502,00 EUR',
    ]);
    expect(fi).toMatchObject({ documentNumber: '5521', issueDate: '2024-06-01', dueDate: '2024-06-15', subtotal: '400.00', tax: '102.00', total: '502.00' });
  });

  it('keeps a quantity and a price apart when a column gap separates them', () => {
    const f = read(['Rechnung Nr. 12', 'Ersatzteile   1   474,56 €   474,56 €', 'Gesamtbetrag   474,56 €']);
    expect(f.total).toBe('474.56');
  });

  it('reads no currency from a code-like word beside a whole number ("2 PEN", a Malaysian "SEK 13" address)', () => {
    const f = read(['KEDAI BUKU ABC', 'NO 5, JALAN 13/2, SEK 13,', '40100 SHAH ALAM', '2 PEN BLUE 3.00', '1 PEN RED 1.50', 'TOTAL 4.50']);
    expect(f.currency).toBeUndefined();
    expect(read(['Faktura', 'Razem SEK 1 200,00'])).toMatchObject({ currency: 'SEK' });
  });
});

describe('the short Nordic, Finnish, Czech and Polish words for "total"', () => {
  it('do not make the tax total or the net total a candidate for the amount payable', () => {
    const f = read(['Byggvaror Norrland AB', 'FAKTURA', 'Fakturanummer: 88231', 'Netto          1 000,00', 'Moms i alt       250,00', 'I alt          1 250,00 DKK']);
    expect(f.total).toBe('1250.00');
    expect(f.tax).toBe('250.00');
    const cz = read(['FAKTURA', 'Celkem bez DPH      12 000,00', 'DPH celkem           2 520,00', 'Celkem k úhradě     14 520,00 Kč']);
    expect(cz.total).toBe('14520.00');
  });
});
