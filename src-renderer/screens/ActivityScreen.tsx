import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry, AuditVerifyResult } from '../../src-shared/contract/audit.ts';
import { client } from '../stores/app-stores.ts';

const PAGE = 200;
/** Offered in the event filter, which matches an event name exactly. */
const KNOWN_EVENTS = ['task.created', 'task.approved', 'task.corrected', 'task.rejected', 'task.undone', 'document.ingested', 'text.extracted', 'document.classified', 'document.routed', 'document.processed', 'document.failed', 'document.duplicate'];

function summary(e: AuditEntry): string {
  const d = e.data as { changes?: { field: string; oldValue: string | null; newValue: string | null }[]; reason?: string; fileName?: string; timeSpentMs?: number; taskId?: number };
  const parts: string[] = [];
  if (d.taskId !== undefined) parts.push(`task ${d.taskId}`);
  if (d.fileName) parts.push(d.fileName);
  if (d.reason) parts.push(`reason: ${d.reason}`);
  for (const c of d.changes ?? []) parts.push(`${c.field}: ${c.oldValue ?? '∅'} → ${c.newValue ?? '∅'}`);
  if (d.timeSpentMs !== undefined) parts.push(`${(d.timeSpentMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

/** The audit log, newest first, with the chain check and an export. */
export function ActivityScreen() {
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [event, setEvent] = useState('');
  const [actor, setActor] = useState('');
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (offset = 0) => {
      try {
        const r = await client.call('audit.list', { offset, limit: PAGE, ...(event ? { event } : {}), ...(actor ? { actor } : {}) });
        setItems((prev) => (offset ? [...prev, ...r.items] : r.items));
        setTotal(r.total);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [event, actor],
  );
  useEffect(() => void load(0), [load]);

  const exportLog = async () => {
    const { entries } = await client.call('audit.export', {});
    const url = URL.createObjectURL(new Blob([entries.map((e) => JSON.stringify(e)).join('\n') + '\n'], { type: 'application/x-ndjson' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `countersign-audit-${new Date().toISOString().slice(0, 10)}.jsonl`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section className="screen activity" aria-labelledby="activity-title">
      <div className="screen-head">
        <h1 id="activity-title">Activity</h1>
        <button type="button" onClick={() => void client.call('audit.verify', {}).then(setVerify, (e: Error) => setError(e.message))}>
          Verify chain
        </button>
        <button type="button" onClick={() => void exportLog()}>
          Export (JSON Lines)
        </button>
      </div>
      {verify && (
        <p className={`notice ${verify.ok ? 'ok' : 'error'}`} role="status" data-testid="verify-result">
          {verify.ok
            ? `Audit chain intact: ${verify.entries} entries, head ${verify.headHash?.slice(0, 16) ?? '(empty)'}…`
            : `Audit chain BROKEN at entry ${verify.firstBad?.seq}: ${verify.firstBad?.problem}`}
        </p>
      )}
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <label>
          Event
          <input type="search" list="audit-events" value={event} onChange={(e) => setEvent(e.target.value)} placeholder="task.approved" />
          <datalist id="audit-events">
            {KNOWN_EVENTS.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
        </label>
        <label>
          Actor
          <input type="search" value={actor} onChange={(e) => setActor(e.target.value)} />
        </label>
        <span role="status" data-testid="audit-count">
          {items.length} of {total} entries
        </span>
      </form>
      <div className="table-wrap">
        <table className="plain audit" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Event</th>
              <th scope="col">Details</th>
              <th scope="col">Model / policy</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.seq} data-event={e.event}>
                <td>{e.seq}</td>
                <td>{new Date(e.ts).toLocaleString()}</td>
                <td>{e.actor}</td>
                <td>{e.event}</td>
                <td>{summary(e)}</td>
                <td className="muted">
                  {e.model ? `${e.model.name} ${e.model.version}` : ''}
                  {e.policyVersion ? ` · ${e.policyVersion}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.length < total && (
        <button type="button" onClick={() => void load(items.length)}>
          Load more
        </button>
      )}
    </section>
  );
}
