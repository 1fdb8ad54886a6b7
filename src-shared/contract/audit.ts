import { z } from 'zod';
import { query } from './define.ts';

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  ts: z.string(),
  actor: z.string(),
  event: z.string(),
  documentSha256: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  model: z
    .object({ name: z.string(), version: z.string(), sha256: z.string(), executionProvider: z.string() })
    .nullable(),
  policyVersion: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  headHash: z.string().nullable(),
  firstBad: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifySchema>;

export const auditContract = {
  'audit.list': query(
    'Audit entries, newest first, filtered by event, actor or document.',
    z.object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      event: z.string().max(100).optional(),
      actor: z.string().max(200).optional(),
      documentSha256: z.string().max(64).optional(),
    }),
    z.object({ items: z.array(AuditEntrySchema), total: z.number().int() }),
  ),
  'audit.export': query(
    'All audit entries from a sequence number on, oldest first (JSON Lines on the CLI); values of the fields the policy marks sensitive are masked unless `unmasked`.',
    z.object({
      fromSeq: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(100000).default(100000),
      unmasked: z.boolean().optional().describe('Full values, so the export re-verifies against its hashes.'),
    }),
    z.object({ entries: z.array(AuditEntrySchema) }),
  ),
  'audit.verify': query('Check the whole hash chain; names the first bad entry.', z.object({}), AuditVerifySchema),
};
