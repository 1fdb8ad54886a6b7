import { createStore } from 'zustand/vanilla';
import type { DocumentSummary } from '../../src-shared/contract/documents.ts';
import type { Task } from '../../src-shared/contract/tasks.ts';
import type { QueueFilter, SavedFilter } from '../../src-shared/contract/ui.ts';
import type { AppClient } from '../api/client.ts';
import { cleanFilter, queueView, type QueueSort } from './queue-view.ts';

const PAGE = 1000;
const FIRST_PAGE = 100;

export interface QueueState {
  tasks: Task[];
  /** The filtered, sorted tasks the table shows (and review walks through). */
  view: Task[];
  documents: DocumentSummary[];
  documentsTotal: number;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  filter: QueueFilter;
  sort: QueueSort;
  selected: ReadonlySet<number>;
  savedFilters: SavedFilter[];
  message: string | null;
  load(): Promise<void>;
  loadDocuments(): Promise<void>;
  setFilter(patch: Partial<QueueFilter>): void;
  replaceFilter(filter: QueueFilter): void;
  setSort(sort: QueueSort): void;
  toggleSelected(taskId: number): void;
  selectAllBatchApprovable(): void;
  clearSelection(): void;
  batchApprove(actor: string): Promise<void>;
  loadSavedFilters(): Promise<void>;
  saveFilter(name: string): Promise<void>;
  deleteFilter(name: string): Promise<void>;
  /** Replaces one task in place after a decision or undo, without a reload. */
  patchTask(task: Task): void;
}

export const DEFAULT_FILTER: QueueFilter = { status: 'open' };
export const DEFAULT_SORT: QueueSort = { field: 'age', direction: 'desc' };

export function createQueueStore(client: AppClient, now: () => number = Date.now) {
  return createStore<QueueState>()((set, get) => {
    const recompute = (patch: Partial<QueueState>) => {
      const next = { ...get(), ...patch };
      set({ ...patch, view: queueView(next.tasks, next.filter, next.sort, now()) });
    };
    return {
      tasks: [],
      view: [],
      documents: [],
      documentsTotal: 0,
      loading: false,
      loaded: false,
      error: null,
      filter: DEFAULT_FILTER,
      sort: DEFAULT_SORT,
      selected: new Set(),
      savedFilters: [],
      message: null,

      async load() {
        set({ loading: true, error: null });
        try {
          // The first page renders at once; the rest streams in behind it.
          const tasks: Task[] = [];
          for (let offset = 0; ; ) {
            // A screenful first, so the grid paints at once; then pages of 1,000.
            const limit = offset === 0 ? FIRST_PAGE : PAGE;
            const page = await client.call('tasks.list', { offset, limit, sort: { field: 'createdAt', direction: 'desc' } });
            offset += limit;
            tasks.push(...page.items);
            recompute({ tasks: [...tasks] });
            if (tasks.length >= page.total || page.items.length === 0) break;
          }
          const ids = new Set(tasks.map((t) => t.id));
          set({ loaded: true, loading: false, selected: new Set([...get().selected].filter((id) => ids.has(id))) });
        } catch (err) {
          set({ loading: false, error: (err as Error).message });
        }
      },

      async loadDocuments() {
        try {
          const page = await client.call('documents.list', { offset: 0, limit: PAGE });
          set({ documents: page.items, documentsTotal: page.total });
        } catch (err) {
          set({ error: (err as Error).message });
        }
      },

      setFilter(patch) {
        recompute({ filter: cleanFilter({ ...get().filter, ...patch }), selected: new Set() });
      },
      replaceFilter(filter) {
        recompute({ filter: cleanFilter(filter), selected: new Set() });
      },
      setSort(sort) {
        recompute({ sort });
      },

      toggleSelected(taskId) {
        const task = get().tasks.find((t) => t.id === taskId);
        // Only what the policy allows to be batch approved can be selected for it.
        if (!task?.batchApprovable || task.status !== 'open') return;
        const selected = new Set(get().selected);
        if (selected.has(taskId)) selected.delete(taskId);
        else selected.add(taskId);
        set({ selected });
      },
      selectAllBatchApprovable() {
        set({ selected: new Set(get().view.filter((t) => t.batchApprovable && t.status === 'open').map((t) => t.id)) });
      },
      clearSelection() {
        set({ selected: new Set() });
      },

      async batchApprove(actor) {
        const ids = [...get().selected];
        let done = 0;
        const failures: string[] = [];
        for (const taskId of ids) {
          const task = get().tasks.find((t) => t.id === taskId);
          if (!task?.batchApprovable) continue;
          try {
            const r = await client.call('tasks.decide', { taskId, action: 'approve', actor, timeSpentMs: 0 });
            get().patchTask(r.task);
            done += 1;
          } catch (err) {
            failures.push(`${task.fileName}: ${(err as Error).message}`);
          }
        }
        set({ selected: new Set(), message: `Approved ${done} of ${ids.length} selected${failures.length ? `; not approved: ${failures.join('; ')}` : ''}.` });
      },

      async loadSavedFilters() {
        set({ savedFilters: (await client.call('ui.filters', {})).items });
      },
      async saveFilter(name) {
        set({ savedFilters: (await client.call('ui.saveFilter', { name, filter: get().filter })).items, message: `Saved filter "${name}".` });
      },
      async deleteFilter(name) {
        set({ savedFilters: (await client.call('ui.deleteFilter', { name })).items, message: `Deleted filter "${name}".` });
      },

      patchTask(task) {
        const tasks = get().tasks.map((t) => (t.id === task.id ? task : t));
        // The view keeps its rows (so the reviewer's place holds) but shows the new status.
        set({ tasks, view: get().view.map((t) => (t.id === task.id ? task : t)) });
      },
    };
  });
}

export type QueueStore = ReturnType<typeof createQueueStore>;
