import { z } from 'zod';
import { DocTypeSchema } from '../document-model.ts';
import { mutation, PageRequestSchema, query, SortSchema } from './define.ts';

export const TaskStatusSchema = z.enum(['open', 'decided', 'cancelled']);
export const DecisionActionSchema = z.enum(['approve', 'correct', 'reject']);

export const TaskSchema = z.object({
  id: z.number().int(),
  documentId: z.number().int(),
  fileName: z.string(),
  status: TaskStatusSchema,
  reasons: z.array(z.string()),
  priority: z.number().int(),
  docType: DocTypeSchema.nullable(),
  vendor: z.string().nullable(),
  total: z.string().nullable(),
  currency: z.string().nullable(),
  policyVersion: z.string().nullable(),
  batchApprovable: z.boolean(),
  qaSampled: z.boolean(),
  origin: z.enum(['local', 'hub']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decision: DecisionActionSchema.nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const DecisionSchema = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  action: DecisionActionSchema,
  actor: z.string(),
  reason: z.string().nullable(),
  changes: z.array(z.object({ field: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() })),
  timeSpentMs: z.number().int().nullable(),
  createdAt: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const tasksContract = {
  'tasks.list': query(
    'List review tasks, paged, filtered and sorted.',
    PageRequestSchema.extend({
      status: TaskStatusSchema.optional(),
      docType: DocTypeSchema.optional(),
      reason: z.string().max(200).optional(),
      vendor: z.string().max(200).optional(),
      minTotal: z.number().optional(),
      maxTotal: z.number().optional(),
      sort: SortSchema(['createdAt', 'priority', 'total', 'vendor', 'docType']).optional(),
    }),
    z.object({ items: z.array(TaskSchema), total: z.number().int() }),
  ),
  'tasks.decide': mutation(
    'Approve, correct (with new field values) or reject (with a reason) a review task.',
    z
      .object({
        taskId: z.number().int(),
        action: DecisionActionSchema,
        actor: z.string().min(1).max(200),
        reason: z.string().max(500).optional(),
        corrections: z.record(z.string(), z.string().max(1000)).optional(),
        timeSpentMs: z.number().int().min(0).optional(),
      })
      .refine((d) => d.action !== 'reject' || (d.reason && d.reason.length > 0), { message: 'A rejection needs a reason' })
      .refine((d) => d.action !== 'correct' || (d.corrections && Object.keys(d.corrections).length > 0), {
        message: 'A correction needs at least one corrected field',
      }),
    z.object({ task: TaskSchema, decision: DecisionSchema }),
  ),
  'tasks.undo': mutation(
    'Undo the most recent decision on a task within the undo window; the task reopens.',
    z.object({ taskId: z.number().int(), actor: z.string().min(1).max(200) }),
    z.object({ task: TaskSchema }),
  ),
};
