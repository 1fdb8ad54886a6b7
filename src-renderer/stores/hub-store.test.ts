import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/dispatch.ts';
import type { HubTask, SyncStatus } from '../../src-shared/contract/hub.ts';
import type { AppContract } from '../../src-shared/contract/ui.ts';
import { createHubStore, hubTaskState, localDocumentId, type HubTaskItem } from './hub-store.ts';

const NOT_CONNECTED: SyncStatus = { connected: false, hubUrl: null, deviceId: null, lastSyncAt: null, lastError: null, outboxLength: 0, auditPending: 0, nextAttemptAt: null };

function hubTask(p: Partial<HubTaskItem> = {}): HubTaskItem {
  const t: HubTask = {
    id: 7,
    siteId: 1,
    queueId: 1,
    docRef: 'device-1/doc-7',
    docSha256: 'a'.repeat(64),
    docType: 'invoice',
    fields: { vendor: 'ACME', total: '98.00' },
    priority: 0,
    dueAt: null,
    status: 'open',
    decision: null,
    lease: null,
    createdAt: '2026-01-10T11:00:00Z',
    updatedAt: '2026-01-10T11:00:00Z',
  };
  return { ...t, localDecision: null, pushState: 'none', ...p };
}

/** An engine stand-in: enrollment works with one code, and a decision lands in the outbox. */
function fakeEngine() {
  let status = { ...NOT_CONNECTED };
  let tasks: HubTaskItem[] = [];
  const calls: string[] = [];
  const client = createClient<AppContract>(async (name, arg) => {
    calls.push(name);
    const a = arg as Record<string, unknown>;
    switch (name) {
      case 'sync.status':
        return { ok: true, value: status };
      case 'sync.connect':
        if (a.enrollmentCode !== 'cse_good-code') return { ok: false, error: { code: 'unauthenticated', message: 'A valid, unrevoked credential is needed' } };
        status = { ...status, connected: true, hubUrl: a.hubUrl as string, deviceId: 3 };
        return { ok: true, value: status };
      case 'sync.now':
        tasks = tasks.length ? tasks : [hubTask()];
        status = { ...status, lastSyncAt: '2026-01-10T12:00:00Z', outboxLength: 0 };
        return { ok: true, value: status };
      case 'sync.hubTasks':
        return { ok: true, value: { items: tasks, total: tasks.length } };
      case 'sync.decideHubTask':
        if (a.action === 'reject' && !a.reason) return { ok: false, error: { code: 'invalid_argument', message: 'A rejection needs a reason' } };
        tasks = tasks.map((t) => (t.id === a.taskId ? { ...t, localDecision: a.action as 'approve', pushState: 'pending' } : t));
        status = { ...status, outboxLength: status.outboxLength + 1 };
        return { ok: true, value: { mutationId: 1 } };
      default:
        return { ok: false, error: { code: 'unknown_call', message: name } };
    }
  });
  return { client, calls };
}

describe('hub store', () => {
  it('lists no hub tasks and shows no error while not connected', async () => {
    const { client, calls } = fakeEngine();
    const store = createHubStore(client);
    await store.getState().loadTasks();
    expect(store.getState().tasks).toEqual([]);
    expect(store.getState().error).toBeNull();
    expect(store.getState().status?.connected).toBe(false);
    expect(calls).not.toContain('sync.hubTasks');
  });

  it('shows the hub’s message for a wrong enrollment code and stays disconnected', async () => {
    const store = createHubStore(fakeEngine().client);
    expect(await store.getState().connect({ hubUrl: 'http://127.0.0.1:8787', enrollmentCode: 'cse_wrong-code', deviceName: 'laptop' })).toBe(false);
    expect(store.getState().error).toMatch(/valid, unrevoked credential/);
    expect(store.getState().status?.connected).toBe(false);
    expect(store.getState().busy).toBe(false);
  });

  it('connects, syncs at once, lists the pulled hub tasks, and a decision waits in the outbox', async () => {
    const store = createHubStore(fakeEngine().client);
    expect(await store.getState().connect({ hubUrl: 'http://127.0.0.1:8787', enrollmentCode: 'cse_good-code', deviceName: 'laptop' })).toBe(true);
    expect(store.getState().status).toMatchObject({ connected: true, deviceId: 3, lastSyncAt: '2026-01-10T12:00:00Z' });
    expect(store.getState().tasks.map((t) => t.id)).toEqual([7]);

    expect(await store.getState().decide(7, { action: 'reject', actor: 'rita' })).toBe(false);
    expect(store.getState().error).toBe('A rejection needs a reason');
    expect(await store.getState().decide(7, { action: 'approve', actor: 'rita' })).toBe(true);
    expect(store.getState().error).toBeNull();
    expect(hubTaskState(store.getState().tasks[0]!)).toBe('approve here, waiting to sync');
    expect(store.getState().status?.outboxLength).toBe(1);
  });

  it('says whose decision a hub task carries', () => {
    expect(hubTaskState(hubTask())).toBe('open');
    expect(hubTaskState(hubTask({ localDecision: 'reject', pushState: 'superseded' }))).toMatch(/reject here, superseded/);
    expect(hubTaskState(hubTask({ status: 'decided', decision: { action: 'approve', user: 'sam', deviceId: 2, decidedAt: 'x', receivedAt: 'y' } }))).toBe('decided: approve by sam');
  });

  it('finds the local document only when a hub task points at this device', () => {
    expect(localDocumentId('device-3/document-41', 3)).toBe(41);
    expect(localDocumentId('device-9/document-41', 3)).toBeNull();
    expect(localDocumentId('device-3/document-41', null)).toBeNull();
    expect(localDocumentId('scanner-room/41', 3)).toBeNull();
  });
});
