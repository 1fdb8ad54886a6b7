/**
 * Configuration from the hub, verified: each pulled artifact's hub signature and its place in the
 * feed (the latest policy and rule set win), and every verified version kept, so a candidate can be
 * replayed and a route names a version that can still be read.
 */
export const migration008 = {
  version: 8,
  name: 'hub-config',
  sql: `
ALTER TABLE sync_artifacts ADD COLUMN signature TEXT;
ALTER TABLE sync_artifacts ADD COLUMN feed_seq INTEGER;
-- The configuration a prediction was made under, as on its route, task and audit entries.
ALTER TABLE predictions ADD COLUMN policy_version TEXT;
CREATE TABLE config_versions (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  content_json TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (kind, name, version)
);
`,
};
