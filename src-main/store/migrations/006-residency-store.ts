/**
 * What the device has sent the hub of its audit log: the filtered projection of each entry (values
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
`,
};
