import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migrations } from './index.ts';

describe('migration 008: verified hub configuration', () => {
  it('keeps artifacts pulled before signatures were checked, unsigned (so never applied)', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.filter((m) => m.version < 8));
    db.prepare(`INSERT INTO sync_artifacts (kind, name, version, sha256, content_json, received_at) VALUES ('policy', 'default', 1, 'x', '{}', '')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT name, signature, feed_seq FROM sync_artifacts').get()).toEqual({ name: 'default', signature: null, feed_seq: null });
    db.prepare(`INSERT INTO config_versions VALUES ('policy', 'default', 2, 'y', 'sig', '{}', '')`).run();
    expect(() => db.prepare(`INSERT INTO config_versions VALUES ('policy', 'default', 2, 'z', 'sig', '{}', '')`).run()).toThrow(/UNIQUE/);
  });
});
