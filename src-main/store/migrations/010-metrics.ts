/**
 * Insights read what the pipeline and reviewers already record, by time: indexes so a window's
 * metrics cost a range scan, not a pass over every row (the overhead is in docs/benchmarks.md).
 */
export const migration010 = {
  version: 10,
  name: 'metrics',
  sql: `
CREATE INDEX documents_updated ON documents(updated_at);
CREATE INDEX stage_runs_started ON stage_runs(stage, started_at);
CREATE INDEX predictions_created ON predictions(created_at);
CREATE INDEX decisions_created ON decisions(created_at);
`,
};
