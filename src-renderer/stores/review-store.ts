import { createStore } from 'zustand/vanilla';
import type { DocumentDetail } from '../../src-shared/contract/documents.ts';
import type { Task } from '../../src-shared/contract/tasks.ts';
import type { AppClient } from '../api/client.ts';
import { corrections, cropRegion, reviewFields, stepFocus, type ReviewField } from '../review/review-logic.ts';
import type { QueueStore } from './queue-store.ts';

/** Open items loaded ahead of the reviewer. */
const PREFETCH_AHEAD = 3;

export interface PageImage {
  url: string;
  width: number;
  height: number;
}

/** Turns the engine's PNG into something the page can paint at once (decoded before it is shown). */
export type ImageLoader = (png: { dataBase64: string; width: number; height: number }) => Promise<PageImage>;

export interface LoadedItem {
  detail: DocumentDetail;
  fields: ReviewField[];
  crop: ReturnType<typeof cropRegion>;
  image: PageImage | null;
}

export interface Notice {
  text: string;
  kind: 'info' | 'error';
}

export interface ReviewState {
  /** The task ids being worked through, in the queue's order when review started. */
  order: number[];
  index: number;
  task: Task | null;
  item: LoadedItem | null;
  loading: boolean;
  done: boolean;
  focus: string | null;
  editing: string | null;
  edits: Record<string, string>;
  rejecting: boolean;
  fullPage: boolean;
  help: boolean;
  busy: boolean;
  shownAt: number;
  last: { taskId: number; action: string; at: number } | null;
  notice: Notice | null;
  start(order: number[], taskId?: number): Promise<void>;
  go(step: 1 | -1): Promise<void>;
  focusStep(step: 1 | -1): void;
  focusField(name: string): void;
  beginEdit(): void;
  commitEdit(value: string): void;
  cancelEdit(): void;
  approve(): Promise<void>;
  reject(reason: string): Promise<void>;
  undo(): Promise<void>;
  setRejecting(on: boolean): void;
  toggleFullPage(): void;
  toggleHelp(): void;
  markShown(): void;
}

export interface ReviewDeps {
  client: AppClient;
  queue: QueueStore;
  actor: () => string;
  loadImage: ImageLoader;
  now?: () => number;
  /** Widest page image fetched for review. */
  maxWidth?: number;
}

export function createReviewStore(deps: ReviewDeps) {
  const now = deps.now ?? Date.now;
  const pending = new Map<number, Promise<LoadedItem>>();
  const ready = new Map<number, LoadedItem>();
  const taskById = (id: number) => deps.queue.getState().tasks.find((t) => t.id === id) ?? null;

  /** One document's detail, fields and crop image; shared by every task on that document and loaded once. */
  function load(task: Task): Promise<LoadedItem> {
    let p = pending.get(task.documentId);
    if (!p) {
      p = (async () => {
        const detail = await deps.client.call('documents.get', { id: task.documentId });
        const fields = reviewFields(detail, task.reasons);
        const crop = cropRegion(fields);
        let image: PageImage | null = null;
        if ((detail.pageCount ?? detail.pages.length) > 0) {
          try {
            image = await deps.loadImage(await deps.client.call('documents.pageImage', { id: task.documentId, page: crop.page, maxWidth: deps.maxWidth ?? 1200 }));
          } catch {
            image = null;
          }
        }
        const item = { detail, fields, crop, image };
        ready.set(task.documentId, item);
        return item;
      })();
      pending.set(task.documentId, p);
      p.catch(() => pending.delete(task.documentId));
    }
    return p;
  }

  return createStore<ReviewState>()((set, get) => {
    /** The next open task from `from` in direction `step`, or -1. */
    const nextOpen = (from: number, step: 1 | -1): number => {
      const { order } = get();
      for (let i = from; i >= 0 && i < order.length; i += step) if (taskById(order[i]!)?.status === 'open') return i;
      return -1;
    };

    /** Warms the cache for the next few open items and the neighbours, so moving on paints from memory. */
    const prefetch = () => {
      const { order, index } = get();
      const ahead: number[] = [];
      for (let from = index + 1; ahead.length < PREFETCH_AHEAD; ) {
        const i = nextOpen(from, 1);
        if (i < 0) break;
        ahead.push(i);
        from = i + 1;
      }
      for (const i of [...ahead, index + 1, index - 1]) {
        const t = i >= 0 && i < order.length ? taskById(order[i]!) : null;
        if (t) load(t).catch(() => undefined);
      }
    };

    const show = async (index: number) => {
      const taskId = get().order[index];
      const task = taskId === undefined ? null : taskById(taskId);
      if (!task) {
        set({ index, task: null, item: null, done: true, focus: null, editing: null, edits: {}, rejecting: false });
        return;
      }
      const cached = ready.get(task.documentId);
      const base = { index, task, done: false, editing: null, edits: {}, rejecting: false, shownAt: now() };
      if (cached) {
        set({ ...base, item: cached, loading: false, focus: stepFocus(cached.fields, null, 1) });
      } else {
        set({ ...base, item: null, loading: true, focus: null });
        try {
          const item = await load(task);
          if (get().task?.id !== task.id) return;
          set({ item, loading: false, focus: stepFocus(item.fields, null, 1), shownAt: now() });
        } catch (err) {
          if (get().task?.id === task.id) set({ loading: false, notice: { text: `Could not load ${task.fileName}: ${(err as Error).message}`, kind: 'error' } });
        }
      }
      prefetch();
    };

    const decide = async (action: 'approve' | 'reject', reason?: string) => {
      const { task, item, edits, busy, shownAt } = get();
      if (!task || !item || busy) return;
      if (task.status !== 'open') {
        set({ notice: { text: `${task.fileName} was already decided (${task.decision ?? task.status}).`, kind: 'error' } });
        return;
      }
      const changed = corrections(item.detail.fields, edits);
      const finalAction = action === 'approve' && Object.keys(changed).length ? 'correct' : action;
      set({ busy: true, rejecting: false });
      try {
        const r = await deps.client.call('tasks.decide', {
          taskId: task.id,
          action: finalAction,
          actor: deps.actor(),
          timeSpentMs: Math.max(0, Math.round(now() - shownAt)),
          ...(finalAction === 'correct' ? { corrections: changed } : {}),
          ...(reason ? { reason } : {}),
        });
        deps.queue.getState().patchTask(r.task);
        if (finalAction === 'correct') {
          // The document changed: drop its cached detail so the next look shows the reviewer's values.
          pending.delete(task.documentId);
          ready.delete(task.documentId);
        }
        const verb = { approve: 'Approved', correct: 'Corrected', reject: 'Rejected' }[finalAction];
        set({ busy: false, last: { taskId: task.id, action: finalAction, at: now() }, notice: { text: `${verb} ${task.fileName}. Press undo to take it back.`, kind: 'info' } });
        const next = nextOpen(get().index + 1, 1);
        await show(next >= 0 ? next : get().order.length);
      } catch (err) {
        set({ busy: false, notice: { text: (err as Error).message, kind: 'error' } });
      }
    };

    return {
      order: [],
      index: 0,
      task: null,
      item: null,
      loading: false,
      done: false,
      focus: null,
      editing: null,
      edits: {},
      rejecting: false,
      fullPage: false,
      help: false,
      busy: false,
      shownAt: 0,
      last: null,
      notice: null,

      async start(order, taskId) {
        set({ order, notice: null });
        const i = taskId === undefined ? -1 : order.indexOf(taskId);
        const first = i >= 0 ? i : nextOpen(0, 1);
        await show(first >= 0 ? first : order.length);
      },
      async go(step) {
        const { index, order } = get();
        const i = index + step;
        if (i < 0 || i >= order.length) return;
        await show(i);
      },
      focusStep(step) {
        const { item, focus } = get();
        if (item) set({ focus: stepFocus(item.fields, focus, step), editing: null });
      },
      focusField(name) {
        set({ focus: name });
      },
      beginEdit() {
        const { focus, item } = get();
        const f = item?.fields.find((x) => x.name === focus);
        if (!f) return;
        if (f.masked) {
          set({ notice: { text: `${f.label} is masked: it is not needed for this decision.`, kind: 'error' } });
          return;
        }
        set({ editing: f.name });
      },
      commitEdit(value) {
        const { editing, edits } = get();
        if (editing) set({ edits: { ...edits, [editing]: value }, editing: null });
      },
      cancelEdit() {
        set({ editing: null });
      },
      approve: () => decide('approve'),
      reject: (reason) => decide('reject', reason),

      async undo() {
        const { last } = get();
        if (!last) {
          set({ notice: { text: 'Nothing to undo.', kind: 'error' } });
          return;
        }
        try {
          const r = await deps.client.call('tasks.undo', { taskId: last.taskId, actor: deps.actor() });
          deps.queue.getState().patchTask(r.task);
          set({ last: null, notice: { text: `Undone: ${r.task.fileName} is open again.`, kind: 'info' } });
          const i = get().order.indexOf(last.taskId);
          await show(i >= 0 ? i : get().index);
        } catch (err) {
          set({ notice: { text: (err as Error).message, kind: 'error' } });
        }
      },
      setRejecting(on) {
        set({ rejecting: on });
      },
      toggleFullPage() {
        set({ fullPage: !get().fullPage });
      },
      toggleHelp() {
        set({ help: !get().help });
      },
      markShown() {
        set({ shownAt: now() });
      },
    };
  });
}

export type ReviewStore = ReturnType<typeof createReviewStore>;

/** The browser's loader: a blob URL, decoded before it is handed over so the paint is instant. */
export const browserImageLoader: ImageLoader = async ({ dataBase64, width, height }) => {
  const bytes = Uint8Array.from(atob(dataBase64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
  const img = new Image();
  img.src = url;
  await img.decode().catch(() => undefined);
  return { url, width, height };
};
