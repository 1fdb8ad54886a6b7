import { z } from 'zod';
import { DocTypeSchema } from '../document-model.ts';
import { AuditEntrySchema } from './audit.ts';
import { auditReportHubCalls } from './audit-report.ts';
import { mutation, query, type CallSpec, type ContractMap, type HandlersOf } from './define.ts';
import { DecisionActionSchema } from './tasks.ts';
import { hubMetricsContract } from './hub-metrics.ts';
import { modelsHubContract } from './models-hub.ts';

/**
 * The hub's API, declared once like the engine's: every call is `POST /v1/<name>` with one JSON
 * argument and a `{ok, value} | {ok: false, error}` reply; `GET /openapi.json` is generated from it.
 * Each call also names the roles that may use it (the hub answers 401 without a credential, 403 otherwise).
 */

export const HubRoleSchema = z.enum(['admin', 'reviewer', 'clerk', 'auditor']);
export type HubRole = z.infer<typeof HubRoleSchema>;
/** An enrollment code is a credential too, good for exactly one call: `device.enroll`. */
export type HubPrincipalRole = HubRole | 'enrollment';

const Id = z.number().int().min(1);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const Name = z.string().min(1).max(200);
/** User tokens expire: 90 days unless asked otherwise (at most 2 years). */
const TokenTtlDays = z.number().int().min(1).max(730).default(90);

export const SiteSchema = z.object({ id: Id, name: z.string(), createdAt: z.string() });
export const UserSchema = z.object({ id: Id, name: z.string(), role: HubRoleSchema, siteId: Id.nullable(), revoked: z.boolean(), createdAt: z.string() });
export const DeviceSchema = z.object({
  id: Id,
  name: z.string(),
  siteId: Id,
  userId: Id,
  publicKey: z.string(),
  revoked: z.boolean(),
  enrolledAt: z.string(),
  auditAckSeq: z.number().int(),
});
export const QueueSchema = z.object({ id: Id, siteId: Id, name: z.string(), createdAt: z.string() });

export const ArtifactKindSchema = z.enum(['policy', 'ruleSet', 'template', 'modelAssignment']);
export type ArtifactKind = z.infer<typeof ArtifactKindSchema>;
export const ArtifactSchema = z.object({
  kind: ArtifactKindSchema,
  name: z.string(),
  version: z.number().int(),
  sha256: z.string(),
  content: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  /** The hub's Ed25519 signature (base64) of {kind, name, version, sha256}; devices check it with the key pinned at enrollment; absent on feed entries from before signing, which devices refuse. */
  signature: z.string().optional(),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

/** Metadata only: the document stays on the device that holds it; the hub knows where and what it is. */
export const HubTaskInputSchema = z.object({
  queueId: Id,
  docRef: z.string().min(1).max(500).describe('Where the document is found inside the site (e.g. device id and local document id).'),
  docSha256: Sha256,
  docType: DocTypeSchema,
  fields: z.record(z.string().max(100), z.string().max(500)).default({}).describe('Amounts and fields the site policy lets leave the site.'),
  priority: z.number().int().min(0).max(100).default(0),
  dueAt: z.string().datetime().nullable().default(null),
});

export const LeaseSchema = z.object({ taskId: Id, deviceId: Id, userId: Id, expiresAt: z.string() });

export const HubTaskSchema = z.object({
  id: Id,
  siteId: Id,
  queueId: Id,
  docRef: z.string(),
  docSha256: z.string(),
  docType: DocTypeSchema,
  fields: z.record(z.string(), z.string()),
  priority: z.number().int(),
  dueAt: z.string().nullable(),
  status: z.enum(['open', 'decided', 'cancelled']),
  decision: z
    .object({ action: DecisionActionSchema, user: z.string(), deviceId: Id.nullable(), decidedAt: z.string(), receivedAt: z.string() })
    .nullable(),
  lease: LeaseSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HubTask = z.infer<typeof HubTaskSchema>;

/** One row of the change feed a device pulls: the whole new state of one entity. */
export const ChangeSchema = z.discriminatedUnion('type', [
  z.object({ seq: z.number().int(), type: z.literal('task'), task: HubTaskSchema }),
  z.object({ seq: z.number().int(), type: z.literal('artifact'), artifact: ArtifactSchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;

/** What a device may push. Each carries the device's strictly increasing mutation id. */
export const DecideMutationSchema = z.object({
  id: z.number().int().min(1),
  name: z.literal('task.decide'),
  args: z.object({
    taskId: Id,
    action: DecisionActionSchema,
    actor: Name,
    reason: z.string().max(500).optional(),
    corrections: z.record(z.string(), z.string().max(1000)).optional(),
    timeSpentMs: z.number().int().min(0).optional(),
    /** Device clock: recorded, never used for ordering. */
    decidedAt: z.string(),
  }),
});
export const MutationSchema = z.discriminatedUnion('name', [DecideMutationSchema]);
export type Mutation = z.infer<typeof MutationSchema>;

export const MutationResultSchema = z.object({
  id: z.number().int(),
  status: z.enum(['applied', 'duplicate', 'superseded', 'rejected']),
  /** Why, as a typed code: `forbidden` (the role may not decide), `leased` (another reviewer holds a live lease), `not_found`, `field_not_exportable`, `already_decided`. */
  code: z.string().nullable().optional(),
  message: z.string().nullable(),
  /** For a duplicate: what happened when it was first applied (the device may never have heard). */
  original: z.enum(['applied', 'superseded', 'rejected']).nullable().default(null),
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const AuditBatchSchema = z.object({
  deviceId: Id,
  entries: z.array(AuditEntrySchema).min(1).max(5000),
});
export type AuditBatch = z.infer<typeof AuditBatchSchema>;

const SeqHash = z.object({ seq: z.number().int(), hash: z.string() });
/** What the hub holds of one uploaded batch, as hashes (`audit.batches`). */
export const HeldAuditBatchSchema = z.object({
  id: Id,
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  signature: z.string(),
  signedSha256: Sha256,
  /** The entries as signed in the batch's stored bytes. */
  signed: z.array(SeqHash),
  /** The entries the hub stores at firstSeq..lastSeq (what `audit.entries` and `audit.verify` read). */
  stored: z.array(SeqHash),
});
export type HeldAuditBatch = z.infer<typeof HeldAuditBatchSchema>;

const ADMIN: HubRole[] = ['admin'];
const EVERYONE: HubRole[] = ['admin', 'reviewer', 'clerk', 'auditor'];
const DEVICE_USERS: HubRole[] = ['admin', 'reviewer', 'clerk'];

/** A hub call: its contract entry plus the roles allowed to make it. */
interface HubCallSpec<I extends z.ZodType, O extends z.ZodType> extends CallSpec<I, O> {
  roles: readonly HubPrincipalRole[];
  /** Only a device credential may make it (it acts for the device's user). */
  deviceOnly?: boolean;
}
const withRoles = <I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>, roles: readonly HubPrincipalRole[], deviceOnly = false): HubCallSpec<I, O> => ({
  ...spec,
  roles,
  deviceOnly,
});

export const hubContract = {
  'hub.whoami': withRoles(
    query('Who the credential belongs to.', z.object({}), z.object({ kind: z.enum(['user', 'device']), userId: Id, userName: z.string(), role: HubRoleSchema, siteId: Id.nullable(), deviceId: Id.nullable() })),
    EVERYONE,
  ),

  'sites.create': withRoles(mutation('Create a site.', z.object({ name: Name }), SiteSchema), ADMIN),
  'sites.list': withRoles(query('All sites.', z.object({}), z.object({ items: z.array(SiteSchema) })), ['admin', 'auditor']),

  'users.create': withRoles(
    mutation(
      'Create a user with a role; returns the user and their API token (shown once).',
      z.object({ name: Name, role: HubRoleSchema, siteId: Id.nullable().default(null), tokenTtlDays: TokenTtlDays }),
      z.object({ user: UserSchema, token: z.string() }),
    ),
    ADMIN,
  ),
  'users.list': withRoles(query('All users.', z.object({}), z.object({ items: z.array(UserSchema) })), ['admin', 'auditor']),
  'users.revoke': withRoles(mutation('Revoke a user: every credential of theirs fails from the next request on.', z.object({ userId: Id }), UserSchema), ADMIN),
  'users.rotateToken': withRoles(
    mutation(
      'Replace the calling user token by a new one (shown once); the old one fails from the next request on.',
      z.object({ tokenTtlDays: TokenTtlDays }),
      z.object({ token: z.string(), expiresAt: z.string().nullable() }),
    ),
    EVERYONE,
  ),

  'devices.createEnrollmentCode': withRoles(
    mutation(
      'A one-time code with which a device at the site enrolls for the user.',
      z.object({ siteId: Id, userId: Id, ttlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(24 * 60) }),
      z.object({ code: z.string(), expiresAt: z.string() }),
    ),
    ADMIN,
  ),
  'devices.revokeEnrollmentCode': withRoles(
    mutation('Revoke an enrollment code that was not used yet.', z.object({ code: z.string().min(8).max(200) }), z.object({ revoked: z.boolean() })),
    ADMIN,
  ),
  'devices.list': withRoles(query('All devices.', z.object({ siteId: Id.optional() }), z.object({ items: z.array(DeviceSchema) })), ['admin', 'auditor']),
  'devices.revoke': withRoles(mutation('Revoke a device, effective on its next request.', z.object({ deviceId: Id }), DeviceSchema), ADMIN),
  'device.enroll': withRoles(
    mutation(
      'Exchange a one-time enrollment code (the bearer credential) for a device credential; registers the device Ed25519 public key.',
      z.object({ name: Name, publicKey: z.string().min(40).max(200).describe('Ed25519 public key, SPKI DER, base64') }),
      z.object({ deviceId: Id, siteId: Id, userId: Id, credential: z.string(), hubPublicKey: z.string().describe('The Ed25519 key (SPKI DER, base64) every artifact is signed with: the device pins it') }),
    ),
    ['enrollment'],
  ),

  'artifacts.publish': withRoles(
    mutation(
      'Publish the next version of a policy, rule set, vendor template or model assignment.',
      z.object({ kind: ArtifactKindSchema, name: Name, content: z.record(z.string(), z.unknown()) }),
      ArtifactSchema,
    ),
    ADMIN,
  ),
  'artifacts.assign': withRoles(
    mutation('Assign a version of an artifact to a site; devices pull it.', z.object({ siteId: Id, kind: ArtifactKindSchema, name: Name, version: z.number().int().min(1) }), ArtifactSchema),
    ADMIN,
  ),
  'policies.preview': withRoles(
    query(
      'What a candidate policy would change at a site: replayed over the route summaries its devices uploaded (metadata only), before it is assigned.',
      z.object({ siteId: Id, content: z.record(z.string(), z.unknown()), limit: z.number().int().min(1).max(200_000).default(50_000) }),
      z.object({ siteId: Id, documents: z.number().int(), devices: z.number().int(), summary: z.string(), report: z.record(z.string(), z.unknown()) }),
    ),
    ADMIN,
  ),
  'artifacts.list': withRoles(
    query('Artifacts, with what each site has assigned.', z.object({ siteId: Id.optional() }), z.object({ items: z.array(ArtifactSchema.extend({ assignedTo: z.array(Id) })) })),
    ['admin', 'auditor'],
  ),

  'queues.create': withRoles(mutation('Create a review queue at a site.', z.object({ siteId: Id, name: Name }), QueueSchema), ADMIN),
  'queues.list': withRoles(query('Queues, of one site or all.', z.object({ siteId: Id.optional() }), z.object({ items: z.array(QueueSchema) })), EVERYONE),

  'tasks.create': withRoles(
    mutation('Put review tasks (metadata only) on a queue.', z.object({ tasks: z.array(HubTaskInputSchema).min(1).max(1000) }), z.object({ items: z.array(HubTaskSchema) })),
    ['admin', 'clerk'],
  ),
  'tasks.list': withRoles(
    query(
      'Tasks of a queue or site, paged.',
      z.object({ siteId: Id.optional(), queueId: Id.optional(), status: z.enum(['open', 'decided', 'cancelled']).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) }),
      z.object({ items: z.array(HubTaskSchema), total: z.number().int() }),
    ),
    EVERYONE,
  ),
  'tasks.decisions': withRoles(
    query(
      'Every decision pushed for a task, the winning one and any superseded ones.',
      z.object({ taskId: Id }),
      z.object({
        items: z.array(
          z.object({
            id: Id,
            taskId: Id,
            deviceId: Id,
            clientId: z.string(),
            mutationId: z.number().int(),
            user: z.string().describe('The authenticated user whose device pushed the decision.'),
            userId: Id.nullable().default(null),
            claimedActor: z.string().nullable().default(null).describe('The name the device sent; kept apart, never trusted.'),
            action: DecisionActionSchema, reason: z.string().nullable(), status: z.enum(['accepted', 'superseded']), decidedAt: z.string(), receivedAt: z.string() }),
        ),
      }),
    ),
    ['admin', 'reviewer', 'auditor'],
  ),

  'leases.acquire': withRoles(
    mutation('Lease an open task to this device and reviewer until the expiry (hub clock); renews a lease already held.', z.object({ taskId: Id, ttlSeconds: z.number().int().min(10).max(24 * 3600).default(900) }), LeaseSchema),
    ['reviewer', 'admin'],
    true,
  ),
  'leases.release': withRoles(mutation('Give a lease back to the queue.', z.object({ taskId: Id }), z.object({ released: z.boolean() })), ['reviewer', 'admin'], true),

  'sync.pull': withRoles(
    query(
      'Changes to tasks, policies, rule sets, templates and model assignments of the device site after the cursor.',
      z.object({ cursor: z.string().regex(/^\d{1,18}\.\d{1,18}$/, 'a cursor from an earlier pull').default('0.0'), limit: z.number().int().min(1).max(1000).default(500) }),
      z.object({ changes: z.array(ChangeSchema), cursor: z.string().describe('Opaque: pass it to the next pull.'), hasMore: z.boolean() }),
    ),
    DEVICE_USERS,
    true,
  ),
  'sync.push': withRoles(
    mutation(
      'Apply mutations from the device outbox, exactly once: ids at or below the last applied are acknowledged as duplicates; the rest must follow it without a gap.',
      z.object({ clientId: z.string().uuid(), mutations: z.array(MutationSchema).min(1).max(1000) }),
      z.object({ lastMutationId: z.number().int(), results: z.array(MutationResultSchema) }),
    ),
    DEVICE_USERS,
    true,
  ),
  'audit.upload': withRoles(
    mutation(
      'Upload a batch of the device audit log, signed with its Ed25519 key over the canonical JSON of the batch. The chain must continue what the hub holds.',
      z.object({ batch: AuditBatchSchema, signature: z.string().describe('Ed25519 signature, base64') }),
      z.object({ ackSeq: z.number().int(), stored: z.number().int(), duplicates: z.number().int() }),
    ),
    DEVICE_USERS,
    true,
  ),
  'audit.head': withRoles(query('The highest audit sequence number the hub holds for a device.', z.object({ deviceId: Id }), z.object({ ackSeq: z.number().int(), headHash: z.string().nullable() })), EVERYONE),
  'audit.entries': withRoles(
    query('Audit entries uploaded by a device, oldest first.', z.object({ deviceId: Id, fromSeq: z.number().int().min(1).default(1), limit: z.number().int().min(1).max(5000).default(1000) }), z.object({ entries: z.array(AuditEntrySchema) })),
    ['admin', 'auditor'],
  ),
  'audit.batches': withRoles(
    query(
      "The signed audit batches the hub keeps for the calling device, oldest first: each batch's signature, the SHA-256 of its signed bytes, the sequence numbers and hashes of the entries signed in it and of those stored at the same numbers. Hashes only, no entry content. A device reads only its own (to compare with what it sent: `countersign audit verify`).",
      z.object({ deviceId: Id, afterId: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(100).default(20) }),
      z.object({ batches: z.array(HeldAuditBatchSchema) }),
    ),
    EVERYONE,
    true,
  ),
  'audit.verify': withRoles(
    query(
      'Re-walk the stored chain of a device and check every signed batch the hub kept with the key the device enrolled with.',
      z.object({ deviceId: Id }),
      z.object({
        ok: z.boolean(),
        entries: z.number().int(),
        batches: z.number().int().default(0).describe('Signed batches checked (signature over the stored bytes, entries as stored).'),
        headHash: z.string().nullable(),
        firstBad: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
      }),
    ),
    ['admin', 'auditor'],
  ),
  ...auditReportHubCalls,
  ...hubMetricsContract,
  ...modelsHubContract,
} satisfies ContractMap;

export type HubContract = typeof hubContract;
export type HubCallName = keyof HubContract;
export type HubHandlers = HandlersOf<HubContract>;

/** Device side: what the app's settings screen and queue call on the engine (IPC) about the hub. */
/** The policy, rule set and vendor templates the engine routes with, and where each came from. */
export const ActiveConfigSchema = z.object({
  source: z.object({ policy: z.enum(['hub', 'bundled']), ruleSet: z.enum(['hub', 'bundled']), templates: z.enum(['hub', 'bundled']) }),
  policy: z.string(),
  ruleSet: z.string(),
  templates: z.array(z.string()),
});
export type ActiveConfig = z.infer<typeof ActiveConfigSchema>;

export const SyncStatusSchema = z.object({
  connected: z.boolean(),
  hubUrl: z.string().nullable(),
  deviceId: z.number().int().nullable(),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  outboxLength: z.number().int(),
  auditPending: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  /** What routes the next document; null when the bundled files cannot be read. */
  config: ActiveConfigSchema.nullable().optional(),
  /** The last artifact this device refused (tampered, unsigned, signed by another hub), in a sentence. */
  lastConfigRefusal: z.string().nullable().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const deviceSyncContract = {
  'sync.connect': mutation('Enroll this device with a hub (URL plus one-time code); the credential goes to the OS keychain.', z.object({ hubUrl: z.string().url(), enrollmentCode: z.string().min(8), deviceName: Name, allowInsecure: z.boolean().optional().describe('Accept plain http:// to a hub that is not on loopback.') }), SyncStatusSchema),
  'sync.status': query('Last sync, outbox length, audit entries not yet acknowledged, last error.', z.object({}), SyncStatusSchema),
  'sync.now': mutation('Sync now (push, audit upload, pull); errors are reported in the status.', z.object({}), SyncStatusSchema),
  'sync.hubTasks': query(
    'Hub tasks pulled to this device, shown beside local ones.',
    z.object({ status: z.enum(['open', 'decided', 'cancelled']).optional(), taskIds: z.array(Id).max(1000).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) }),
    z.object({ items: z.array(HubTaskSchema.extend({ localDecision: DecisionActionSchema.nullable(), pushState: z.enum(['none', 'pending', 'applied', 'superseded', 'rejected']) })), total: z.number().int() }),
  ),
  'sync.decideHubTask': mutation(
    'Decide a hub task on this device, offline or not: audited locally and queued in the outbox.',
    DecideMutationSchema.shape.args.omit({ decidedAt: true }),
    z.object({ mutationId: z.number().int() }),
  ),
  'sync.shareDocument': mutation(
    'Put a local document on a hub queue as a task: reference, SHA-256, type and the named fields only; the document stays here.',
    z.object({ documentId: z.number().int(), queueId: Id, fields: z.array(z.string().max(100)).max(50).default([]), priority: z.number().int().min(0).max(100).default(0) }),
    HubTaskSchema,
  ),
};
export type DeviceSyncContract = typeof deviceSyncContract;

/** A value or typed error, as every hub route answers; network failures throw. */
type HubReply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * The HTTP transport to a hub, for `createClient<HubContract>`: `POST {base}/v1/<name>` with a bearer
 * credential. Only `fetch`, so the device, the admin CLI and tests share it.
 */
export function hubHttpTransport(baseUrl: string, credential: () => string | null, fetchImpl: typeof fetch = fetch) {
  const base = baseUrl.replace(/\/+$/, '');
  return async (name: string, arg: unknown): Promise<HubReply> => {
    const token = credential();
    const res = await fetchImpl(`${base}/v1/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(arg ?? {}),
    });
    const text = await res.text();
    try {
      const body = JSON.parse(text) as HubReply;
      if (typeof body === 'object' && body !== null && 'ok' in body) return body;
    } catch {
      // fall through: not one of our replies (a proxy's error page, say)
    }
    return { ok: false, error: { code: res.status >= 500 ? 'hub_unavailable' : 'bad_reply', message: `HTTP ${res.status} from ${base}/v1/${name}: ${text.slice(0, 200)}` } };
  };
}
