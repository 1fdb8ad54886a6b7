import { describe, expect, it } from 'vitest';
import { rowsOf, pagesFromLines } from './page-layout.ts';
import { cleanVendorName, extractVendor, extractVendorAddress } from './extract-vendor.ts';

const vendorOf = (lines: string[]) => extractVendor(rowsOf(pagesFromLines(lines)))?.value;

describe('extractVendor', () => {
  it('skips titles, phone numbers and registration numbers', () => {
    expect(vendorOf(['TAX INVOICE', 'TEL: 03-7805 7889', '(1095514-X)', 'KEDAI RUNCIT AH HOCK', 'NO 5, JALAN SS2/10'])).toBe('KEDAI RUNCIT AH HOCK');
    expect(vendorOf(['GOODS SOLD ARE NOT RETURNABLE THANK YOU', 'SLF CASH & CARRY', '(002107265-V)'])).toBe('SLF CASH & CARRY');
  });
  it('prefers a line with a legal form and joins names broken over lines', () => {
    expect(vendorOf(['GEOVENTURE', 'TASTE OF THE WORLD SDN BHD', '965857-A'])).toBe('TASTE OF THE WORLD SDN BHD');
    expect(vendorOf(['POPULAR BOOK', 'CO. (M) SDN BHD', '(CO. NO. 113825-W)'])).toBe('POPULAR BOOK CO. (M) SDN BHD');
    expect(vendorOf(['HOME MASTER HARDWARE &', 'ELECTRICAL', 'NO.113G & 115G, JALAN SETIA'])).toBe('HOME MASTER HARDWARE & ELECTRICAL');
  });
  it('cuts registration numbers and till counters', () => {
    expect(vendorOf(['99 SPEED MART S/B (519537-X)', 'LOT P.T. 2811, JALAN ANGSA'])).toBe('99 SPEED MART S/B');
    expect(vendorOf(['#000002 BAIFU (M) SDN BHD', 'COMPANY NO(814198-X)'])).toBe('BAIFU (M) SDN BHD');
    expect(cleanVendorName('DION REALTIES SDN BHD (CO. NO:20154-T)')).toBe('DION REALTIES SDN BHD');
    expect(cleanVendorName('QualityHosting AG - Uferweg 40-42 - D-63571 Gelnhausen')).toBe('QualityHosting AG');
  });
  it('takes an explicit "Sold by" label', () => {
    expect(vendorOf(['Retail Invoices/Bill', 'Sold By : WS Retail Services Pvt. Ltd.,', 'Order ID: OD1234'])).toBe('WS Retail Services Pvt. Ltd.');
  });
  it('skips OCR junk from logos', () => {
    expect(vendorOf(['Pa A < 4 3 3', 'i j { Kg ee { te', 'SELASIH EKSLUSIF SDN BHD'])).toBe('SELASIH EKSLUSIF SDN BHD');
  });
  it('keeps names whose legal form has short parts, and short names before a dotted legal form', () => {
    expect(vendorOf(['FAKTURA', 'Hurtownia Budowlana Sp. z o.o.', 'ul. Prosta 1, 00-850 Warszawa'])).toBe('Hurtownia Budowlana Sp. z o.o.');
    expect(vendorOf(['BEM ED (SP) SDN. BHD.', 'No.49, Jalan Dinar G U3G'])).toBe('BEM ED (SP) SDN. BHD.');
  });
  it('reads the seller under its heading, not the buyer printed beside it', () => {
    expect(
      vendorOf([
        'Kaufer                   RECHNUNGS-KORREKTUR',
        'Lieferant                GLN 4304171000002',
        'Lief-Nr: 549910            MUSTER-KUNDE GMBH',
        'MUSTERLIEFERANT GMBH',
        'BAHNHOFSTRASSE 99        KUNDENWEG 88',
      ]),
    ).toBe('MUSTERLIEFERANT GMBH');
  });
  it('reads "From" as the seller\'s heading only beside the buyer\'s, not as a service period\'s column', () => {
    expect(vendorOf(['INVOICE', 'FROM                    BILL TO', 'Redwood Data Consulting   Summit Outdoor Gear Inc.', 'Total:   $6,750.00'])).toBe('Redwood Data Consulting');
    expect(
      vendorOf([
        'Northwind Traders GmbH',
        'Hauptstrasse 1, 10115 Berlin',
        'Invoice No: 2024-117      Date: 04.03.2024',
        '',
        'Description          From          To            Amount',
        'Hosting              01.03.2024    31.03.2024    100,00',
        'Support Plan Gold    01.03.2024    31.03.2024    50,00',
        'Total                                            150,00 EUR',
      ]),
    ).toBe('Northwind Traders GmbH');
  });
  it('finds the address under the vendor', () => {
    const rows = rowsOf(pagesFromLines(['INDAH GIFT & HOME DECO', '27,JALAN DEDAP 13,', 'TAMAN JOHOR JAYA,', '81100 JOHOR BAHRU,JOHOR.', 'TEL:07-3507405']));
    const vendor = extractVendor(rows);
    expect(extractVendorAddress(rows, vendor)?.value).toBe('27,JALAN DEDAP 13, TAMAN JOHOR JAYA, 81100 JOHOR BAHRU,JOHOR.');
  });
});
