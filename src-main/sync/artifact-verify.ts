import { artifactContentProblem } from '../../src-shared/config/artifact-content.ts';
import { signedArtifactFields } from '../../src-shared/config/signed-artifact.ts';
import type { Artifact } from '../../src-shared/contract/hub.ts';
import { sha256OfJson, verifyJson } from '../../src-common/signing/ed25519.ts';
import type { StoredArtifact } from '../store/artifact-repo.ts';

export type ArtifactRefusalReason = 'no_hub_key' | 'unsigned' | 'bad_hash' | 'bad_signature' | 'invalid_content';
export interface ArtifactRefusal {
  reason: ArtifactRefusalReason;
  message: string;
}

/**
 * Checks a pulled artifact before anything of it is stored: its content hashes to the SHA-256 it
 * claims, the hub key pinned at enrollment signed that hash, and the content loads with the engine's
 * schemas. Anything else (tampered on the way, unsigned, signed by another hub) is refused.
 */
export function verifyArtifact(a: Artifact, hubPublicKey: string | null): { ok: true; artifact: StoredArtifact } | { ok: false; refusal: ArtifactRefusal } {
  const what = `${a.kind} ${a.name} version ${a.version}`;
  const refuse = (reason: ArtifactRefusalReason, message: string) => ({ ok: false as const, refusal: { reason, message: `Refused ${what}: ${message}` } });
  if (!hubPublicKey) return refuse('no_hub_key', 'this device has no hub key pinned (it enrolled before artifacts were signed): enroll it again to apply configuration from the hub');
  if (!a.signature) return refuse('unsigned', 'it carries no hub signature');
  const actual = sha256OfJson(a.content);
  if (actual !== a.sha256) return refuse('bad_hash', `its content hashes to ${actual.slice(0, 12)}…, not the ${a.sha256.slice(0, 12)}… it claims (changed on the way)`);
  if (!verifyJson(hubPublicKey, signedArtifactFields(a), a.signature)) return refuse('bad_signature', 'its signature is not from the hub this device enrolled with');
  const problem = artifactContentProblem(a.kind, a.name, a.content);
  if (problem) return refuse('invalid_content', problem);
  return { ok: true, artifact: { kind: a.kind, name: a.name, version: a.version, sha256: a.sha256, signature: a.signature, content: a.content } };
}
