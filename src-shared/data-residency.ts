import { z } from 'zod';
import { FieldNameSchema, type FieldName } from './document-model.ts';

/**
 * What may leave the site, in one place for the device and the hub. Field names are the engine's
 * (`FieldNameSchema`); a site policy (the hub's `policy` artifact) may name its own list.
 */
export const DEFAULT_EXPORTABLE_FIELDS: readonly FieldName[] = ['vendor', 'total', 'subtotal', 'tax', 'currency', 'documentNumber', 'issueDate', 'dueDate', 'poNumber'];

/** How a file name travels to the hub: as it is, as a keyed hash (the default), or not at all. */
export const FileNamePolicySchema = z.enum(['keep', 'hash', 'drop']);
export type FileNamePolicy = z.infer<typeof FileNamePolicySchema>;

/** The residency part of a site policy; anything missing falls back to the defaults. */
export const ResidencyPolicySchema = z.object({
  exportableFields: z.array(z.string()).default([...DEFAULT_EXPORTABLE_FIELDS]),
  fileNames: FileNamePolicySchema.default('hash'),
});
export type ResidencyPolicy = z.infer<typeof ResidencyPolicySchema>;

/** Reads the residency settings out of a policy's content; unknown or malformed settings fall back to the safe defaults. */
export function residencyFromPolicy(content: Record<string, unknown> | null | undefined): ResidencyPolicy {
  const fields = Array.isArray(content?.exportableFields) ? content.exportableFields.map(String) : [...DEFAULT_EXPORTABLE_FIELDS];
  const names = FileNamePolicySchema.safeParse(content?.fileNames);
  return { exportableFields: fields, fileNames: names.success ? names.data : 'hash' };
}

export const isKnownField = (name: string): name is FieldName => FieldNameSchema.safeParse(name).success;
