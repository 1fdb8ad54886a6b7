import fs from 'node:fs';
import path from 'node:path';
import { makeTextPdf } from '../testing/make-pdf.ts';

/** What each kind of document in the learning-loop test says, and the type a reviewer gives it. */
const KINDS: { label: string; lines: (n: number) => string[] }[] = [
  { label: 'purchase_order', lines: (n) => ['PURCHASE ORDER', `PO number: PO-${7000 + n}`, 'Please deliver to our warehouse', 'Item            Qty   Unit price', `Steel bolts M8   ${10 + n}    0.40`, 'Delivery date: 12.05.2024', 'Buyer: Northwind Traders'] },
  { label: 'bank_statement', lines: (n) => ['Account statement', `Statement no. ${n}`, 'IBAN DE02 1203 0000 0000 2020 51', 'Opening balance 1,204.22', 'Transfer to ACME -120.00', 'Card payment -15.90', 'Closing balance 1,068.32'] },
  { label: 'credit_note', lines: (n) => ['CREDIT NOTE', `Credit note no. CN-${300 + n}`, 'Reference: invoice INV-2024-0042', 'Returned goods: 2 x toner', 'Amount credited EUR -89.00', 'The amount will be refunded to your account'] },
  { label: 'other', lines: (n) => ['Minutes of the board meeting', `Meeting ${n}, held on 3 March`, 'Present: A. Smith, B. Jones', 'The board discussed the annual plan', 'Next meeting in April'] },
];

/** Text PDFs of kinds the policy always sends to review, numbered from `start`, written to `dir`; returns their paths. */
export function loopDocuments(dir: string, start: number, n: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const k = KINDS[(start + i) % KINDS.length]!;
    const file = path.join(dir, `${k.label}-${start + i}.pdf`);
    fs.writeFileSync(file, makeTextPdf([k.lines(start + i)]));
    return file;
  });
}

export const loopLabelOf = (file: string): string => path.basename(file).replace(/-\d+\.pdf$/, '');
