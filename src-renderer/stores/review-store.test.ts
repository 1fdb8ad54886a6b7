import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/dispatch.ts';
import type { DocumentDetail } from '../../src-shared/contract/documents.ts';
import type { Task } from '../../src-shared/contract/tasks.ts';
import type { AppContract } from '../../src-shared/contract/ui.ts';
import { createQueueStore } from './queue-store.ts';
import { task } from './test-fixtures.ts';
import { createReviewStore } from './review-store.ts';

function detail(id: number, fields: DocumentDetail['fields']): DocumentDetail {
  return {
    id,
    fileName: `doc-${id}.pdf`,
    sha256: 'a'.repeat(64),
    mime: 'application/pdf',
    sizeBytes: 1,
    status: 'processed',
    stage: null,
    duplicateOf: null,
    pageCount: 1,
    docType: 'invoice',
    docTypeScore: 0.9,
    vendor: null,
    total: null,
    currency: null,
    routeAction: 'review',
    error: null,
    createdAt: '',
    updatedAt: '',
    sourcePath: null,
    textSource: 'pdf_text',
    textEngine: 'pdfjs',
    pages: [],
    fields,
    lineItems: [],
    rules: [],
    route: { action: 'review', reasons: [], policyVersion: 'p1' },
    model: null,
    stageRuns: [],
    sensitiveFields: ["iban", "vendorTaxId", "vendorAddress"],
  };
}

/** A fake engine behind the real client: records calls and answers like the engine would. */
function fakeEngine(tasks: Task[]) {
  const calls: { name: string; arg: Record<string, unknown> }[] = [];
  let clock = 1_000;
  const handlers: Record<string, (arg: Record<string, unknown>) => unknown> = {
    'tasks.list': () => ({ items: tasks, total: tasks.length }),
    'documents.get': ({ id }) => detail(id as number, { total: { value: '10.00', confidence: 0.5, page: 1, box: [0.5, 0.5, 0.6, 0.52] }, vendor: { value: 'ACME', confidence: 0.99 } }),
    'documents.pageImage': () => ({ mime: 'image/png', dataBase64: '', width: 100, height: 140 }),
    'tasks.decide': (d) => {
      const t = tasks.find((x) => x.id === d.taskId)!;
      const action = d.action as Task['decision'];
      Object.assign(t, { status: 'decided', decision: action });
      return { task: { ...t }, decision: { id: 1, taskId: t.id, action, actor: d.actor, reason: d.reason ?? null, changes: [], timeSpentMs: d.timeSpentMs, createdAt: '' } };
    },
    'tasks.undo': ({ taskId }) => {
      const t = tasks.find((x) => x.id === taskId)!;
      Object.assign(t, { status: 'open', decision: null });
      return { task: { ...t } };
    },
  };
  const client = createClient<AppContract>(async (name, arg) => {
    calls.push({ name, arg: arg as Record<string, unknown> });
    return { ok: true, value: handlers[name]!(arg as Record<string, unknown>) };
  });
  return { client, calls, tick: (ms: number) => (clock += ms), now: () => clock };
}

async function setup(n = 3) {
  const tasks = Array.from({ length: n }, () => task());
  const engine = fakeEngine(tasks);
  const queue = createQueueStore(engine.client);
  await queue.getState().load();
  const review = createReviewStore({ client: engine.client, queue, actor: () => 'alice', loadImage: async (p) => ({ url: 'blob:x', width: p.width, height: p.height }), now: engine.now });
  await review.getState().start(queue.getState().view.map((t) => t.id));
  return { tasks, engine, queue, review };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the review desk', () => {
  it('opens on the first open task with focus on the first field in question, and prefetches the next', async () => {
    const { review, engine, tasks } = await setup();
    expect(review.getState().task?.id).toBe(tasks[0]!.id);
    expect(review.getState().focus).toBe('total');
    await flush();
    const fetched = engine.calls.filter((c) => c.name === 'documents.get').map((c) => c.arg.id);
    expect(fetched).toContain(tasks[1]!.documentId);
  });

  it('shows a prefetched item at once, without waiting for the engine', async () => {
    const { review, tasks } = await setup();
    await flush();
    void review.getState().go(1);
    expect(review.getState().task?.id).toBe(tasks[1]!.id);
    expect(review.getState().item).not.toBeNull();
  });

  it('approves with who and the time spent, then moves to the next open item', async () => {
    const { review, engine, tasks, queue } = await setup();
    engine.tick(4_200);
    await review.getState().approve();
    const decide = engine.calls.find((c) => c.name === 'tasks.decide')!;
    expect(decide.arg).toMatchObject({ taskId: tasks[0]!.id, action: 'approve', actor: 'alice', timeSpentMs: 4_200 });
    expect(review.getState().task?.id).toBe(tasks[1]!.id);
    expect(queue.getState().tasks[0]!.status).toBe('decided');
  });

  it('turns an edited field into a correction with the new value', async () => {
    const { review, engine } = await setup();
    review.getState().beginEdit();
    expect(review.getState().editing).toBe('total');
    review.getState().commitEdit('12.00');
    await review.getState().approve();
    expect(engine.calls.find((c) => c.name === 'tasks.decide')!.arg).toMatchObject({ action: 'correct', corrections: { total: '12.00' } });
  });

  it('does not send an edit that leaves the value as it was', async () => {
    const { review, engine } = await setup();
    review.getState().beginEdit();
    review.getState().commitEdit('10.00');
    await review.getState().approve();
    expect(engine.calls.find((c) => c.name === 'tasks.decide')!.arg.action).toBe('approve');
  });

  it('rejects with the reason picked', async () => {
    const { review, engine } = await setup();
    review.getState().setRejecting(true);
    await review.getState().reject('Unreadable or incomplete');
    expect(engine.calls.find((c) => c.name === 'tasks.decide')!.arg).toMatchObject({ action: 'reject', reason: 'Unreadable or incomplete' });
    expect(review.getState().rejecting).toBe(false);
  });

  it('undoes the last decision and goes back to that item, open again', async () => {
    const { review, engine, tasks, queue } = await setup();
    await review.getState().approve();
    await review.getState().undo();
    expect(engine.calls.find((c) => c.name === 'tasks.undo')!.arg).toEqual({ taskId: tasks[0]!.id, actor: 'alice' });
    expect(review.getState().task?.id).toBe(tasks[0]!.id);
    expect(queue.getState().tasks[0]!.status).toBe('open');
    expect(review.getState().notice?.text).toMatch(/^Undone/);
    await review.getState().undo();
    expect(review.getState().notice).toMatchObject({ kind: 'error', text: 'Nothing to undo.' });
  });

  it('says so when the queue is done', async () => {
    const { review } = await setup(1);
    await review.getState().approve();
    expect(review.getState().done).toBe(true);
  });

  it('batch approves only what the policy allows', async () => {
    const tasks = [task({ batchApprovable: true }), task({ batchApprovable: false }), task({ batchApprovable: true })];
    const engine = fakeEngine(tasks);
    const queue = createQueueStore(engine.client);
    await queue.getState().load();
    queue.getState().toggleSelected(tasks[1]!.id);
    expect(queue.getState().selected.size).toBe(0);
    queue.getState().selectAllBatchApprovable();
    expect([...queue.getState().selected].sort()).toEqual([tasks[0]!.id, tasks[2]!.id].sort());
    await queue.getState().batchApprove('alice');
    expect(engine.calls.filter((c) => c.name === 'tasks.decide').map((c) => c.arg.taskId).sort()).toEqual([tasks[0]!.id, tasks[2]!.id].sort());
    expect(queue.getState().tasks.filter((t) => t.status === 'decided')).toHaveLength(2);
  });
});
