import { z } from 'zod';
import { ExtractedFieldSchema, ModelInfoSchema, RouteSchema, RuleResultSchema, TextSourceSchema } from './document-model.ts';
import { ErrorInfoSchema } from './result.ts';

/** What `countersign process --json` prints per document: the shape is part of the public contract. */
export const ProcessResultSchema = z.object({
  file: z.string(),
  sha256: z.string().optional(),
  documentId: z.number().int().optional(),
  status: z.enum(['processed', 'failed', 'duplicate']),
  duplicateOf: z.number().int().optional(),
  text: z
    .object({ source: TextSourceSchema, engine: z.string(), pages: z.number().int(), chars: z.number().int() })
    .optional(),
  docType: z.object({ label: z.string(), score: z.number() }).optional(),
  fields: z.record(z.string(), ExtractedFieldSchema).optional(),
  rules: z.array(RuleResultSchema).optional(),
  route: RouteSchema.optional(),
  model: ModelInfoSchema.optional(),
  timingsMs: z.record(z.string(), z.number()).optional(),
  error: ErrorInfoSchema.optional(),
});
export type ProcessResult = z.infer<typeof ProcessResultSchema>;
