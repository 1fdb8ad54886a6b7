import { createColumnHelper, flexRender, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Task } from '../../src-shared/contract/tasks.ts';
import { DocTypeSchema } from '../../src-shared/document-model.ts';
import { navigate } from '../components/router.ts';
import { formatAge } from '../review/review-logic.ts';
import { queueStore, reviewStore, settingsStore, useQueue } from '../stores/app-stores.ts';
import { QUEUE_SORT_FIELDS, type QueueSortField } from '../stores/queue-view.ts';
import { HubTaskList } from './HubTaskList.tsx';

const features = tableFeatures({});
const col = createColumnHelper<typeof features, Task>();

const SORT_LABELS: Record<QueueSortField, string> = {
  age: 'Age',
  priority: 'Priority',
  total: 'Amount',
  vendor: 'Vendor',
  docType: 'Type',
  reason: 'Route reason',
  status: 'Status',
  fileName: 'File',
};

const columns = col.columns([
  col.display({ id: 'select', header: () => <span className="sr-only">Selected</span>, cell: (c) => <SelectCell task={c.row.original} /> }),
  col.accessor('fileName', { id: 'fileName', header: 'File', cell: (c) => c.getValue() }),
  col.accessor('docType', { id: 'docType', header: 'Type', cell: (c) => c.getValue() ?? '—' }),
  col.accessor('vendor', { id: 'vendor', header: 'Vendor', cell: (c) => c.getValue() ?? '—' }),
  col.accessor((t) => t.total, { id: 'total', header: 'Amount', cell: (c) => (c.row.original.total ? `${c.row.original.total} ${c.row.original.currency ?? ''}` : '—') }),
  col.accessor((t) => t.reasons.join('; '), { id: 'reason', header: 'Route reason', cell: (c) => c.getValue() || '—' }),
  col.accessor('createdAt', { id: 'age', header: 'Age', cell: (c) => formatAge(c.getValue()) }),
  col.accessor('status', { id: 'status', header: 'Status', cell: (c) => (c.row.original.decision ? `${c.getValue()}: ${c.row.original.decision}` : c.getValue()) }),
]);

const ROW_HEIGHT = 36;

function SelectCell({ task }: { task: Task }) {
  const selected = useQueue((s) => s.selected.has(task.id));
  if (!task.batchApprovable || task.status !== 'open') return <span title="Needs a look: not batch approvable" aria-label="not batch approvable" />;
  return (
    <input
      type="checkbox"
      tabIndex={-1}
      aria-label={`Select ${task.fileName} for batch approval`}
      checked={selected}
      onChange={() => queueStore.getState().toggleSelected(task.id)}
    />
  );
}

/** Starts review over the queue as shown (its filter and order), at one task or the first open one. */
export function startReview(taskId?: number): void {
  const order = queueStore.getState().view.map((t) => t.id);
  void reviewStore.getState().start(order, taskId);
  navigate({ screen: 'review', taskId: taskId ?? null });
}

export function QueueScreen() {
  const [tab, setTab] = useState<'tasks' | 'documents'>('tasks');
  return (
    <section className="screen queue" aria-labelledby="queue-title">
      <div className="screen-head">
        <h1 id="queue-title">Queue</h1>
        <div role="tablist" aria-label="What to list">
          <button role="tab" aria-selected={tab === 'tasks'} onClick={() => setTab('tasks')}>
            Review tasks
          </button>
          <button role="tab" aria-selected={tab === 'documents'} onClick={() => setTab('documents')}>
            All documents
          </button>
        </div>
      </div>
      {tab === 'tasks' ? <TaskQueue /> : <DocumentList />}
    </section>
  );
}

function Filters() {
  const filter = useQueue((s) => s.filter);
  const saved = useQueue((s) => s.savedFilters);
  const [name, setName] = useState('');
  const q = queueStore.getState();
  const num = (v: string) => (v === '' ? undefined : Number(v));
  return (
    <form className="filters" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
      <label>
        Status
        <select value={filter.status ?? ''} onChange={(e) => q.setFilter({ status: (e.target.value || undefined) as Task['status'] | undefined })}>
          <option value="">any</option>
          <option value="open">open</option>
          <option value="decided">decided</option>
          <option value="cancelled">cancelled</option>
        </select>
      </label>
      <label>
        Type
        <select value={filter.docType ?? ''} onChange={(e) => q.setFilter({ docType: (e.target.value || undefined) as Task['docType'] & string })}>
          <option value="">any</option>
          {DocTypeSchema.options.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Route reason
        <input type="search" value={filter.reason ?? ''} onChange={(e) => q.setFilter({ reason: e.target.value })} />
      </label>
      <label>
        Vendor
        <input type="search" name="vendor" value={filter.vendor ?? ''} onChange={(e) => q.setFilter({ vendor: e.target.value })} />
      </label>
      <label>
        Amount from
        <input type="number" className="narrow" value={filter.minTotal ?? ''} onChange={(e) => q.setFilter({ minTotal: num(e.target.value) })} />
      </label>
      <label>
        to
        <input type="number" className="narrow" value={filter.maxTotal ?? ''} onChange={(e) => q.setFilter({ maxTotal: num(e.target.value) })} />
      </label>
      <label>
        Older than (h)
        <input type="number" className="narrow" min={0} value={filter.minAgeHours ?? ''} onChange={(e) => q.setFilter({ minAgeHours: num(e.target.value) })} />
      </label>
      <label>
        Saved filter
        <select
          value=""
          onChange={(e) => {
            const f = saved.find((s) => s.name === e.target.value);
            if (f) q.replaceFilter(f.filter);
          }}
        >
          <option value="">choose…</option>
          {saved.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      </label>
      <label>
        Save as
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="name" className="narrow-text" />
      </label>
      <button type="button" disabled={!name.trim()} onClick={() => void q.saveFilter(name.trim()).then(() => setName(''))}>
        Save filter
      </button>
      {saved.some((s) => s.name === name.trim()) && (
        <button type="button" onClick={() => void q.deleteFilter(name.trim())}>
          Delete filter
        </button>
      )}
      <button type="button" onClick={() => q.replaceFilter({ status: 'open' })}>
        Reset
      </button>
    </form>
  );
}

function TaskQueue() {
  const view = useQueue((s) => s.view);
  const total = useQueue((s) => s.tasks.length);
  const sort = useQueue((s) => s.sort);
  const selected = useQueue((s) => s.selected);
  const loading = useQueue((s) => s.loading);
  const loaded = useQueue((s) => s.loaded);
  const error = useQueue((s) => s.error);
  const message = useQueue((s) => s.message);
  // Back from review, the row last reviewed is the active one.
  const [active, setActive] = useState(() => Math.max(0, view.findIndex((t) => t.id === reviewStore.getState().task?.id)));
  const scrollRef = useRef<HTMLDivElement>(null);
  const table = useTable({ features, columns, data: view });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const batchable = useMemo(() => view.filter((t) => t.batchApprovable && t.status === 'open').length, [view]);

  useEffect(() => setActive((a) => Math.min(a, Math.max(0, rows.length - 1))), [rows.length]);
  // The grid takes the keyboard as soon as there is something in it: arrows and Enter work at once.
  const hasRows = rows.length > 0;
  useEffect(() => {
    if (hasRows && document.activeElement === document.body) scrollRef.current?.focus();
  }, [hasRows]);
  useEffect(() => virtualizer.scrollToIndex(active), [active, virtualizer]);

  const onKey = (e: KeyboardEvent) => {
    const move = (to: number) => {
      e.preventDefault();
      setActive(Math.max(0, Math.min(rows.length - 1, to)));
    };
    const task = view[active];
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'PageDown') move(active + 15);
    else if (e.key === 'PageUp') move(active - 15);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(rows.length - 1);
    else if (e.key === 'Enter' && task) {
      e.preventDefault();
      startReview(task.id);
    } else if (e.key === ' ' && task) {
      e.preventDefault();
      queueStore.getState().toggleSelected(task.id);
    } else if (e.key === 'o' && task) navigate({ screen: 'document', id: task.documentId });
  };

  const sortBy = (field: QueueSortField) => queueStore.getState().setSort({ field, direction: sort.field === field && sort.direction === 'desc' ? 'asc' : 'desc' });

  return (
    <>
      <Filters />
      <div className="queue-actions">
        <span role="status" aria-live="polite" data-testid="queue-count">
          {loaded || !loading ? `${view.length} of ${total} tasks shown` : `Loading… ${total} tasks so far`}
        </span>
        <button type="button" onClick={() => startReview(view.find((t) => t.status === 'open')?.id)} disabled={!view.some((t) => t.status === 'open')}>
          Start review
        </button>
        <button type="button" onClick={() => queueStore.getState().selectAllBatchApprovable()} disabled={!batchable}>
          Select all batch-approvable ({batchable})
        </button>
        <button type="button" onClick={() => void queueStore.getState().batchApprove(settingsStore.getState().settings.actor)} disabled={!selected.size}>
          Approve selected ({selected.size})
        </button>
        {message && <span className="notice">{message}</span>}
        {error && (
          <span className="notice error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="grid" role="grid" aria-label="Review tasks" aria-rowcount={rows.length + 1}>
        {table.getHeaderGroups().map((hg) => (
          <div className="grid-row grid-head" role="row" key={hg.id}>
            {hg.headers.map((h) => {
              const field = (QUEUE_SORT_FIELDS as readonly string[]).includes(h.column.id) ? (h.column.id as QueueSortField) : null;
              const dir = sort.field === field ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
              return (
                <div role="columnheader" aria-sort={field ? dir : undefined} className={`cell col-${h.column.id}`} key={h.id}>
                  {field ? (
                    <button type="button" className="sort" onClick={() => sortBy(field)} title={`Sort by ${SORT_LABELS[field]}`}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      <span aria-hidden="true">{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span>
                    </button>
                  ) : (
                    flexRender(h.column.columnDef.header, h.getContext())
                  )}
                </div>
              );
            })}
          </div>
        ))}
        <div
          className="grid-body"
          ref={scrollRef}
          tabIndex={0}
          role="rowgroup"
          aria-label="Tasks: arrows move, Enter reviews, Space selects for batch approval, o opens the document"
          aria-activedescendant={view[active] ? `task-row-${view[active].id}` : undefined}
          onKeyDown={onKey}
          data-testid="queue-rows"
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const row = rows[vi.index]!;
              const t = row.original;
              return (
                <div
                  key={row.id}
                  id={`task-row-${t.id}`}
                  role="row"
                  aria-rowindex={vi.index + 2}
                  aria-selected={selected.has(t.id)}
                  className={`grid-row ${vi.index === active ? 'active' : ''} status-${t.status}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${vi.start}px)` }}
                  onClick={() => setActive(vi.index)}
                  onDoubleClick={() => startReview(t.id)}
                  data-task-id={t.id}
                >
                  {row.getAllCells().map((c) => (
                    <div role="gridcell" className={`cell col-${c.column.id}`} key={c.id}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {loaded && view.length === 0 && <p className="empty">No tasks match. {total === 0 ? 'Import documents; those the policy routes to review appear here.' : 'Change or reset the filter.'}</p>}
        </div>
      </div>
      <HubTaskList />
    </>
  );
}

function DocumentList() {
  const docs = useQueue((s) => s.documents);
  const total = useQueue((s) => s.documentsTotal);
  useEffect(() => void queueStore.getState().loadDocuments(), []);
  return (
    <div className="table-wrap">
      <p role="status">{total} documents</p>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Vendor</th>
            <th scope="col">Amount</th>
            <th scope="col">Route</th>
            <th scope="col">Pages</th>
          </tr>
        </thead>
        <tbody>
          {docs.map((d) => (
            <tr key={d.id}>
              <td>
                <a href={`#/document/${d.id}`}>{d.fileName}</a>
              </td>
              <td>{d.status}{d.error ? ` (${d.error.code})` : ''}</td>
              <td>{d.docType ? `${d.docType} ${d.docTypeScore !== null ? `${Math.round(d.docTypeScore * 100)}%` : ''}` : '—'}</td>
              <td>{d.vendor ?? '—'}</td>
              <td>{d.total ? `${d.total} ${d.currency ?? ''}` : '—'}</td>
              <td>{d.routeAction ?? '—'}</td>
              <td>{d.pageCount ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
