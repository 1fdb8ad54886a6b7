/** The e-invoice XML each document carried (standalone or attached to a PDF): read, or refused and why. */
export const migration005 = {
  version: 5,
  name: 'einvoices',
  sql: `
CREATE TABLE einvoices (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  attachment TEXT,
  syntax TEXT,
  profile TEXT,
  type_code TEXT,
  invoice_json TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  CHECK ((invoice_json IS NULL) != (error_code IS NULL))
);
CREATE INDEX einvoices_profile ON einvoices(profile);
`,
};
