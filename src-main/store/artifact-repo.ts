import type { Artifact } from '../../src-shared/contract/hub.ts';
import type { Db } from './database.ts';

export interface StoredArtifact {
  kind: Artifact['kind'];
  name: string;
  version: number;
  sha256: string;
  signature: string;
  content: Record<string, unknown>;
}

type Row = { kind: Artifact['kind']; name: string; version: number; sha256: string; signature: string; content_json: string };
const toStored = (r: Row): StoredArtifact => ({ kind: r.kind, name: r.name, version: r.version, sha256: r.sha256, signature: r.signature, content: JSON.parse(r.content_json) as Record<string, unknown> });

/** The hub's artifacts on this device, verified: what is assigned now (`sync_artifacts`) and every version seen (`config_versions`). */
export class ArtifactRepo {
  constructor(private readonly db: Db) {}

  /** Stores a verified artifact as the one assigned under its kind and name, and keeps the version. */
  storeVerified(a: StoredArtifact, feedSeq: number, receivedAt: string): void {
    const json = JSON.stringify(a.content);
    this.db
      .prepare(
        `INSERT INTO sync_artifacts (kind, name, version, sha256, content_json, received_at, signature, feed_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(kind, name) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, content_json = excluded.content_json,
           received_at = excluded.received_at, signature = excluded.signature, feed_seq = excluded.feed_seq`,
      )
      .run(a.kind, a.name, a.version, a.sha256, json, receivedAt, a.signature, feedSeq);
    this.keepVersion(a, receivedAt);
  }

  /** Keeps a verified version without assigning it (a candidate to replay). */
  keepVersion(a: StoredArtifact, receivedAt: string): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO config_versions (kind, name, version, sha256, signature, content_json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(a.kind, a.name, a.version, a.sha256, a.signature, JSON.stringify(a.content), receivedAt);
  }

  /** The verified policy, rule set and templates assigned now, oldest assignment first (the last policy and rule set win). */
  assigned(): StoredArtifact[] {
    return this.db
      .prepare<[], Row>(`SELECT kind, name, version, sha256, signature, content_json FROM sync_artifacts WHERE signature IS NOT NULL AND kind IN ('policy', 'ruleSet', 'template') ORDER BY feed_seq, kind, name`)
      .all()
      .map(toStored);
  }

  /** A cheap fingerprint of what `assigned()` would return: it changes whenever an assignment does. */
  assignedFingerprint(): string {
    const r = this.db
      .prepare<[], { f: string | null }>(`SELECT group_concat(kind || ':' || name || '@' || version || '#' || feed_seq, ',') AS f FROM sync_artifacts WHERE signature IS NOT NULL AND kind IN ('policy', 'ruleSet', 'template')`)
      .get();
    return r?.f ?? '';
  }

  /** One verified version, assigned now or not. */
  version(kind: Artifact['kind'], name: string, version: number): StoredArtifact | null {
    const r = this.db.prepare<[string, string, number], Row>(`SELECT kind, name, version, sha256, signature, content_json FROM config_versions WHERE kind = ? AND name = ? AND version = ?`).get(kind, name, version);
    return r ? toStored(r) : null;
  }

  /** Every verified version of a kind, newest first. */
  versions(kind: Artifact['kind']): { name: string; version: number; receivedAt: string }[] {
    return this.db.prepare<[string], { name: string; version: number; receivedAt: string }>(`SELECT name, version, received_at AS receivedAt FROM config_versions WHERE kind = ? ORDER BY received_at DESC, name, version DESC`).all(kind);
  }

  /** The content of every verified artifact of a kind assigned now (model assignments, for the model service). */
  contentsOfKind(kind: Artifact['kind']): Record<string, unknown>[] {
    return this.db
      .prepare<[string], { content_json: string }>(`SELECT content_json FROM sync_artifacts WHERE kind = ? AND signature IS NOT NULL ORDER BY name`)
      .all(kind)
      .map((r) => JSON.parse(r.content_json) as Record<string, unknown>);
  }
}
