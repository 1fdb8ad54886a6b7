import type { Decision, Task } from '../../src-shared/contract/tasks.ts';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { WriteDoor } from '../store/mutate.ts';
import type { TaskRepo } from '../store/task-repo.ts';

export const UNDO_WINDOW_MS = 30_000;

const DECIDED_EVENT = { approve: 'task.approved', correct: 'task.corrected', reject: 'task.rejected' } as const;

/** Review tasks and reviewers' decisions: the rules of deciding and undoing; the writes go through the door, the SQL is in the repository. */
export class TaskService {
  constructor(
    private readonly repo: TaskRepo,
    private readonly door: WriteDoor,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get(id: number): Task {
    const task = this.repo.get(id);
    if (!task) throw new ApiError('not_found', `No task ${id}`);
    return task;
  }

  /** Called by the pipeline inside its change. */
  create(t: { documentId: number; reasons: string[]; priority: number; policyVersion: string; batchApprovable: boolean; qaSampled: boolean }): number {
    return this.repo.create({ ...t, createdAt: this.clock().toISOString() });
  }

  list(q: Parameters<TaskRepo['list']>[0]): { items: Task[]; total: number } {
    return this.repo.list(q);
  }

  decide(d: { taskId: number; action: 'approve' | 'correct' | 'reject'; actor: string; reason?: string; corrections?: Record<string, string>; timeSpentMs?: number }): { task: Task; decision: Decision } {
    return this.door.mutate('tasks.decide', (audit) => {
      const task = this.repo.forDecision(d.taskId);
      if (!task) throw new ApiError('not_found', `No task ${d.taskId}`);
      if (task.status !== 'open') throw new ApiError('already_decided', `Task ${d.taskId} was already decided (${task.decision ?? task.status})`);
      const ts = this.clock().toISOString();
      const decisionId = this.repo.addDecision({ task, action: d.action, actor: d.actor, reason: d.reason ?? null, timeSpentMs: d.timeSpentMs ?? null, createdAt: ts });
      const changes: Decision['changes'] = [];
      if (d.action === 'correct') {
        for (const [field, newValue] of Object.entries(d.corrections ?? {})) {
          const oldValue = this.repo.correctField({ documentId: task.documentId, field, value: newValue, decisionId, at: ts });
          changes.push({ field, oldValue, newValue });
        }
        this.repo.setDecisionChanges(decisionId, changes);
      }
      this.repo.markDecided(task.id, ts);
      audit({
        actor: d.actor,
        event: DECIDED_EVENT[d.action],
        documentSha256: task.documentSha256,
        data: { taskId: task.id, documentId: task.documentId, reason: d.reason, changes, timeSpentMs: d.timeSpentMs },
        model: task.model,
        policyVersion: task.policyVersion,
      });
      const decision: Decision = { id: decisionId, taskId: task.id, action: d.action, actor: d.actor, reason: d.reason ?? null, changes, timeSpentMs: d.timeSpentMs ?? null, createdAt: ts };
      return { task: this.get(task.id), decision };
    });
  }

  /** Reopens a task whose last decision is recent; corrections are rolled back, all of it audited. */
  undo(u: { taskId: number; actor: string }, windowMs = UNDO_WINDOW_MS): { task: Task } {
    return this.door.mutate('tasks.undo', (audit) => {
      const task = this.get(u.taskId);
      const last = this.repo.lastDecision(u.taskId);
      if (!last || task.status !== 'decided') throw new ApiError('nothing_to_undo', `Task ${u.taskId} has no decision to undo`);
      if (last.actor !== u.actor) throw new ApiError('forbidden', `Only ${last.actor} can undo their decision`);
      const age = this.clock().getTime() - Date.parse(last.createdAt);
      if (age > windowMs) throw new ApiError('undo_expired', `The decision is ${Math.round(age / 1000)} s old; undo is possible for ${windowMs / 1000} s`);
      this.repo.undoDecision(last, u.taskId, this.clock().toISOString());
      audit({ actor: u.actor, event: 'task.undone', documentSha256: last.documentSha256, data: { taskId: u.taskId, decisionId: last.id } });
      return { task: this.get(u.taskId) };
    });
  }
}
