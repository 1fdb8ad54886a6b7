/**
 * Writes small, valid PDFs for tests: each page a list of text lines in Helvetica. Byte offsets in the
 * xref table are computed, so pdf.js reads them without repair.
 */
export function makeTextPdf(pages: string[][], opts: { pageSize?: [number, number] } = {}): Buffer {
  const [w, h] = opts.pageSize ?? [595, 842];
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1; // object numbers start at 1
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const lines of pages) {
    const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
    const ops = lines.map((l, i) => `BT /F1 11 Tf 50 ${h - 60 - i * 16} Td (${esc(l)}) Tj ET`).join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A plausible one-page invoice, for tests that need a digital document without the corpus. */
export function sampleInvoiceLines(n: number): string[] {
  const total = (100 + n * 7.25).toFixed(2);
  return [
    'ACME Office Supplies GmbH',
    'Hauptstrasse 1, 10115 Berlin',
    'VAT ID: DE123456789',
    `Invoice number: INV-2024-${String(n).padStart(4, '0')}`,
    'Invoice date: 04.03.2024',
    'Due date: 03.04.2024',
    'Description                Qty     Amount',
    `Paper A4                     1     ${total}`,
    `Subtotal                            ${total}`,
    'VAT 0%                              0.00',
    `Total EUR                           ${total}`,
    'IBAN: DE89 3704 0044 0532 0130 00',
  ];
}
