/**
 * Masking of the fields a policy marks sensitive (`sensitiveFields`), one rule for the reviewer's
 * screens and for exports: only the last four characters show.
 */
export function maskValue(value: string): string {
  const visible = value.replace(/\s/g, '').slice(-4);
  return `${'•'.repeat(Math.max(4, Math.min(12, value.length - 4)))}${visible}`;
}

/**
 * An audit entry's data with the values of sensitive fields masked: field maps (`fields`,
 * `corrections`) and correction lists (`changes`). Everything else is left as it is.
 */
export function maskAuditData(data: Record<string, unknown>, sensitive: readonly string[]): Record<string, unknown> {
  const isSensitive = (f: unknown) => typeof f === 'string' && sensitive.includes(f);
  const mask = (v: unknown) => (typeof v === 'string' ? maskValue(v) : v);
  const out: Record<string, unknown> = { ...data };
  for (const key of ['fields', 'corrections']) {
    const m = data[key];
    if (!m || typeof m !== 'object' || Array.isArray(m)) continue;
    out[key] = Object.fromEntries(
      Object.entries(m as Record<string, unknown>).map(([f, v]) => {
        if (!isSensitive(f)) return [f, v];
        if (v && typeof v === 'object' && 'value' in v) return [f, { ...(v as object), value: mask((v as { value: unknown }).value) }];
        return [f, mask(v)];
      }),
    );
  }
  if (Array.isArray(data.changes)) {
    out.changes = data.changes.map((c: unknown) => {
      const ch = c as { field?: unknown; oldValue?: unknown; newValue?: unknown };
      return ch && isSensitive(ch.field) ? { ...ch, oldValue: mask(ch.oldValue), newValue: mask(ch.newValue) } : c;
    });
  }
  return out;
}
