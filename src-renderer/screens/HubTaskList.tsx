import { useEffect, useRef, useState } from 'react';
import { formatAge } from '../review/review-logic.ts';
import { hubStore, settingsStore, useHub } from '../stores/app-stores.ts';
import { hubTaskState, localDocumentId, type HubTaskItem } from '../stores/hub-store.ts';

/**
 * Hub tasks beside the local queue. They carry metadata only (the document stays on the device
 * that holds it), so the reviewer decides from the reference, type and shared fields. Nothing shows
 * while this device is not connected to a hub.
 */
export function HubTaskList() {
  const tasks = useHub((s) => s.tasks);
  const total = useHub((s) => s.tasksTotal);
  const [openId, setOpenId] = useState<number | null>(null);
  useEffect(() => void hubStore.getState().loadTasks(), []);
  if (!tasks.length) return null;
  const open = tasks.find((t) => t.id === openId) ?? null;
  return (
    <section className="table-wrap hub-tasks" aria-labelledby="hub-tasks-title" data-testid="hub-tasks">
      <h2 id="hub-tasks-title">Hub tasks ({total})</h2>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Origin</th>
            <th scope="col">Document reference</th>
            <th scope="col">Type</th>
            <th scope="col">Shared fields</th>
            <th scope="col">Priority</th>
            <th scope="col">Age</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-hub-task-id={t.id}>
              <td>
                <span className="badge">hub</span>
              </td>
              <td className="mono">{t.docRef}</td>
              <td>{t.docType}</td>
              <td>{fieldList(t) || '—'}</td>
              <td>{t.priority}</td>
              <td>{formatAge(t.createdAt)}</td>
              <td>{hubTaskState(t)}</td>
              <td>
                <button type="button" onClick={() => setOpenId(t.id)} aria-label={`Open hub task ${t.id} (${t.docRef})`}>
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <HubTaskDetail key={open.id} task={open} onClose={() => setOpenId(null)} />}
    </section>
  );
}

const fieldList = (t: HubTaskItem) =>
  Object.entries(t.fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');

function HubTaskDetail({ task, onClose }: { task: HubTaskItem; onClose: () => void }) {
  const error = useHub((s) => s.error);
  const localId = useHub((s) => localDocumentId(task.docRef, s.status?.deviceId ?? null));
  const [reason, setReason] = useState('');
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), []);
  const decidable = task.status === 'open' && !task.localDecision;
  const decide = (action: 'approve' | 'reject') =>
    void hubStore.getState().decide(task.id, { action, actor: settingsStore.getState().settings.actor, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  return (
    <section className="hub-task" aria-labelledby="hub-task-title" data-testid="hub-task-detail">
      <h3 id="hub-task-title" tabIndex={-1} ref={title}>
        Hub task {task.id}
      </h3>
      {localId !== null ? (
        <p>
          The document is on this device: <a href={`#/document/${localId}`}>open document {localId}</a>.
        </p>
      ) : (
        <p className="muted">The document is not on this device: the hub holds its reference, fingerprint, type and the fields the site policy lets leave the site. Decide from these, or from the document where it is kept.</p>
      )}
      <dl>
        <dt>Document reference</dt>
        <dd className="mono">{task.docRef}</dd>
        <dt>SHA-256</dt>
        <dd className="mono">{task.docSha256}</dd>
        <dt>Type</dt>
        <dd>{task.docType}</dd>
        {Object.entries(task.fields).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        <dt>Priority</dt>
        <dd>{task.priority}</dd>
        <dt>Due</dt>
        <dd>{task.dueAt ? new Date(task.dueAt).toLocaleString() : '—'}</dd>
        <dt>Status</dt>
        <dd data-testid="hub-task-state">{hubTaskState(task)}</dd>
      </dl>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {decidable && (
        <form aria-label={`Decide hub task ${task.id}`} onSubmit={(e) => e.preventDefault()}>
          <label>
            Reason (needed to reject)
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>{' '}
          <button type="button" onClick={() => decide('approve')}>
            Approve
          </button>{' '}
          <button type="button" onClick={() => decide('reject')} disabled={!reason.trim()}>
            Reject
          </button>
        </form>
      )}{' '}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
