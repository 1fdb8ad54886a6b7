import type { Stats } from '../../src-shared/contract/system.ts';
import type { Db } from './database.ts';

/** The counts `system.stats` reports: documents by status, type, route and failure code; tasks by status; audit entries. */
export class StatsRepo {
  constructor(private readonly db: Db) {}

  stats(): Stats {
    const count = (sql: string) => (this.db.prepare<[], { n: number }>(sql).get() ?? { n: 0 }).n;
    const group = (sql: string) => Object.fromEntries(this.db.prepare<[], { k: string; n: number }>(sql).all().map((r) => [r.k, r.n]));
    const byStatus = group('SELECT status AS k, count(*) AS n FROM documents GROUP BY status');
    const tasks = group('SELECT status AS k, count(*) AS n FROM tasks GROUP BY status');
    return {
      documents: {
        total: Object.values(byStatus).reduce((a, b) => a + b, 0),
        pending: byStatus.pending ?? 0,
        processed: byStatus.processed ?? 0,
        failed: byStatus.failed ?? 0,
        duplicate: byStatus.duplicate ?? 0,
      },
      byDocType: group('SELECT doc_type AS k, count(*) AS n FROM documents WHERE doc_type IS NOT NULL GROUP BY doc_type'),
      byRoute: group('SELECT route_action AS k, count(*) AS n FROM documents WHERE route_action IS NOT NULL GROUP BY route_action'),
      tasks: { open: tasks.open ?? 0, decided: tasks.decided ?? 0 },
      failuresByCode: group(`SELECT error_code AS k, count(*) AS n FROM documents WHERE status = 'failed' GROUP BY error_code`),
      auditEntries: count('SELECT count(*) AS n FROM audit'),
    };
  }
}
