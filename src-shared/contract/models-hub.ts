import { z } from 'zod';
import { ModelOutcomeSchema, ModelTaskSchema, RolloutStageSchema, SignedManifestSchema } from '../model-package.ts';
import { mutation, query, type CallSpec } from './define.ts';

/** The hub's model package calls (issue 12): keys, upload and publish, chunked download, rollouts, outcomes. */

type Role = 'admin' | 'reviewer' | 'clerk' | 'auditor';
const roles = <I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>, r: readonly Role[], deviceOnly = false) => ({ ...spec, roles: r, deviceOnly });
const ADMIN: Role[] = ['admin'];
const ADMIN_AUDITOR: Role[] = ['admin', 'auditor'];
const DEVICE_USERS: Role[] = ['admin', 'reviewer', 'clerk'];

const Id = z.number().int().min(1);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
/** At most 4 MiB of file per request (base64 in JSON stays under the hub's body limit). */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

export const ModelPackageSchema = z.object({
  id: Id,
  name: z.string(),
  version: z.string(),
  task: ModelTaskSchema,
  manifestSha256: Sha256,
  keyId: z.string(),
  metrics: z.record(z.string(), z.number()),
  minAppVersion: z.string(),
  size: z.number().int(),
  createdAt: z.string(),
});
export type ModelPackage = z.infer<typeof ModelPackageSchema>;

const RateSchema = z.object({ n: z.number().int(), rate: z.number().nullable() });
export const RolloutMetricsSchema = z.object({
  decisions: z.number().int().describe('Reviewed documents reported for this rollout.'),
  candidateDisagreement: RateSchema.describe("Share of reviewed documents where the candidate's label differs from the reviewer's."),
  stableDisagreement: RateSchema,
  candidateOverride: RateSchema.describe('Share of documents the candidate routed whose label the reviewer changed.'),
  stableOverride: RateSchema,
});
export type RolloutMetrics = z.infer<typeof RolloutMetricsSchema>;

export const RolloutSchema = z.object({
  id: Id,
  siteId: Id,
  task: ModelTaskSchema,
  packageId: Id,
  packageVersion: z.string(),
  baselinePackageId: Id.nullable().describe('The stable package when the rollout started (null: the model bundled with the app).'),
  stage: RolloutStageSchema,
  canaryPercent: z.number(),
  deviceIds: z.array(Id).nullable(),
  margin: z.number(),
  minDecisions: z.number().int(),
  reason: z.string().nullable(),
  metrics: RolloutMetricsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rollout = z.infer<typeof RolloutSchema>;

export const modelsHubContract = {
  'models.registerKey': roles(
    mutation('Register an admin Ed25519 public key that signs model packages; devices pin the registered keys when they first sync.', z.object({ publicKey: z.string().min(40).max(200) }), z.object({ keyId: z.string(), created: z.boolean() })),
    ADMIN,
  ),
  'models.keys': roles(query('The registered admin keys.', z.object({}), z.object({ items: z.array(z.object({ keyId: z.string(), publicKey: z.string(), createdAt: z.string() })) })), DEVICE_USERS.concat('auditor')),
  'models.uploadFile': roles(
    mutation(
      'Upload a chunk of a package file (by its SHA-256); resumes at the size the hub holds. The file is sealed when its bytes hash to its name.',
      z.object({ sha256: Sha256, size: z.number().int().min(0), offset: z.number().int().min(0), dataBase64: z.string().max(Math.ceil((MAX_CHUNK_BYTES * 4) / 3) + 4) }),
      z.object({ have: z.number().int(), sealed: z.boolean() }),
    ),
    ADMIN,
  ),
  'models.fileStatus': roles(query('How much of a package file the hub holds.', z.object({ sha256: Sha256 }), z.object({ have: z.number().int(), sealed: z.boolean() })), ADMIN),
  'models.publish': roles(
    mutation('Publish a signed package whose files were uploaded: the signature must verify under a registered key.', SignedManifestSchema, ModelPackageSchema),
    ADMIN,
  ),
  'models.list': roles(query('Published packages.', z.object({}), z.object({ items: z.array(ModelPackageSchema) })), ADMIN_AUDITOR),
  'models.manifest': roles(query('The signed manifest of a package (devices verify it themselves).', z.object({ packageId: Id }), SignedManifestSchema), DEVICE_USERS, true),
  'models.chunk': roles(
    query(
      'A range of a package file, for a download that resumes.',
      z.object({ packageId: Id, path: z.string().min(1).max(300), offset: z.number().int().min(0), length: z.number().int().min(1).max(MAX_CHUNK_BYTES) }),
      z.object({ dataBase64: z.string(), size: z.number().int() }),
    ),
    DEVICE_USERS,
    true,
  ),
  'models.rollout': roles(
    mutation(
      "Start rolling a package out at a site (optionally to a device group): shadow first, or straight to canary or stable. Automatic rollback when the candidate's disagreement with reviewers or override rate exceeds the stable model's by `margin` over at least `minDecisions` reviewed documents.",
      z.object({
        siteId: Id,
        packageId: Id,
        stage: z.enum(['shadow', 'canary', 'stable']).default('shadow'),
        canaryPercent: z.number().min(0).max(100).default(10),
        deviceIds: z.array(Id).min(1).max(1000).nullable().default(null),
        margin: z.number().min(0).max(1).default(0.05),
        minDecisions: z.number().int().min(1).max(1_000_000).default(50),
      }),
      RolloutSchema,
    ),
    ADMIN,
  ),
  'models.promote': roles(
    mutation(
      'Move a rollout to canary (with a share) or stable; stable makes the package the site model.',
      z.object({ rolloutId: Id, stage: z.enum(['shadow', 'canary', 'stable']), canaryPercent: z.number().min(0).max(100).optional(), deviceIds: z.array(Id).min(1).max(1000).nullable().optional() }),
      RolloutSchema,
    ),
    ADMIN,
  ),
  'models.rollback': roles(mutation('Roll a rollout back: devices return to the stable model.', z.object({ rolloutId: Id, reason: z.string().min(1).max(500) }), RolloutSchema), ADMIN),
  'models.rollouts': roles(query('Rollouts with their metrics.', z.object({ siteId: Id.optional() }), z.object({ items: z.array(RolloutSchema) })), ADMIN_AUDITOR),
  'models.reportOutcomes': roles(
    mutation(
      'A device reports reviewed documents: which model routed, both labels, the reviewer label (metadata only). May roll a rollout back.',
      z.object({ outcomes: z.array(ModelOutcomeSchema).min(1).max(1000) }),
      z.object({ stored: z.number().int(), rolledBack: z.array(Id) }),
    ),
    DEVICE_USERS,
    true,
  ),
};
