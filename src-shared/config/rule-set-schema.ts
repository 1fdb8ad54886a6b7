/**
 * Rule sets as versioned data: each rule has an id, a kind with its own params, a severity, the
 * doc types it applies to, and whether "could not check" counts as a failure.
 */
import { z } from 'zod';
import { DocTypeSchema, FieldNameSchema } from '../document-model.ts';

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _'),
  severity: z.enum(['info', 'warning', 'error']).default('error'),
  appliesTo: z.array(DocTypeSchema).min(1).default(['invoice', 'receipt', 'credit_note', 'purchase_order']),
  /** When true, a rule that cannot be evaluated (missing fields) counts as failed. */
  required: z.boolean().default(false),
  description: z.string().optional(),
};

export const RuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('totals_add_up'),
    params: z.strictObject({ tolerance: z.number().min(0).default(0.02) }).default({ tolerance: 0.02 }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('line_items_sum'),
    params: z
      .strictObject({ tolerance: z.number().min(0).default(0.05), compareTo: z.enum(['subtotal', 'total', 'subtotal_or_total']).default('subtotal_or_total') })
      .default({ tolerance: 0.05, compareTo: 'subtotal_or_total' }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('dates_plausible'),
    params: z
      .strictObject({
        maxAgeDays: z.number().int().positive().default(3650),
        futureToleranceDays: z.number().int().min(0).default(1),
        maxPaymentTermDays: z.number().int().positive().default(365),
      })
      .default({ maxAgeDays: 3650, futureToleranceDays: 1, maxPaymentTermDays: 365 }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('duplicate'),
    params: z.strictObject({}).default({}),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('required_fields'),
    params: z.strictObject({ fields: z.partialRecord(DocTypeSchema, z.array(FieldNameSchema)) }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('iban_checksum'),
    params: z.strictObject({}).default({}),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('vat_id_format'),
    params: z
      .strictObject({ countries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional() })
      .default({}),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('einvoice_matches_page'),
    params: z.strictObject({}).default({}),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('einvoice_valid'),
    params: z.strictObject({}).default({}),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('no_marks_of'),
    /** The document type whose marks must be absent (src-main/route/type-cues.ts). */
    params: z.strictObject({ docType: DocTypeSchema }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('vendor_allow_list'),
    params: z.strictObject({ vendors: z.array(z.string().min(1)).min(1) }),
  }),
]);
export type Rule = z.infer<typeof RuleSchema>;
export type RuleKind = Rule['kind'];

export const RuleSetSchema = z
  .strictObject({
    version: z.union([z.string(), z.number()]).transform(String),
    rules: z.array(RuleSchema),
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });
export type RuleSet = z.infer<typeof RuleSetSchema>;
