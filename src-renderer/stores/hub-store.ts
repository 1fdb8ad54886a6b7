import { createStore } from 'zustand/vanilla';
import type { OutputOf } from '../../src-shared/contract/define.ts';
import type { SyncStatus } from '../../src-shared/contract/hub.ts';
import type { EngineContract } from '../../src-shared/contract/index.ts';
import type { AppClient } from '../api/client.ts';

export type HubTaskItem = OutputOf<EngineContract, 'sync.hubTasks'>['items'][number];
export type HubDecision = { action: 'approve' | 'reject'; actor: string; reason?: string };

export interface HubState {
  status: SyncStatus | null;
  /** The last failed call from this screen (connect, sync now), in the hub's or engine's words. */
  error: string | null;
  busy: boolean;
  /** Hub tasks pulled to this device; empty (and no error) while not connected. */
  tasks: HubTaskItem[];
  tasksTotal: number;
  refresh(): Promise<void>;
  connect(a: { hubUrl: string; enrollmentCode: string; deviceName: string }): Promise<boolean>;
  syncNow(): Promise<void>;
  loadTasks(): Promise<void>;
  decide(taskId: number, d: HubDecision): Promise<boolean>;
}

const HUB_TASK_PAGE = 1000;

export function createHubStore(client: AppClient) {
  return createStore<HubState>()((set, get) => {
    const failed = (err: unknown) => set({ busy: false, error: (err as Error).message });
    return {
      status: null,
      error: null,
      busy: false,
      tasks: [],
      tasksTotal: 0,

      async refresh() {
        try {
          set({ status: await client.call('sync.status', {}) });
        } catch (err) {
          set({ error: (err as Error).message });
        }
      },

      async connect(a) {
        set({ busy: true, error: null });
        try {
          const connected = await client.call('sync.connect', a);
          // First sync at once, so the queue has the hub's tasks without waiting for the loop.
          set({ status: await client.call('sync.now', {}).catch(() => connected), busy: false });
          await get().loadTasks();
          return true;
        } catch (err) {
          failed(err);
          await get().refresh();
          return false;
        }
      },

      async syncNow() {
        set({ busy: true, error: null });
        try {
          set({ status: await client.call('sync.now', {}), busy: false });
          await get().loadTasks();
        } catch (err) {
          failed(err);
        }
      },

      async loadTasks() {
        try {
          const status = await client.call('sync.status', {});
          if (!status.connected) {
            set({ status, tasks: [], tasksTotal: 0 });
            return;
          }
          const page = await client.call('sync.hubTasks', { offset: 0, limit: HUB_TASK_PAGE });
          set({ status, tasks: page.items, tasksTotal: page.total });
        } catch {
          // The queue stays usable with local tasks alone; the settings screen shows sync errors.
          set({ tasks: [], tasksTotal: 0 });
        }
      },

      async decide(taskId, d) {
        set({ error: null });
        try {
          await client.call('sync.decideHubTask', { taskId, action: d.action, actor: d.actor, ...(d.reason ? { reason: d.reason } : {}) });
          await get().loadTasks();
          return true;
        } catch (err) {
          set({ error: (err as Error).message });
          return false;
        }
      },
    };
  });
}

export type HubStore = ReturnType<typeof createHubStore>;

/** What the queue says about a hub task: the hub's status, or this device's decision and whether the hub has it. */
export function hubTaskState(t: HubTaskItem): string {
  if (t.localDecision) {
    const sent = { none: 'not sent', pending: 'waiting to sync', applied: 'recorded by the hub', superseded: 'superseded by an earlier decision on another device', rejected: 'refused by the hub' }[t.pushState];
    return `${t.localDecision} here, ${sent}`;
  }
  if (t.status === 'decided' && t.decision) return `decided: ${t.decision.action} by ${t.decision.user}`;
  return t.status;
}

/** The local document id when a hub task's reference points at this device (as `sync.shareDocument` writes it). */
export function localDocumentId(docRef: string, deviceId: number | null): number | null {
  if (deviceId === null) return null;
  const m = /^device-(\d+)\/document-(\d+)$/.exec(docRef);
  return m && Number(m[1]) === deviceId ? Number(m[2]) : null;
}
