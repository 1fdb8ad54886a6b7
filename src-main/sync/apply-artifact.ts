import type { Artifact } from '../../src-shared/contract/hub.ts';
import type { RecordAudit } from '../store/mutate.ts';
import type { ArtifactRepo } from '../store/artifact-repo.ts';
import { verifyArtifact } from './artifact-verify.ts';

export const SYNC_ACTOR = 'hub-sync';

/**
 * One pulled artifact, inside the pull's transaction: verified and stored as assigned (audited as
 * `config.received`), or refused with the reason in the audit log (`config.refused`) and nothing stored.
 * The engine picks a stored policy, rule set or template up for the next document it routes.
 */
/** Returns why the artifact was refused, or null when it was stored. */
export function applyArtifact(d: { repo: ArtifactRepo; audit: RecordAudit; hubPublicKey: string | null }, a: Artifact, feedSeq: number, now: string): string | null {
  const checked = verifyArtifact(a, d.hubPublicKey);
  const data = { kind: a.kind, name: a.name, version: a.version, sha256: a.sha256 };
  if (!checked.ok) {
    d.audit({ actor: SYNC_ACTOR, event: 'config.refused', documentSha256: null, data: { ...data, reason: checked.refusal.reason, message: checked.refusal.message }, policyVersion: null });
    return checked.refusal.message;
  }
  d.repo.storeVerified(checked.artifact, feedSeq, now);
  d.audit({ actor: SYNC_ACTOR, event: 'config.received', documentSha256: null, data, policyVersion: null });
  return null;
}
