import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { EInvoiceView } from '../components/EInvoiceView.tsx';
import { HelpOverlay, keyLabel } from '../components/HelpOverlay.tsx';
import { PageView, type Highlight } from '../components/PageView.tsx';
import { noteItemRendered, noteKey } from '../components/perf-marks.ts';
import { navigate } from '../components/router.ts';
import { actionFor, keyName, REJECT_REASONS } from '../review/keymap.ts';
import { explanations, focusRegion, maskValue, wordsInBox, type ReviewField } from '../review/review-logic.ts';
import { queueStore, reviewStore, useQueue, useReview, useSettings } from '../stores/app-stores.ts';

/** Keys typed into a text box or a dialog belong to it, not to the review shortcuts. */
const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function ReviewScreen({ taskId }: { taskId: number | null }) {
  const r = useReview((s) => s);
  const keymap = useSettings((s) => s.keymap);
  const queueLoaded = useQueue((s) => s.loaded || s.tasks.length > 0);

  // A deep link or a reload: start over the queue as shown, at the task in the address.
  useEffect(() => {
    if (!queueLoaded || reviewStore.getState().order.length) return;
    void reviewStore.getState().start(queueStore.getState().view.map((t) => t.id), taskId ?? undefined);
  }, [queueLoaded, taskId]);

  // The address follows the item without a navigation.
  useEffect(() => {
    if (r.task) history.replaceState(null, '', `#/review/${r.task.id}`);
  }, [r.task]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = reviewStore.getState();
      if (s.help) {
        if (e.key === 'Escape' || keyName(e) === keymap.help) {
          e.preventDefault();
          s.toggleHelp();
        }
        return;
      }
      if (s.rejecting || s.editing || isTyping(e.target)) return;
      const action = actionFor(keymap, keyName(e));
      if (!action) return;
      e.preventDefault();
      switch (action) {
        case 'approve':
          noteKey(e);
          return void s.approve();
        case 'reject':
          return s.task?.status === 'open' ? s.setRejecting(true) : undefined;
        case 'edit':
          return s.beginEdit();
        case 'nextField':
          return s.focusStep(1);
        case 'prevField':
          return s.focusStep(-1);
        case 'nextItem':
          noteKey(e);
          return void s.go(1);
        case 'prevItem':
          noteKey(e);
          return void s.go(-1);
        case 'undo':
          return void s.undo();
        case 'fullPage':
          return s.toggleFullPage();
        case 'openDocument':
          return s.task ? navigate({ screen: 'document', id: s.task.documentId }) : undefined;
        case 'queue':
          return navigate({ screen: 'queue' });
        case 'help':
          return s.toggleHelp();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keymap]);

  useLayoutEffect(() => {
    if (r.item && r.task) noteItemRendered();
  }, [r.item, r.task]);

  if (r.done || (queueLoaded && !r.task && !r.loading && r.order.length === 0)) {
    return (
      <section className="screen review" aria-labelledby="review-title">
        <h1 id="review-title">Review</h1>
        <p className="empty" data-testid="review-done">
          Nothing left to review here. <a href="#/queue">Back to the queue</a>
          {r.last && <> — or press <kbd>{keyLabel(keymap.undo)}</kbd> to undo the last decision.</>}
        </p>
        {r.notice && <Notice />}
      </section>
    );
  }
  if (!r.task) return <p className="screen">Loading…</p>;
  const { task, item } = r;
  const position = `${r.index + 1} of ${r.order.length}`;

  return (
    <section className="screen review" aria-labelledby="review-title" data-task-id={task.id}>
      <div className="screen-head">
        <h1 id="review-title">
          Review <span className="muted">{position}</span>
        </h1>
        <span className="file" data-testid="review-file">
          {task.fileName}
        </span>
        {task.status !== 'open' && (
          <span className="badge decided" data-testid="review-status">
            {task.decision ?? task.status}
          </span>
        )}
        <span className="hint">
          <kbd>{keyLabel(keymap.approve)}</kbd> accept · <kbd>{keyLabel(keymap.reject)}</kbd> reject · <kbd>{keyLabel(keymap.edit)}</kbd> edit ·{' '}
          <kbd>{keyLabel(keymap.help)}</kbd> all keys
        </span>
      </div>
      <Notice />
      {!item ? (
        <p aria-busy="true">Loading {task.fileName}…</p>
      ) : (
        <div className="review-body">
          <div className="review-page" aria-label={r.fullPage ? 'Full page' : 'The page region around the fields in question'}>
            {item.image ? (
              <PageView
                url={item.image.url}
                width={item.image.width}
                height={item.image.height}
                region={r.fullPage ? null : focusRegion(item.fields, r.focus, item.crop)}
                fitHeight="calc(100vh - 230px)"
                highlights={highlights(item.fields, r.focus, item.crop.page, item.detail.pages.find((p) => p.pageNo === item.crop.page)?.words ?? [])}
                alt={`Page ${item.crop.page} of ${task.fileName}${r.fullPage ? '' : ', cropped to the fields in question'}`}
              />
            ) : item.detail.einvoice?.invoice ? (
              <EInvoiceView invoice={item.detail.einvoice.invoice} mask={maskValue} />
            ) : (
              <p className="empty">No page image for this document.</p>
            )}
            <p className="muted">
              Page {item.crop.page} of {item.detail.pageCount ?? item.detail.pages.length} · <kbd>{keyLabel(keymap.fullPage)}</kbd> {r.fullPage ? 'crop' : 'full page'} ·{' '}
              <kbd>{keyLabel(keymap.openDocument)}</kbd> whole document
            </p>
          </div>
          <div className="review-facts">
            <p className="prediction" data-testid="prediction">
              {item.detail.docType ? (
                <>
                  Predicted <strong>{item.detail.docType}</strong>
                  {item.detail.docTypeScore !== null && <> ({Math.round(item.detail.docTypeScore * 100)}% calibrated)</>}
                </>
              ) : (
                'No type predicted'
              )}
              {item.detail.model && <span className="muted"> · {item.detail.model.name} {item.detail.model.version}</span>}
            </p>
            <Reasons reasons={explanations({ fields: {}, rules: item.detail.rules, route: null }, [])} routeReasons={task.reasons} />
            <FieldTable fields={item.fields} focus={r.focus} editing={r.editing} edits={r.edits} />
          </div>
        </div>
      )}
      {r.rejecting && <RejectDialog />}
      {r.help && <HelpOverlay keymap={keymap} onClose={() => reviewStore.getState().toggleHelp()} />}
    </section>
  );
}

function highlights(fields: ReviewField[], focus: string | null, page: number, words: { text: string; box: [number, number, number, number] }[]): Highlight[] {
  const out: Highlight[] = [];
  for (const f of fields) {
    const box = f.field?.box;
    if (!box || (f.field?.page ?? 1) !== page || f.masked) continue;
    if (f.inQuestion || f.name === focus) for (const w of wordsInBox(words, box)) out.push({ box: w.box, kind: 'word' });
    out.push({ box, kind: f.name === focus ? 'focus' : 'field', label: f.label });
  }
  return out;
}

function Notice() {
  const notice = useReview((s) => s.notice);
  if (!notice) return <div className="notice-slot" role="status" aria-live="polite" />;
  return (
    <div className={`notice-slot notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} aria-live="polite" data-testid="review-notice">
      {notice.text}
    </div>
  );
}

function FieldTable(props: { fields: ReviewField[]; focus: string | null; editing: string | null; edits: Record<string, string> }) {
  const focusRef = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (!props.editing) focusRef.current?.focus({ preventScroll: false });
  }, [props.focus, props.editing]);
  if (!props.fields.length) return <p className="empty">The engine extracted no fields.</p>;
  return (
    <table className="plain fields" aria-label="Extracted fields" data-testid="fields">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
          <th scope="col">Confidence</th>
        </tr>
      </thead>
      <tbody>
        {props.fields.map((f) => {
          const focused = f.name === props.focus;
          const edited = props.edits[f.name];
          const value = f.field?.value ?? '';
          return (
            <tr
              key={f.name}
              ref={focused ? focusRef : undefined}
              tabIndex={focused ? 0 : -1}
              className={`${f.inQuestion ? 'in-question' : ''} ${focused ? 'focused' : ''}`}
              aria-current={focused ? 'true' : undefined}
              data-field={f.name}
              onClick={() => f.inQuestion && reviewStore.getState().focusField(f.name)}
            >
              <th scope="row">
                {f.label}
                {f.inQuestion && <span className="badge ask" title="Below its threshold or named by a rule or reason">check</span>}
              </th>
              <td>
                {props.editing === f.name ? (
                  <FieldEditor label={f.label} initial={edited ?? value} />
                ) : f.masked ? (
                  <span className="masked" title="Sensitive and not needed for this decision">
                    {maskValue(value)}
                  </span>
                ) : edited !== undefined && edited !== value ? (
                  <span>
                    <del>{value || '—'}</del> <ins data-testid={`edited-${f.name}`}>{edited}</ins>
                  </span>
                ) : (
                  value || '—'
                )}
              </td>
              <td>
                <Confidence value={f.field?.confidence ?? 0} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FieldEditor({ label, initial }: { label: string; initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <input
      autoFocus
      aria-label={`New value for ${label}`}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onFocus={(e) => e.target.select()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          e.stopPropagation();
          reviewStore.getState().commitEdit(value);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          reviewStore.getState().cancelEdit();
        }
      }}
      onBlur={() => reviewStore.getState().cancelEdit()}
    />
  );
}

function Confidence({ value }: { value: number }) {
  const pct = Math.round(value * 100);
  return (
    <span className="confidence">
      <meter min={0} max={100} low={60} high={85} optimum={100} value={pct} aria-label={`confidence ${pct}%`} /> {pct}%
    </span>
  );
}

function Reasons({ reasons, routeReasons }: { reasons: string[]; routeReasons: string[] }) {
  return (
    <div className="reasons">
      <h2>Why it is here</h2>
      {routeReasons.length ? (
        <ul data-testid="route-reasons">
          {routeReasons.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">The policy gave no reason.</p>
      )}
      <h2>Failing rules</h2>
      {reasons.length ? (
        <ul data-testid="failing-rules">
          {reasons.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No rule failed.</p>
      )}
    </div>
  );
}

function RejectDialog() {
  const [choice, setChoice] = useState(0);
  const [other, setOther] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const confirm = (i: number) => {
    const reason = i < REJECT_REASONS.length ? REJECT_REASONS[i]! : other.trim();
    if (reason) void reviewStore.getState().reject(reason);
  };
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="reject-title"
      tabIndex={-1}
      ref={ref}
      data-testid="reject-dialog"
      onKeyDown={(e) => {
        const typing = isTyping(e.target);
        if (e.key === 'Escape') reviewStore.getState().setRejecting(false);
        else if (!typing && /^[1-9]$/.test(e.key) && Number(e.key) <= REJECT_REASONS.length) {
          e.preventDefault();
          confirm(Number(e.key) - 1);
        } else if (!typing && e.key === 'ArrowDown') setChoice((c) => Math.min(REJECT_REASONS.length, c + 1));
        else if (!typing && e.key === 'ArrowUp') setChoice((c) => Math.max(0, c - 1));
        else if (e.key === 'Enter') {
          e.preventDefault();
          confirm(choice);
        }
      }}
    >
      <div className="overlay-box">
        <h2 id="reject-title">Reject: why?</h2>
        <fieldset>
          <legend>Press a number, or move with the arrows and press Enter</legend>
          {REJECT_REASONS.map((reason, i) => (
            <label key={reason} className={choice === i ? 'chosen' : ''}>
              <input type="radio" name="reject-reason" checked={choice === i} onChange={() => setChoice(i)} tabIndex={-1} /> <kbd>{i + 1}</kbd> {reason}
            </label>
          ))}
          <label className={choice === REJECT_REASONS.length ? 'chosen' : ''}>
            <input type="radio" name="reject-reason" checked={choice === REJECT_REASONS.length} onChange={() => setChoice(REJECT_REASONS.length)} tabIndex={-1} /> Other:{' '}
            <input value={other} onChange={(e) => setOther(e.target.value)} onFocus={() => setChoice(REJECT_REASONS.length)} aria-label="Other reason" />
          </label>
        </fieldset>
        <button type="button" onClick={() => confirm(choice)}>
          Reject
        </button>{' '}
        <button type="button" onClick={() => reviewStore.getState().setRejecting(false)}>
          Cancel (Esc)
        </button>
      </div>
    </div>
  );
}
