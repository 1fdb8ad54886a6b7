import { createPublicKey, randomUUID } from 'node:crypto';
import type { HandlersOf } from '../../src-shared/contract/define.ts';
import { ApiError, createClient } from '../../src-shared/contract/dispatch.ts';
import {
  hubHttpTransport,
  type Artifact,
  type AuditBatch,
  type Change,
  type DeviceSyncContract,
  type HubContract,
  type HeldAuditBatch,
  type HubTask,
  type SyncStatus,
} from '../../src-shared/contract/hub.ts';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { GENESIS_HASH } from '../../src-common/audit-chain/entry-hash.ts';
import type { Db } from '../store/database.ts';
import { WriteDoor, type RecordAudit } from '../store/mutate.ts';
import { Outbox } from '../store/outbox-repo.ts';
import { SyncRepo } from '../store/sync-repo.ts';
import { compareHeldAudit, type HubAuditComparison } from './audit-compare.ts';
import { backoffDelay } from './backoff.ts';
import { generateDeviceKey, loadDeviceKey, signBytes, type DeviceKey, type DeviceSecretVault } from './device-identity.ts';
import { activeVersionsOrNull } from '../config/engine-config.ts';
import { applyArtifact } from './apply-artifact.ts';
import { ArtifactRepo } from '../store/artifact-repo.ts';
import { documentSecretsFrom, ResidencyFilter, secretsInTextFrom, siteResidency } from './residency.ts';
import { uploadMetrics, type MetricsSource } from './metrics-upload.ts';

export interface SyncServiceOptions {
  db: Db;
  audit: AuditLog;
  /** The engine's write door; one over `db` and `audit` when not given. */
  door?: WriteDoor;
  /** Who connecting to a hub and sharing a document are recorded as (the local user). */
  actor?: string;
  vault: DeviceSecretVault;
  /** The site key (HMAC-SHA256) that hashes values the site policy keeps on site; it never leaves the device. */
  siteKey: Buffer | (() => Promise<Buffer>);
  fetch?: typeof fetch;
  clock?: () => Date;
  random?: () => number;
  pushBatch?: number;
  auditBatch?: number;
  pullLimit?: number;
  /** Between successful syncs in the background loop. */
  intervalMs?: number;
  backoff?: { baseMs?: number; capMs?: number };
  /** The device's metrics aggregates, uploaded after the audit trail (none when absent). */
  metrics?: MetricsSource;
  /** After each successful round, with the hub client: model packages (models/model-service.ts) apply what was pulled. */
  afterSync?: (hub: ReturnType<typeof createClient<HubContract>>, device: { deviceId: number; hubUrl: string; assignments: unknown[] }) => Promise<void>;
}

export interface SyncReport {
  pushed: number;
  superseded: number;
  duplicates: number;
  auditUploaded: number;
  pulled: number;
}

const DECISION_EVENT = { approve: 'hub_task.approved', correct: 'hub_task.corrected', reject: 'hub_task.rejected' } as const;

/**
 * The device end of hub sync. Decisions on hub tasks are written locally (audited, queued in the
 * outbox) whether or not the hub is reachable; `syncOnce` pushes the outbox, uploads the audit trail
 * and pulls changes; the background loop retries with exponential backoff and jitter. All of its
 * state is in the device SQLite, so it resumes where it was after a restart or days offline.
 */
/** Whether this data directory's device has enrolled with a hub (no keychain access needed to tell). */
export function isEnrolled(db: Db): boolean {
  return new SyncRepo(db).state('device_id') !== null;
}

/**
 * The hub is reached over TLS; plain http only on this machine's loopback, or when the operator says
 * `--insecure` (the request bodies carry credentials and decisions).
 */
export function checkHubUrl(hubUrl: string, allowInsecure = false): void {
  let u: URL;
  try {
    u = new URL(hubUrl);
  } catch {
    throw new ApiError('invalid_argument', `Not a URL: ${hubUrl}`);
  }
  if (u.protocol === 'https:') return;
  if (u.protocol !== 'http:') throw new ApiError('invalid_argument', `The hub URL must be https:// (got ${u.protocol})`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback && !allowInsecure) {
    throw new ApiError('insecure_hub_url', `Refusing plain http:// to ${u.host}: the hub must be reached over https:// (see docs/hub.md on TLS), or pass --insecure to accept an unencrypted connection.`);
  }
}

export class SyncService {
  readonly outbox: Outbox;
  readonly handlers: HandlersOf<DeviceSyncContract>;
  private readonly clock: () => Date;
  private readonly door: WriteDoor;
  private readonly repo: SyncRepo;
  private secrets: { credential: string; key: DeviceKey } | null = null;
  private inFlight: Promise<SyncReport> | null = null;
  private failures = 0;
  private nextAttemptAt: Date | null = null;
  private loop: Promise<void> | null = null;
  private stopped = true;
  private wake: (() => void) | null = null;

  constructor(private readonly o: SyncServiceOptions) {
    this.clock = o.clock ?? (() => new Date());
    this.door = o.door ?? new WriteDoor(o.db, o.audit);
    this.repo = new SyncRepo(o.db);
    this.outbox = new Outbox(o.db, this.clock);
    this.handlers = {
      'sync.connect': async (a) => (await this.connect(a), this.status()),
      'sync.status': async () => this.status(),
      'sync.now': async () => {
        await this.syncOnce().catch(() => undefined);
        return this.status();
      },
      'sync.hubTasks': async (a) => this.hubTasks(a),
      'sync.decideHubTask': async (a) => ({ mutationId: this.decideHubTask(a) }),
      'sync.shareDocument': async (a) => this.shareDocument(a),
    };
  }

  private getState(key: string): string | null {
    return this.repo.state(key);
  }

  private setState(key: string, value: string | number | null): void {
    this.repo.setState(key, value);
  }

  private num(key: string): number {
    return Number(this.getState(key) ?? 0);
  }

  private hubClient(credential: string | null, hub?: { url: string; insecure: boolean }) {
    const url = hub?.url ?? this.getState('hub_url');
    if (!url) throw new ApiError('not_connected', 'This device is not connected to a hub');
    checkHubUrl(url, hub?.insecure ?? this.getState('hub_insecure') === '1');
    return createClient<HubContract>(hubHttpTransport(url, () => credential, this.o.fetch ?? fetch));
  }

  private async loadSecrets(): Promise<{ credential: string; key: DeviceKey }> {
    if (!this.secrets) {
      const s = await this.o.vault.load();
      if (!s) throw new ApiError('not_connected', 'No hub credential in the keychain: connect to a hub first');
      this.secrets = { credential: s.credential, key: loadDeviceKey(s.privateKey) };
    }
    return this.secrets;
  }

  /** Enrolls with a one-time code: a fresh Ed25519 key, the credential into the keychain; the enrollment is audited. */
  async connect(a: { hubUrl: string; enrollmentCode: string; deviceName: string; allowInsecure?: boolean | undefined }): Promise<void> {
    checkHubUrl(a.hubUrl, a.allowInsecure ?? false);
    const { key, privateKeyB64 } = generateDeviceKey();
    const client = this.hubClient(a.enrollmentCode, { url: a.hubUrl, insecure: a.allowInsecure ?? false });
    const r = await client.call('device.enroll', { name: a.deviceName, publicKey: key.publicKey });
    // Pinned now: every artifact pulled from here on must be signed with it.
    this.setState('hub_public_key', r.hubPublicKey);
    await this.o.vault.save({ credential: r.credential, privateKey: privateKeyB64 });
    this.secrets = { credential: r.credential, key };
    this.door.mutate('sync.connect', (audit) => {
      this.setState('hub_url', a.hubUrl);
      this.setState('hub_insecure', a.allowInsecure ? 1 : null);
      this.setState('device_id', r.deviceId);
      this.setState('site_id', r.siteId);
      this.setState('client_id', randomUUID());
      // A new enrollment is a new device on the hub: its chain and feed start from the beginning.
      this.setState('cursor', '0.0');
      this.setState('audit_ack_seq', 0);
      this.setState('last_error', null);
      this.setState('pulled_once', null);
      this.repo.forgetOutbound();
      audit({ actor: this.o.actor ?? 'device', event: 'hub.connected', data: { hubUrl: a.hubUrl, deviceName: a.deviceName, deviceId: r.deviceId, siteId: r.siteId, insecure: a.allowInsecure ?? false } });
    });
  }

  /** Decide a hub task here, online or not: one transaction writes the audit entry and the outbox row. */
  decideHubTask(a: { taskId: number; action: 'approve' | 'correct' | 'reject'; actor: string; reason?: string | undefined; corrections?: Record<string, string> | undefined; timeSpentMs?: number | undefined }): number {
    if (a.action === 'reject' && !a.reason) throw new ApiError('invalid_argument', 'A rejection needs a reason');
    if (a.action === 'correct' && !Object.keys(a.corrections ?? {}).length) throw new ApiError('invalid_argument', 'A correction needs at least one corrected field');
    return this.door.mutate('sync.decideHubTask', (audit) => {
      const row = this.repo.hubTask(a.taskId);
      if (!row) throw new ApiError('not_found', `No hub task ${a.taskId} on this device (pull first)`);
      const task = row.task;
      if (row.localDecision) throw new ApiError('already_decided', `Hub task ${a.taskId} was already decided on this device (${row.localDecision})`);
      if (row.status !== 'open') throw new ApiError('already_decided', `Hub task ${a.taskId} was already decided${task.decision ? ` by ${task.decision.user}` : ''}`);
      const decidedAt = this.clock().toISOString();
      const args = { taskId: a.taskId, action: a.action, actor: a.actor, decidedAt, ...(a.reason ? { reason: a.reason } : {}), ...(a.corrections ? { corrections: a.corrections } : {}), ...(a.timeSpentMs !== undefined ? { timeSpentMs: a.timeSpentMs } : {}) };
      const mutationId = this.outbox.enqueue({ name: 'task.decide', args });
      audit({
        actor: a.actor,
        event: DECISION_EVENT[a.action],
        documentSha256: task.docSha256,
        data: { hubTaskId: a.taskId, mutationId, reason: a.reason, corrections: a.corrections, timeSpentMs: a.timeSpentMs },
        policyVersion: null,
      });
      this.repo.setLocalDecision(a.taskId, a.action, mutationId);
      return mutationId;
    });
  }

  /**
   * Put a local document on a hub queue as a task: its reference, SHA-256, type and the named
   * extracted fields only (the hub refuses fields the site policy keeps on the device). Online only.
   */
  async shareDocument(a: { documentId: number; queueId: number; fields: string[]; priority: number }): Promise<HubTask> {
    const doc = this.repo.documentToShare(a.documentId, a.fields);
    if (!doc?.sha256) throw new ApiError('not_found', `No processed document ${a.documentId}`);
    const residency = siteResidency(this.o.db);
    const kept = a.fields.filter((f) => !residency.exportableFields.includes(f));
    // Refused here, before anything is sent: the hub refusing it would be too late.
    if (kept.length) throw new ApiError('field_not_exportable', `The site policy keeps ${kept.join(', ')} on site; fields that may leave: ${residency.exportableFields.join(', ')}`);
    const { sha256, fields } = doc;
    const { credential } = await this.loadSecrets();
    const r = await this.hubClient(credential).call('tasks.create', {
      tasks: [{ queueId: a.queueId, docRef: `device-${this.getState('device_id')}/document-${a.documentId}`, docSha256: sha256, docType: (doc.docType ?? 'other') as HubTask['docType'], fields, priority: a.priority, dueAt: null }],
    });
    const shared = r.items[0]!;
    // What left the device, by field name (the values went to the hub, which records them itself).
    this.door.mutate('sync.shareDocument', (audit) =>
      audit({ actor: this.o.actor ?? 'device', event: 'document.shared', documentSha256: sha256, data: { documentId: a.documentId, queueId: a.queueId, hubTaskId: shared.id, fields: a.fields } }),
    );
    return shared;
  }

  /** One round: push the outbox, upload the audit trail, pull changes. One at a time. */
  syncOnce(): Promise<SyncReport> {
    this.inFlight ??= this.doSync().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async doSync(): Promise<SyncReport> {
    const report: SyncReport = { pushed: 0, superseded: 0, duplicates: 0, auditUploaded: 0, pulled: 0 };
    try {
      const { credential, key } = await this.loadSecrets();
      const hub = this.hubClient(credential);
      // The site policy says what may leave: have it before the first thing is sent.
      if (!this.getState('pulled_once')) await this.pull(hub, report);
      await this.push(hub, report);
      await this.uploadAudit(hub, key, report);
      if (this.o.metrics) {
        const filter = await this.residencyFilter();
        await uploadMetrics({ call: (u) => hub.call('metrics.upload', u), metrics: this.o.metrics, filter, getState: (k) => this.getState(k), setState: (k, v) => this.setState(k, v), now: this.clock() });
      }
      await this.pull(hub, report);
      if (this.o.afterSync) {
        const assignments = new ArtifactRepo(this.o.db).contentsOfKind('modelAssignment');
        await this.o.afterSync(hub, { deviceId: this.num('device_id'), hubUrl: this.getState('hub_url')!, assignments });
      }
      this.door.track('sync.finished', () => {
        this.setState('last_sync_at', this.clock().toISOString());
        this.setState('last_error', null);
      });
      return report;
    } catch (err) {
      const e = err as { code?: string; message?: string; cause?: { code?: string } };
      const message = err instanceof ApiError ? `${e.code}: ${e.message}` : `hub unreachable: ${e.cause?.code ?? e.message}`;
      this.door.track('sync.failed', () => this.setState('last_error', message));
      throw err;
    }
  }

  private async push(hub: ReturnType<SyncService['hubClient']>, report: SyncReport): Promise<void> {
    const clientId = this.getState('client_id')!;
    for (;;) {
      const pending = this.outbox.pending(this.o.pushBatch ?? 200);
      if (!pending.length) return;
      const filter = await this.residencyFilter();
      const docOf = (m: (typeof pending)[number]) => this.repo.hubTask(m.args.taskId)?.task.docSha256 ?? null;
      const r = await hub.call('sync.push', { clientId, mutations: pending.map((m) => filter.mutation(m, docOf(m))) });
      this.door.track('sync.push', () => this.outbox.acknowledge(r.results));
      for (const x of r.results) {
        if (x.status === 'applied') report.pushed += 1;
        else if (x.status === 'superseded') report.superseded += 1;
        else if (x.status === 'duplicate') report.duplicates += 1;
      }
    }
  }

  private async uploadAudit(hub: ReturnType<SyncService['hubClient']>, key: DeviceKey, report: SyncReport): Promise<void> {
    const deviceId = this.num('device_id');
    const size = this.o.auditBatch ?? 500;
    for (;;) {
      const from = this.num('audit_ack_seq') + 1;
      const local: AuditEntry[] = [];
      for (const e of this.o.audit.iterate(from)) {
        local.push(e);
        if (local.length >= size) break;
      }
      if (!local.length) return;
      const entries = await this.outbound(local);
      const batch: AuditBatch = { deviceId, entries };
      const signature = signBytes(key, Buffer.from(canonicalJson(batch), 'utf8'));
      try {
        const r = await hub.call('audit.upload', { batch, signature });
        this.door.track('sync.auditUploaded', () => this.setState('audit_ack_seq', r.ackSeq));
        report.auditUploaded += r.stored;
      } catch (err) {
        // The hub holds less than we thought (restored from a backup): start again from its head.
        if (err instanceof ApiError && err.code === 'audit_gap') {
          const head = await hub.call('audit.head', { deviceId });
          if (head.ackSeq < from - 1) {
            this.door.track('sync.auditRewound', () => this.setState('audit_ack_seq', head.ackSeq));
            continue;
          }
        }
        throw err;
      }
    }
  }

  /**
   * Asks the hub what it holds of this device's audit uploads (hashes and signatures only) and compares
   * it with what the device recorded sending. The hub not answering is `not_done`, not a difference.
   */
  async compareAuditWithHub(): Promise<HubAuditComparison> {
    const hubUrl = this.getState('hub_url') ?? '';
    const deviceId = this.num('device_id');
    let hub: ReturnType<SyncService['hubClient']>;
    let key: DeviceKey;
    try {
      const secrets = await this.loadSecrets();
      hub = this.hubClient(secrets.credential);
      key = secrets.key;
    } catch (err) {
      return { status: 'not_done', hubUrl, reason: (err as Error).message };
    }
    const ackSeq = this.num('audit_ack_seq');
    const maxOutbound = this.repo.lastOutboundSeq();
    const sentRange = (from: number, to: number): AuditEntry[] => {
      const kept = new Map(this.repo.outboundRange(from, to).map((e) => [e.seq, e]));
      const out: AuditEntry[] = [];
      // An acknowledged entry with no projection kept went out before filtering existed: as it is.
      for (const raw of this.o.audit.iterate(from)) {
        if (raw.seq > to) break;
        const e = kept.get(raw.seq) ?? (raw.seq <= ackSeq ? raw : null);
        if (!e || e.seq !== from + out.length) break;
        out.push(e);
      }
      return out;
    };
    const sent = { deviceId, ackSeq, sentUpTo: Math.max(ackSeq, maxOutbound), sentRange, publicKey: createPublicKey(key.privateKey) };
    async function* batches(): AsyncGenerator<HeldAuditBatch> {
      for (let afterId = 0; ; ) {
        const page = (await hub.call('audit.batches', { deviceId, afterId, limit: 20 })).batches;
        yield* page;
        if (page.length < 20) return;
        afterId = page.at(-1)!.id;
      }
    }
    try {
      return await compareHeldAudit(hubUrl, sent, await hub.call('audit.head', { deviceId }), batches());
    } catch (err) {
      const e = err as { code?: string; message?: string; cause?: { code?: string } };
      const reason = err instanceof ApiError ? `the hub answered ${e.code}: ${e.message}` : `the hub could not be reached (${e.cause?.code ?? e.message})`;
      return { status: 'not_done', hubUrl, reason };
    }
  }

  private async residencyFilter(): Promise<ResidencyFilter> {
    const key = typeof this.o.siteKey === 'function' ? await this.o.siteKey() : this.o.siteKey;
    const policy = siteResidency(this.o.db);
    return new ResidencyFilter(key, policy, documentSecretsFrom(this.o.db, policy), secretsInTextFrom(this.o.db, policy));
  }

  /**
   * The filtered projection of local entries, as the hub will hold them: made once per entry and kept
   * (`audit_outbound`), so a resend is byte for byte the same. Each links to the previous projection;
   * an entry sent before filtering existed (no projection kept) was sent as it is, so its own hash.
   */
  private async outbound(local: AuditEntry[]): Promise<AuditEntry[]> {
    let filter: ResidencyFilter | null = null;
    const out: AuditEntry[] = [];
    for (const e of local) {
      const kept = this.repo.outboundEntry(e.seq);
      if (kept) {
        out.push(kept);
        continue;
      }
      filter ??= await this.residencyFilter();
      const prev = out.at(-1) ?? (e.seq > 1 ? this.repo.outboundEntry(e.seq - 1) : null);
      const prevHash = e.seq === 1 ? GENESIS_HASH : (prev?.hash ?? e.prevHash);
      const projected = filter.auditEntry(e, prevHash);
      this.door.track('sync.auditProjected', () => this.repo.saveOutboundEntry(e.seq, canonicalJson(projected)));
      out.push(projected);
    }
    return out;
  }

  private async pull(hub: ReturnType<SyncService['hubClient']>, report: SyncReport): Promise<void> {
    for (;;) {
      const r = await hub.call('sync.pull', { cursor: this.getState('cursor') ?? '0.0', limit: this.o.pullLimit ?? 500 });
      const apply = (audit?: RecordAudit) => {
        for (const c of r.changes) this.applyChange(c as Change, audit);
        this.setState('cursor', r.cursor);
        if (!r.hasMore) this.setState('pulled_once', 1);
      };
      // A policy, rule set, template or model assignment changes what the device does: audited. Hub
      // tasks are a mirror of the hub's queue (audited there) and the cursor is bookkeeping.
      // Each artifact leaves its own entry: config.received, or config.refused with the reason.
      if (r.changes.some((c) => c.type === 'artifact')) this.door.mutate('sync.pull', (audit) => apply(audit));
      else this.door.track('sync.pull', () => apply());
      report.pulled += r.changes.length;
      if (!r.hasMore) return;
    }
  }

  private applyChange(c: Change, audit?: RecordAudit): void {
    const now = this.clock().toISOString();
    if (c.type === 'task') this.repo.saveHubTask(c.task, now);
    else {
      // Verified (hash, pinned hub key, schema) before it is stored; a refusal is audited and kept for the status.
      if (!audit) throw new Error('an artifact is applied inside the door');
      const refused = applyArtifact({ repo: new ArtifactRepo(this.o.db), audit, hubPublicKey: this.getState('hub_public_key') }, c.artifact, c.seq, now);
      if (refused) this.setState('last_config_refusal', refused);
    }
  }

  /** The policy, rule set, template or model assignment the hub assigned to this site, if any. */
  artifact(kind: Artifact['kind'], name: string): { version: number; sha256: string; content: Record<string, unknown> } | null {
    return this.repo.artifact(kind, name);
  }

  hubTasks(q: { status?: string | undefined; taskIds?: number[] | undefined; offset: number; limit: number }) {
    return this.repo.hubTasks(q);
  }

  status(): SyncStatus {
    const ack = this.num('audit_ack_seq');
    const head = this.repo.lastAuditSeq();
    const deviceId = this.getState('device_id');
    return {
      connected: deviceId !== null,
      hubUrl: this.getState('hub_url'),
      deviceId: deviceId === null ? null : Number(deviceId),
      lastSyncAt: this.getState('last_sync_at'),
      lastError: this.getState('last_error'),
      outboxLength: this.outbox.length(),
      auditPending: Math.max(0, head - ack),
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
      config: activeVersionsOrNull(this.o.db),
      lastConfigRefusal: this.getState('last_config_refusal'),
    };
  }

  /** Background sync: every `intervalMs` while it works, backing off exponentially (with jitter) while it fails. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Skip the wait (the app regained its network, or the user pressed "sync now"). */
  poke(): void {
    this.wake?.();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopped) {
      let delay: number;
      try {
        await this.syncOnce();
        this.failures = 0;
        delay = this.o.intervalMs ?? 30_000;
      } catch {
        this.failures += 1;
        delay = backoffDelay(this.failures, { ...this.o.backoff, random: this.o.random ?? Math.random });
      }
      if (this.stopped) break;
      this.nextAttemptAt = new Date(Date.now() + delay);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
    this.nextAttemptAt = null;
  }
}
