/**
 * Model packages (issue 12): the admin keys the device trusts, the packages it installed, which one
 * serves each task (with the previous one kept for instant rollback and a candidate in shadow or
 * canary), and each document's run of the stable and candidate models for the rollout metrics.
 */
export const migration009 = {
  version: 9,
  name: 'model-packages',
  sql: `
CREATE TABLE model_trusted_keys (
  key_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('enrollment','manual')),
  added_at TEXT NOT NULL
);
CREATE TABLE model_packages (
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL CHECK (task IN ('doc-classifier','ocr')),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL UNIQUE,
  hub_package_id INTEGER,
  dir TEXT NOT NULL,
  key_id TEXT NOT NULL,
  manifest_json TEXT NOT NULL,
  installed_at TEXT NOT NULL
);
-- One row per task: NULL packages mean the model bundled with the app.
CREATE TABLE model_slots (
  task TEXT PRIMARY KEY CHECK (task IN ('doc-classifier','ocr')),
  active_package_id INTEGER REFERENCES model_packages(id),
  previous_package_id INTEGER REFERENCES model_packages(id),
  candidate_package_id INTEGER REFERENCES model_packages(id),
  candidate_stage TEXT CHECK (candidate_stage IN ('shadow','canary')),
  canary_percent REAL NOT NULL DEFAULT 0,
  rollout_id INTEGER,
  switched_at TEXT NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0
);
-- Each document classified while a candidate was assigned: both models' labels, and which one routed it.
CREATE TABLE model_runs (
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  task TEXT NOT NULL,
  rollout_id INTEGER,
  served_by TEXT NOT NULL CHECK (served_by IN ('stable','candidate')),
  stable_version TEXT,
  stable_label TEXT,
  candidate_version TEXT,
  candidate_label TEXT,
  created_at TEXT NOT NULL,
  reported_at TEXT,
  PRIMARY KEY (document_id, task)
);
CREATE INDEX model_runs_unreported ON model_runs(reported_at);
`,
};
