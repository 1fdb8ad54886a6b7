/**
 * Per-vendor templates as data, in the spirit of invoice2data: an issuer, keywords that must all
 * match, a regex per field, date formats, decimal separator and currency. A matching template's
 * fields override generic extraction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import { normaliseAmount } from './normalise-amount.ts';
import { normaliseDate, parseDateWithFormat } from './normalise-date.ts';

export { VendorTemplateSchema, type VendorTemplate } from '../../src-shared/config/vendor-template-schema.ts';
import { VendorTemplateSchema, type FieldRuleSchema, type VendorTemplate } from '../../src-shared/config/vendor-template-schema.ts';


export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Validates one parsed template; the error names the file and the bad key. */
export function parseTemplate(data: unknown, name: string): VendorTemplate {
  const result = VendorTemplateSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.') || '(top level)';
    const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.map((k) => `"${k}"`).join(', ')}` : '';
    throw new TemplateError(`template ${name}: ${path}:${keys} ${issue.message}`);
  }
  return { ...result.data, name };
}

/** Loads and validates every *.yaml / *.yml template in a folder, sorted by file name. */
export function loadTemplates(dir: string): VendorTemplate[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((file) => {
      let data: unknown;
      try {
        data = parseYaml(readFileSync(join(dir, file), 'utf8'));
      } catch (err) {
        throw new TemplateError(`template ${file}: not valid YAML: ${(err as Error).message}`);
      }
      return parseTemplate(data, file.replace(/\.ya?ml$/i, ''));
    });
}

export function templateMatches(template: VendorTemplate, text: string): boolean {
  return (
    template.keywords.every((k) => new RegExp(k, 'imu').test(text)) &&
    !template.excludeKeywords.some((k) => new RegExp(k, 'imu').test(text))
  );
}

const AMOUNT_FIELDS = new Set<FieldName>(['total', 'subtotal', 'tax']);
const DATE_FIELDS = new Set<FieldName>(['issueDate', 'dueDate']);

/** The fields a template reads from the text; fields whose regex finds nothing are left out. */
export function applyTemplate(template: VendorTemplate, text: string): Partial<Record<FieldName, ExtractedField>> {
  const source = `template:${template.name}`;
  const out: Partial<Record<FieldName, ExtractedField>> = {
    vendor: { value: template.issuer, confidence: 0.95, source, note: 'issuer of the matching template' },
  };
  if (template.options.currency) {
    out.currency = { value: template.options.currency, confidence: 0.95, source, note: 'currency of the matching template' };
  }
  for (const [name, rule] of Object.entries(template.fields) as [FieldName, z.infer<typeof FieldRuleSchema>][]) {
    const spec = typeof rule === 'string' ? { regex: rule } : rule;
    if (spec.value !== undefined) {
      out[name] = { value: spec.value, confidence: 0.95, source, note: 'fixed value in the template' };
      continue;
    }
    if (!spec.regex) continue;
    const m = new RegExp(spec.regex, 'imu').exec(text);
    if (!m) continue;
    const raw = (m[1] ?? m[0]).trim();
    const value = normaliseTemplateValue(template, name, raw);
    if (value === null) continue;
    out[name] = { value, confidence: 0.9, raw, source, note: `read by the template's ${name} pattern` };
  }
  return out;
}

function normaliseTemplateValue(template: VendorTemplate, name: FieldName, raw: string): string | null {
  if (AMOUNT_FIELDS.has(name)) return normaliseAmount(raw, template.options.decimalSeparator);
  if (DATE_FIELDS.has(name)) {
    for (const f of template.options.dateFormats) {
      const iso = parseDateWithFormat(raw, f);
      if (iso) return iso;
    }
    return normaliseDate(raw);
  }
  return raw.replace(/\s+/g, ' ');
}
