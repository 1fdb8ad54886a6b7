import { z } from 'zod';
import { ModelInfoSchema } from '../document-model.ts';
import { query } from './define.ts';

export const StatsSchema = z.object({
  documents: z.object({ total: z.number().int(), pending: z.number().int(), processed: z.number().int(), failed: z.number().int(), duplicate: z.number().int() }),
  byDocType: z.record(z.string(), z.number().int()),
  byRoute: z.record(z.string(), z.number().int()),
  tasks: z.object({ open: z.number().int(), decided: z.number().int() }),
  failuresByCode: z.record(z.string(), z.number().int()),
  auditEntries: z.number().int(),
});
export type Stats = z.infer<typeof StatsSchema>;

export const systemContract = {
  'system.stats': query('Counts of documents by status, type and route; open tasks; failures by code.', z.object({}), StatsSchema),
  'system.info': query(
    'What this engine runs: data directory, OCR engine, model and execution provider, policy version, key storage.',
    z.object({}),
    z.object({
      version: z.string(),
      dataDir: z.string(),
      ocrEngine: z.string(),
      model: ModelInfoSchema.nullable(),
      policyVersion: z.string().nullable(),
      keyStorage: z.enum(['keychain', 'file']),
    }),
  ),
};
