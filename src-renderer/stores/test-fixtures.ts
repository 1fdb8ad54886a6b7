import type { Task } from '../../src-shared/contract/tasks.ts';

let id = 0;

/** A review task as the engine lists it, with overrides. */
export function task(p: Partial<Task> = {}): Task {
  id += 1;
  return {
    id,
    documentId: id,
    fileName: `doc-${id}.pdf`,
    status: 'open',
    reasons: ['low confidence: total'],
    priority: 0,
    docType: 'invoice',
    vendor: 'ACME',
    total: '100.00',
    currency: 'EUR',
    policyVersion: 'p1',
    batchApprovable: false,
    qaSampled: false,
    origin: 'local',
    createdAt: '2026-01-10T11:00:00Z',
    decidedAt: null,
    decision: null,
    ...p,
  };
}
