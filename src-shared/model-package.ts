import { z } from 'zod';

/**
 * A model package: a model folder plus this manifest, signed with an admin Ed25519 key. The same
 * package carries the document classifier or the ONNX OCR reader; `task` says which.
 */
export const ModelTaskSchema = z.enum(['doc-classifier', 'ocr']);
export type ModelTask = z.infer<typeof ModelTaskSchema>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
/** A relative path inside the package: no `..`, no absolute path, forward slashes. */
const PackagePath = z
  .string()
  .min(1)
  .max(300)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\-/]+$/, 'a relative path inside the package');
export const VersionSchema = z.string().regex(/^\d+(\.\d+){0,3}([-+][0-9A-Za-z.-]+)?$/, 'a version like 1.2.0');

export const ModelManifestSchema = z.object({
  format: z.literal('countersign-model-package/1'),
  name: z.string().min(1).max(200),
  version: VersionSchema,
  task: ModelTaskSchema,
  labels: z.array(z.string().min(1).max(100)).max(1000),
  files: z.array(z.object({ path: PackagePath, sha256: Sha256, size: z.number().int().min(0) })).min(1).max(200),
  /** Evaluation figures the admin decides on (accuracy, ECE, …), as the training run measured them. */
  metrics: z.record(z.string(), z.number()),
  minAppVersion: VersionSchema,
  createdAt: z.string(),
});
export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** The manifest with its Ed25519 signature over the manifest's canonical JSON, and the signing key's id. */
export const SignedManifestSchema = z.object({
  manifest: ModelManifestSchema,
  signature: z.string().min(1).max(200).nullable().describe('Ed25519 signature, base64; null when unsigned (always refused)'),
  keyId: z.string().max(100).nullable().describe('SHA-256 (hex, first 16 bytes) of the signing public key (SPKI DER)'),
});
export type SignedManifest = z.infer<typeof SignedManifestSchema>;

/** Rollout stages of a candidate model at a site (or a device group within it). */
export const RolloutStageSchema = z.enum(['shadow', 'canary', 'stable', 'rolled_back']);
export type RolloutStage = z.infer<typeof RolloutStageSchema>;

export const PackageRefSchema = z.object({ packageId: z.number().int().min(1), name: z.string(), version: z.string(), manifestSha256: Sha256 });
export type PackageRef = z.infer<typeof PackageRefSchema>;

/**
 * What a device is told for one task (the content of a `modelAssignment` artifact named after the task):
 * the stable package, and the candidate with its stage. `deviceIds` limits the candidate to a device
 * group; `canaryPercent` is the share of documents it serves on those devices in `canary`.
 */
export const ModelAssignmentSchema = z.object({
  task: ModelTaskSchema,
  rolloutId: z.number().int().min(1).nullable(),
  stable: PackageRefSchema.nullable(),
  candidate: PackageRefSchema.extend({ stage: z.enum(['shadow', 'canary']), canaryPercent: z.number().min(0).max(100), deviceIds: z.array(z.number().int()).nullable() }).nullable(),
});
export type ModelAssignment = z.infer<typeof ModelAssignmentSchema>;

/**
 * One reviewed document's model outcome, as a device reports it (metadata only: labels and versions,
 * never text). `servedBy` is the model whose label routed the document; `candidateLabel` is set when
 * the candidate ran (shadow or served).
 */
export const ModelOutcomeSchema = z.object({
  outcomeId: z.number().int().min(1),
  task: ModelTaskSchema,
  rolloutId: z.number().int().min(1).nullable(),
  servedBy: z.enum(['stable', 'candidate']),
  stableVersion: z.string().nullable(),
  candidateVersion: z.string().nullable(),
  stableLabel: z.string().nullable(),
  candidateLabel: z.string().nullable(),
  reviewedLabel: z.string(),
  /** The reviewer changed the served label or a field read under it. */
  overridden: z.boolean(),
});
export type ModelOutcome = z.infer<typeof ModelOutcomeSchema>;

/** -1, 0 or 1: numeric parts compared in order, missing parts as 0; a pre-release tag sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split(/[-+]/, 2);
    return { parts: core!.split('.').map(Number), pre: v.includes('-') ? (pre ?? '') : null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}
