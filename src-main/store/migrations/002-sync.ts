/** Device side of hub sync: the outbox of mutations, the pull cursor and what was pulled. */
export const migration002 = {
  version: 2,
  name: 'sync',
  sql: `
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- AUTOINCREMENT: a mutation id is never reused, even after rows are pruned, so the hub's
-- "last applied id per client" stays a true high-water mark.
CREATE TABLE sync_outbox (
  mutation_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  args_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  acked_at TEXT,
  result_status TEXT CHECK (result_status IN ('applied','duplicate','superseded','rejected')),
  result_message TEXT
);
CREATE INDEX sync_outbox_pending ON sync_outbox(mutation_id) WHERE acked_at IS NULL;
CREATE TABLE sync_hub_tasks (
  hub_task_id INTEGER PRIMARY KEY,
  task_json TEXT NOT NULL,
  status TEXT NOT NULL,
  priority INTEGER NOT NULL,
  local_decision TEXT,
  local_mutation_id INTEGER REFERENCES sync_outbox(mutation_id),
  updated_at TEXT NOT NULL
);
CREATE INDEX sync_hub_tasks_status ON sync_hub_tasks(status, priority);
CREATE TABLE sync_artifacts (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content_json TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (kind, name)
);
`,
};
