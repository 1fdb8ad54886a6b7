/** Per-vendor templates as data: an issuer, keywords that must all match, a regex per field, date formats, decimal separator and currency. */
import { z } from 'zod';
import { FieldNameSchema } from '../document-model.ts';

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'imu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

export const FieldRuleSchema = z.union([
  regexString,
  z.strictObject({
    /** A regex; the first capture group (or the whole match) is the value. */
    regex: regexString.optional(),
    /** A fixed value, for fields the layout never prints (currency, vendor brand). */
    value: z.string().optional(),
  }),
]);

export const VendorTemplateSchema = z.strictObject({
  issuer: z.string().min(1),
  /** Regexes that must all match the document text for the template to apply. */
  keywords: z.array(regexString).min(1),
  excludeKeywords: z.array(regexString).default([]),
  fields: z.partialRecord(FieldNameSchema, FieldRuleSchema).default({}),
  options: z
    .strictObject({
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
      dateFormats: z.array(z.string()).default([]),
      decimalSeparator: z.enum(['.', ',']).optional(),
      language: z.string().optional(),
    })
    .default({ dateFormats: [] }),
});
export type VendorTemplate = z.infer<typeof VendorTemplateSchema> & { name: string };
