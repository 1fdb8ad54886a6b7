/** The first schema: every pipeline stage and every decision has a table, so later stages only add rows. */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  sha256 TEXT,
  file_name TEXT NOT NULL,
  source_path TEXT,
  mime TEXT,
  size_bytes INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','processed','failed','duplicate')),
  stage TEXT,
  duplicate_of INTEGER REFERENCES documents(id),
  page_count INTEGER,
  text_source TEXT,
  text_engine TEXT,
  char_count INTEGER,
  doc_type TEXT,
  doc_type_score REAL,
  route_action TEXT,
  route_reasons TEXT,
  policy_version TEXT,
  model_json TEXT,
  timings_json TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Content addressing: one original per byte content; repeats are rows with status 'duplicate'.
CREATE UNIQUE INDEX documents_original_sha ON documents(sha256) WHERE status != 'duplicate' AND sha256 IS NOT NULL;
CREATE INDEX documents_sha ON documents(sha256);
CREATE INDEX documents_status ON documents(status, created_at);

CREATE TABLE pages (
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page_no INTEGER NOT NULL,
  width REAL NOT NULL,
  height REAL NOT NULL,
  source TEXT NOT NULL,
  engine TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (document_id, page_no)
);

CREATE TABLE words (
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page_no INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,
  confidence REAL NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (document_id, page_no, idx)
) WITHOUT ROWID;

CREATE TABLE stage_runs (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok','failed')),
  started_at TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  engine TEXT,
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX stage_runs_document ON stage_runs(document_id);

CREATE TABLE predictions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  score REAL NOT NULL,
  scores_json TEXT,
  model_name TEXT NOT NULL,
  model_version TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  execution_provider TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX predictions_document ON predictions(document_id);

CREATE TABLE extractions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  raw_value TEXT,
  confidence REAL NOT NULL,
  page_no INTEGER,
  box_json TEXT,
  source TEXT NOT NULL,
  note TEXT,
  superseded_by INTEGER REFERENCES extractions(id),
  -- Set for a reviewer's correction, so undoing the decision finds exactly its values.
  decision_id INTEGER REFERENCES decisions(id),
  created_at TEXT NOT NULL
);
CREATE INDEX extractions_document ON extractions(document_id, field);

CREATE TABLE line_items (
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  description TEXT NOT NULL,
  quantity TEXT,
  unit_price TEXT,
  amount TEXT NOT NULL,
  page_no INTEGER,
  PRIMARY KEY (document_id, idx)
);

CREATE TABLE rule_results (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  rule_set_version TEXT NOT NULL,
  passed INTEGER NOT NULL,
  severity TEXT,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX rule_results_document ON rule_results(document_id);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  kind TEXT NOT NULL DEFAULT 'review',
  status TEXT NOT NULL CHECK (status IN ('open','decided','cancelled')),
  reasons_json TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  policy_version TEXT,
  batch_approvable INTEGER NOT NULL DEFAULT 0,
  qa_sampled INTEGER NOT NULL DEFAULT 0,
  origin TEXT NOT NULL DEFAULT 'local',
  hub_task_id TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX tasks_status ON tasks(status, created_at);
CREATE INDEX tasks_document ON tasks(document_id);

CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  document_id INTEGER NOT NULL REFERENCES documents(id),
  action TEXT NOT NULL CHECK (action IN ('approve','correct','reject')),
  actor TEXT NOT NULL,
  reason TEXT,
  changes_json TEXT NOT NULL,
  time_spent_ms INTEGER,
  model_json TEXT,
  policy_version TEXT,
  undone_at TEXT,
  superseded INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX decisions_task ON decisions(task_id);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  actor TEXT NOT NULL,
  event TEXT NOT NULL,
  document_sha256 TEXT,
  data_json TEXT NOT NULL,
  model_json TEXT,
  policy_version TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_event ON audit(event);
CREATE INDEX audit_document ON audit(document_sha256);
-- Append-only at the SQL level; the hash chain catches anyone who edits the file directly.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
};
