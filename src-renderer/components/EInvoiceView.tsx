import type { EInvoice, EInvoiceParty } from '../../src-shared/einvoice.ts';

const TITLES: Record<string, string> = { invoice: 'Invoice', credit_note: 'Credit note' };

/** "1234.5" → "1,234.50"; amounts with more decimals (unit prices) keep them. */
function money(value: string | null, currency: string | null): string {
  if (value === null) return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const decimals = Math.max(2, value.split('.')[1]?.length ?? 0);
  return `${n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${currency ? ` ${currency}` : ''}`;
}

function Party({ title, party, mask }: { title: string; party: EInvoiceParty; mask: (v: string) => string }) {
  return (
    <address className="einvoice-party">
      <span className="muted">{title}</span>
      <strong>{party.name ?? '(no name)'}</strong>
      {party.addressLines.map((l, i) => (
        <span key={i}>{l}</span>
      ))}
      {party.country && <span>{party.country}</span>}
      {party.vatId && <span>VAT ID {mask(party.vatId)}</span>}
      {party.taxNumber && <span>Tax number {mask(party.taxNumber)}</span>}
      {party.email && <span>{party.email}</span>}
    </address>
  );
}

/**
 * A structured e-invoice (XML without a printed page) laid out as a clerk reads an invoice:
 * parties, lines, VAT per rate, totals and payment. Never the raw XML.
 */
export function EInvoiceView({ invoice: inv, mask = (v) => v }: { invoice: EInvoice; mask?: (value: string) => string }) {
  const cur = inv.currency;
  const t = inv.totals;
  const totals: [string, string | null][] = [
    ['Sum of lines', t.lineTotal],
    ['Allowances', t.allowanceTotal && Number(t.allowanceTotal) !== 0 ? t.allowanceTotal : null],
    ['Charges', t.chargeTotal && Number(t.chargeTotal) !== 0 ? t.chargeTotal : null],
    ['Total without VAT', t.taxBasis],
    ['VAT', t.taxTotal],
    ['Total', t.grandTotal],
    ['Paid in advance', t.prepaid && Number(t.prepaid) !== 0 ? t.prepaid : null],
    ['Amount due', t.payable],
  ];
  return (
    <article className="einvoice" aria-label={`${TITLES[inv.docType] ?? 'Invoice'} ${inv.number ?? ''}`} data-testid="einvoice-view">
      <header>
        <h2>
          {TITLES[inv.docType] ?? 'Invoice'} {inv.number}
        </h2>
        <dl className="einvoice-dates">
          {inv.issueDate && (
            <>
              <dt>Issued</dt>
              <dd>{inv.issueDate}</dd>
            </>
          )}
          {inv.dueDate && (
            <>
              <dt>Due</dt>
              <dd>{inv.dueDate}</dd>
            </>
          )}
          {inv.poNumber && (
            <>
              <dt>Order</dt>
              <dd>{inv.poNumber}</dd>
            </>
          )}
          {inv.buyerReference && (
            <>
              <dt>Buyer reference</dt>
              <dd>{inv.buyerReference}</dd>
            </>
          )}
        </dl>
      </header>
      <div className="einvoice-parties">
        <Party title="From" party={inv.seller} mask={mask} />
        <Party title="To" party={inv.buyer} mask={mask} />
      </div>
      {inv.lines.length > 0 && (
        <table className="plain einvoice-lines">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Description</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
              <th scope="col">VAT</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {inv.lines.map((l, i) => (
              <tr key={i}>
                <td>{l.id ?? i + 1}</td>
                <td>{l.name}</td>
                <td className="num">
                  {l.quantity ?? ''} {l.unitCode ?? ''}
                </td>
                <td className="num">{money(l.netPrice, null)}</td>
                <td className="num">{l.taxRate !== null ? `${l.taxRate}%` : ''}</td>
                <td className="num">{money(l.lineTotal, null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="einvoice-sums">
        {inv.taxes.length > 0 && (
          <table className="plain einvoice-taxes" aria-label="VAT breakdown">
            <tbody>
              {inv.taxes.map((x, i) => (
                <tr key={i}>
                  <th scope="row">
                    VAT {x.rate ?? '?'}% ({x.category ?? '?'}){x.exemptionReason ? ` — ${x.exemptionReason}` : ''}
                  </th>
                  <td className="num">on {money(x.basis, cur)}</td>
                  <td className="num">{money(x.amount, cur)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <table className="plain einvoice-totals" aria-label="Totals">
          <tbody>
            {totals
              .filter(([, v]) => v !== null)
              .map(([label, v]) => (
                <tr key={label} className={label === 'Total' || label === 'Amount due' ? 'strong' : undefined}>
                  <th scope="row">{label}</th>
                  <td className="num">{money(v, cur)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {(inv.ibans.length > 0 || inv.paymentTerms) && (
        <section className="einvoice-payment">
          <h3>Payment</h3>
          {inv.ibans.map((iban) => (
            <p key={iban} className="mono">
              IBAN {mask(iban)}
            </p>
          ))}
          {inv.paymentTerms && <p>{inv.paymentTerms}</p>}
        </section>
      )}
      {inv.notes.length > 0 && (
        <section className="einvoice-notes">
          <h3>Notes</h3>
          {inv.notes.map((n, i) => (
            <p key={i}>{n}</p>
          ))}
        </section>
      )}
      <footer className="muted">
        {inv.syntax}
        {inv.profile ? ` · ${inv.profile}` : ''}
        {inv.typeCode ? ` · type code ${inv.typeCode}` : ''}
      </footer>
    </article>
  );
}
