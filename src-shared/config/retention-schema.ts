import { z } from 'zod';
import { DocTypeSchema } from '../document-model.ts';

/** Days each kind of content is kept after a document was added; a kind not named is kept. */
export const RetentionRuleSchema = z.strictObject({
  /** The original file (and so its page images, which are rendered from it). */
  originalsDays: z.number().int().min(0).optional(),
  /** Page text and OCR words. */
  textDays: z.number().int().min(0).optional(),
  /** Extracted and corrected field values, and line items. */
  fieldValuesDays: z.number().int().min(0).optional(),
});
export type RetentionRule = z.infer<typeof RetentionRuleSchema>;

/** Per doc type, with `default` for the rest. */
export const RetentionPolicySchema = z.partialRecord(z.union([DocTypeSchema, z.literal('default')]), RetentionRuleSchema).default({});
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;
