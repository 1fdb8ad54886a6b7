import { z } from 'zod';
import { AuditEntrySchema } from './audit.ts';
import { query } from './define.ts';

/** Which entries a report holds: a period (entry time, ISO 8601, `to` exclusive), a user, a document. */
export const AuditReportFiltersSchema = z.object({
  from: z.string().datetime({ offset: true }).nullable().default(null),
  to: z.string().datetime({ offset: true }).nullable().default(null),
  user: z.string().min(1).max(200).nullable().default(null).describe('The actor of the entry (a reviewer, `pipeline`, …).'),
  document: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256').nullable().default(null).describe('The SHA-256 of the document.'),
});
export type AuditReportFilters = z.infer<typeof AuditReportFiltersSchema>;

const Problem = z.object({ seq: z.number().int(), problem: z.string() });

/** What was checked when the report was made; printed in the report's verification section. */
export const AuditReportVerificationSchema = z.object({
  chain: z.object({ ok: z.boolean(), entries: z.number().int(), headHash: z.string().nullable(), firstBad: Problem.nullable() }).describe('The whole chain the entries come from, walked from its first entry.'),
  hashes: z.object({ ok: z.boolean(), checked: z.number().int(), firstBad: Problem.nullable() }).describe("Each reported entry's hash recomputed from its content, and links between consecutive entries."),
  signatures: z.object({ status: z.enum(['checked', 'differs', 'not_checked']), detail: z.string() }).describe('The signed batches the hub holds of this chain.'),
});
export type AuditReportVerification = z.infer<typeof AuditReportVerificationSchema>;

/** The first line of a JSON Lines export: where the entries come from, how they were chosen, what was verified. */
export const AuditReportHeaderSchema = z.object({
  format: z.literal('countersign.audit-report'),
  version: z.literal(1),
  generatedAt: z.string(),
  source: z.object({ kind: z.enum(['device', 'hub']), deviceId: z.number().int().nullable(), siteId: z.number().int().nullable(), hubUrl: z.string().nullable() }),
  filters: AuditReportFiltersSchema,
  /** Fields whose values the report masks; the verifier masks the stored entries the same way. */
  sensitiveFields: z.array(z.string()),
  entries: z.number().int(),
  verification: AuditReportVerificationSchema,
});
export type AuditReportHeader = z.infer<typeof AuditReportHeaderSchema>;

/** The verdict on an export compared with the chain it claims to come from. */
export const ExportVerdictSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe('Entries of the export compared with the stored ones.'),
  expected: z.number().int().describe('Entries the stored chain holds for the export filters.'),
  firstBad: Problem.nullable(),
});
export type ExportVerdict = z.infer<typeof ExportVerdictSchema>;

const Id = z.number().int().min(1);

/** Hub calls for auditors: export a device's trail as the hub stored it, and check an export against it. Admins and auditors, their own site only. */
export const auditReportHubCalls = {
  'audit.export': {
    ...query(
      "A device's uploaded audit entries chosen by period, user or document, oldest first, with the report header (what was verified); the report a CLI writes as JSON Lines, CSV or PDF.",
      z.object({ deviceId: Id, filters: AuditReportFiltersSchema.default({ from: null, to: null, user: null, document: null }), fromSeq: z.number().int().min(1).default(1), limit: z.number().int().min(1).max(5000).default(5000) }),
      z.object({ header: AuditReportHeaderSchema, entries: z.array(AuditEntrySchema), nextSeq: z.number().int().nullable().describe('Pass as fromSeq for the next page; null at the end.') }),
    ),
    roles: ['admin', 'auditor'] as const,
    deviceOnly: false,
  },
  'audit.verifyExport': {
    ...query(
      'Compare an exported report (its header and entries) with what the hub stored for the device: every entry the filters choose must be there, unedited; names the first entry that is not.',
      z.object({ deviceId: Id, header: AuditReportHeaderSchema, entries: z.array(AuditEntrySchema).max(100_000) }),
      ExportVerdictSchema,
    ),
    roles: ['admin', 'auditor'] as const,
    deviceOnly: false,
  },
};
