/**
 * Two tables for what leaves and what is removed. What the device has sent the hub of its audit log: the filtered projection of each entry (values
 * the site policy keeps on site replaced by keyed hashes), chained and hashed on its own, so a resend
 * after a lost reply or a hub restore sends exactly the same bytes. The local log keeps the originals.
 */
export const migration006 = {
  version: 6,
  name: 'residency-store',
  sql: `
CREATE TABLE audit_outbound (
  seq INTEGER PRIMARY KEY,
  entry_json TEXT NOT NULL
);
-- What retention or a redaction removed from a document: the kind and the SHA-256 of the removed
-- content, so a copy can still be matched to it; the audit entry for the removal names the same hash.
CREATE TABLE tombstones (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('original','text','field_values','redaction')),
  sha256 TEXT NOT NULL,
  removed_at TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX tombstones_document ON tombstones(document_id, kind);
`,
};
