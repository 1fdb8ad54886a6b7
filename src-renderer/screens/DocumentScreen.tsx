import { useEffect, useState } from 'react';
import type { DocumentDetail } from '../../src-shared/contract/documents.ts';
import { EInvoiceView } from '../components/EInvoiceView.tsx';
import { PageView } from '../components/PageView.tsx';
import { FIELD_LABELS, maskValue } from '../review/review-logic.ts';
import { browserImageLoader, type PageImage } from '../stores/review-store.ts';
import { client } from '../stores/app-stores.ts';

/** One document: every page (zoom, text overlay) and everything the engine recorded about it. */
export function DocumentScreen({ id }: { id: number }) {
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zoom, setZoom] = useState(1);
  const [showText, setShowText] = useState(false);
  const [reveal, setReveal] = useState(false);

  useEffect(() => {
    setDoc(null);
    client.call('documents.get', { id }).then(setDoc, (e: Error) => setError(e.message));
  }, [id]);

  if (error) return <p className="screen notice error" role="alert">{error}</p>;
  if (!doc) return <p className="screen">Loading…</p>;
  const pageCount = doc.pageCount ?? doc.pages.length;

  return (
    <section className="screen document" aria-labelledby="doc-title">
      <div className="screen-head">
        <h1 id="doc-title">{doc.fileName}</h1>
        <span className="badge">{doc.status}</span>
        <div className="toolbar" role="toolbar" aria-label="Page view">
          <button type="button" onClick={() => setZoom((z) => Math.max(0.25, z - 0.25))} aria-label="Zoom out">
            −
          </button>
          <span aria-live="polite">{Math.round(zoom * 100)}%</span>
          <button type="button" onClick={() => setZoom((z) => Math.min(3, z + 0.25))} aria-label="Zoom in">
            +
          </button>
          <label>
            <input type="checkbox" checked={showText} onChange={(e) => setShowText(e.target.checked)} /> Text overlay
          </label>
          <button type="button" onClick={() => history.back()}>
            Back
          </button>
        </div>
      </div>
      <div className="document-body">
        <div className="pages">
          {doc.textSource === 'xml' && doc.einvoice?.invoice ? (
            <EInvoiceView invoice={doc.einvoice.invoice} mask={reveal ? undefined : maskValue} />
          ) : (
            Array.from({ length: pageCount }, (_, i) => <DocumentPage key={i} doc={doc} pageNo={i + 1} zoom={zoom} showText={showText} />)
          )}
          {pageCount === 0 && <p className="empty">No pages were recorded{doc.error ? `: ${doc.error.message}` : ''}.</p>}
        </div>
        <aside className="facts" aria-label="What the engine recorded">
          <dl>
            <dt>Type</dt>
            <dd>{doc.docType ? `${doc.docType} (${Math.round((doc.docTypeScore ?? 0) * 100)}%)` : '—'}</dd>
            <dt>Route</dt>
            <dd>{doc.route ? `${doc.route.action}${doc.route.reasons.length ? `: ${doc.route.reasons.join('; ')}` : ''} (policy ${doc.route.policyVersion})` : '—'}</dd>
            <dt>Text</dt>
            <dd>{doc.textSource ? `${{ ocr: 'OCR', pdf_text: 'PDF text', xml: 'E-invoice XML' }[doc.textSource]} (${doc.textEngine})` : '—'}</dd>
            {doc.einvoice && (
              <>
                <dt>E-invoice</dt>
                <dd>
                  {doc.einvoice.invoice
                    ? `${doc.einvoice.attachment ? `${doc.einvoice.attachment}, ` : ''}${doc.einvoice.invoice.syntax}${doc.einvoice.invoice.profile ? `, ${doc.einvoice.invoice.profile}` : ''}`
                    : `${doc.einvoice.attachment ?? 'XML'} not used: ${doc.einvoice.error?.message ?? ''}`}
                </dd>
              </>
            )}
            <dt>Model</dt>
            <dd>{doc.model ? `${doc.model.name} ${doc.model.version} on ${doc.model.executionProvider}` : '—'}</dd>
            <dt>SHA-256</dt>
            <dd className="mono">{doc.sha256}</dd>
            <dt>Source</dt>
            <dd className="mono">{doc.sourcePath ?? 'uploaded'}</dd>
            {doc.error && (
              <>
                <dt>Error</dt>
                <dd>
                  {doc.error.code}: {doc.error.message}
                </dd>
              </>
            )}
          </dl>
          <h2>Fields</h2>
          <label>
            <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} /> Show sensitive values
          </label>
          <table className="plain">
            <tbody>
              {Object.entries(doc.fields).map(([name, f]) => (
                <tr key={name}>
                  <th scope="row">{FIELD_LABELS[name] ?? name}</th>
                  <td>{doc.sensitiveFields.includes(name) && !reveal ? maskValue(f.value) : f.value}</td>
                  <td>{Math.round(f.confidence * 100)}%</td>
                  <td className="muted">{f.source ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {doc.lineItems.length > 0 && (
            <>
              <h2>Line items</h2>
              <table className="plain">
                <tbody>
                  {doc.lineItems.map((li, i) => (
                    <tr key={i}>
                      <td>{li.description}</td>
                      <td>{li.quantity ?? ''}</td>
                      <td>{li.amount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h2>Rules</h2>
          <ul>
            {doc.rules.map((r) => (
              <li key={r.id} className={r.passed ? 'passed' : 'failed'}>
                {r.passed ? '✓' : '✗'} {r.id}: {r.detail}
              </li>
            ))}
            {!doc.rules.length && <li className="muted">No rules ran.</li>}
          </ul>
          <h2>Stages</h2>
          <table className="plain">
            <tbody>
              {doc.stageRuns.map((s, i) => (
                <tr key={i}>
                  <td>{s.stage}</td>
                  <td>{s.status}</td>
                  <td>{Math.round(s.durationMs)} ms</td>
                  <td className="muted">{s.engine ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </aside>
      </div>
    </section>
  );
}

function DocumentPage({ doc, pageNo, zoom, showText }: { doc: DocumentDetail; pageNo: number; zoom: number; showText: boolean }) {
  const [img, setImg] = useState<PageImage | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    client.call('documents.pageImage', { id: doc.id, page: pageNo, maxWidth: 1600 }).then(browserImageLoader).then(setImg, (e: Error) => setFailed(e.message));
  }, [doc.id, pageNo]);
  const page = doc.pages.find((p) => p.pageNo === pageNo);
  return (
    <figure className="page">
      {img ? (
        <PageView url={img.url} width={img.width} height={img.height} words={page?.words ?? []} showText={showText} zoom={zoom} alt={`Page ${pageNo} of ${doc.fileName}`} />
      ) : (
        <p className="muted">{failed ?? 'Rendering…'}</p>
      )}
      <figcaption>
        Page {pageNo}
        {page ? ` · ${page.words.length} words via ${page.engine}` : ''}
      </figcaption>
    </figure>
  );
}
