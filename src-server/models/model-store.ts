import type { Selectable } from 'kysely';
import type { ModelPackage, Rollout } from '../../src-shared/contract/models-hub.ts';
import type { ModelAssignment, ModelManifest, ModelOutcome, ModelTask, PackageRef, SignedManifest } from '../../src-shared/model-package.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { sha256OfJson, signJson, type SigningKey } from '../../src-common/signing/ed25519.ts';
import { signedArtifactFields } from '../../src-shared/config/signed-artifact.ts';
import type { FeedEntry } from '../handlers/context.ts';
import type { HubKysely } from '../store/database.ts';
import type { HubSchema } from '../store/schema.ts';
import { rolloutMetrics, type OutcomeCounts } from './rollout-metrics.ts';

/** The hub's SQL for model packages, rollouts and outcomes; rows become domain objects here. */

type PackageRow = Selectable<HubSchema['hub_model_packages']>;
type RolloutRow = Selectable<HubSchema['hub_model_rollouts']>;

export const toPackage = (r: PackageRow): ModelPackage => {
  const m = JSON.parse(r.manifest_json) as ModelManifest;
  return { id: r.id, name: r.name, version: r.version, task: m.task, manifestSha256: r.manifest_sha256, keyId: r.key_id, metrics: m.metrics, minAppVersion: m.minAppVersion, size: r.size, createdAt: r.created_at };
};

export const toSigned = (r: PackageRow): SignedManifest => ({ manifest: JSON.parse(r.manifest_json) as ModelManifest, signature: r.signature, keyId: r.key_id });

export async function trustedKeys(t: HubKysely): Promise<Map<string, string>> {
  return new Map((await t.selectFrom('hub_model_keys').select(['key_id', 'public_key']).execute()).map((r) => [r.key_id, r.public_key]));
}

export async function packageRow(t: HubKysely, id: number): Promise<PackageRow | undefined> {
  return t.selectFrom('hub_model_packages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function rolloutRow(t: HubKysely, id: number): Promise<RolloutRow | undefined> {
  return t.selectFrom('hub_model_rollouts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The rollout whose package is the site's stable model for a task (the latest promoted), if any. */
export async function stableRollout(t: HubKysely, siteId: number, task: string): Promise<RolloutRow | undefined> {
  return t.selectFrom('hub_model_rollouts').selectAll().where('site_id', '=', siteId).where('task', '=', task).where('stage', '=', 'stable').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The candidate in shadow or canary at a site for a task, if any (one at a time). */
export async function liveRollout(t: HubKysely, siteId: number, task: string): Promise<RolloutRow | undefined> {
  return t.selectFrom('hub_model_rollouts').selectAll().where('site_id', '=', siteId).where('task', '=', task).where('stage', 'in', ['shadow', 'canary']).executeTakeFirst();
}

/** Whether a device at the site may download the package: it is, or was, rolled out there. */
export async function packageAtSite(t: HubKysely, packageId: number, siteId: number): Promise<boolean> {
  const r = await t
    .selectFrom('hub_model_rollouts')
    .select('id')
    .where('site_id', '=', siteId)
    .where((eb) => eb.or([eb('package_id', '=', packageId), eb('baseline_package_id', '=', packageId)]))
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

export async function outcomeCounts(t: HubKysely, rolloutId: number): Promise<OutcomeCounts> {
  const rows = await t.selectFrom('hub_model_outcomes').select(['served_by', 'stable_label', 'candidate_label', 'reviewed_label', 'overridden']).where('rollout_id', '=', rolloutId).execute();
  const c: OutcomeCounts = { decisions: rows.length, candidateDisagree: 0, candidateRan: 0, stableDisagree: 0, stableRan: 0, candidateServed: 0, candidateOverridden: 0, stableServed: 0, stableOverridden: 0 };
  for (const r of rows) {
    if (r.candidate_label !== null) {
      c.candidateRan += 1;
      if (r.candidate_label !== r.reviewed_label) c.candidateDisagree += 1;
    }
    if (r.stable_label !== null) {
      c.stableRan += 1;
      if (r.stable_label !== r.reviewed_label) c.stableDisagree += 1;
    }
    if (r.served_by === 'candidate') {
      c.candidateServed += 1;
      if (Number(r.overridden)) c.candidateOverridden += 1;
    } else {
      c.stableServed += 1;
      if (Number(r.overridden)) c.stableOverridden += 1;
    }
  }
  return c;
}

export async function toRollout(t: HubKysely, r: RolloutRow): Promise<Rollout> {
  const pkg = (await packageRow(t, r.package_id))!;
  return {
    id: r.id,
    siteId: r.site_id,
    task: r.task as ModelTask,
    packageId: r.package_id,
    packageVersion: pkg.version,
    baselinePackageId: r.baseline_package_id,
    stage: r.stage,
    canaryPercent: Number(r.canary_percent),
    deviceIds: r.device_ids_json ? (JSON.parse(r.device_ids_json) as number[]) : null,
    margin: Number(r.margin),
    minDecisions: Number(r.min_decisions),
    reason: r.reason,
    metrics: rolloutMetrics(await outcomeCounts(t, r.id)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertOutcomes(t: HubKysely, deviceId: number, outcomes: ModelOutcome[], now: string): Promise<number> {
  let stored = 0;
  for (const o of outcomes) {
    const r = await t
      .insertInto('hub_model_outcomes')
      .values({
        device_id: deviceId,
        outcome_id: o.outcomeId,
        task: o.task,
        rollout_id: o.rolloutId,
        served_by: o.servedBy,
        stable_version: o.stableVersion,
        candidate_version: o.candidateVersion,
        stable_label: o.stableLabel,
        candidate_label: o.candidateLabel,
        reviewed_label: o.reviewedLabel,
        overridden: o.overridden ? 1 : 0,
        received_at: now,
      })
      .onConflict((oc) => oc.columns(['device_id', 'task', 'outcome_id']).doNothing())
      .executeTakeFirst();
    stored += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return stored;
}

const ref = (p: PackageRow): PackageRef => ({ packageId: p.id, name: p.name, version: p.version, manifestSha256: p.manifest_sha256 });

/**
 * Publishes what the site's devices should run for a task as the next version of the `modelAssignment`
 * artifact named after the task, assigns it to the site and puts it on the change feed (in the caller's
 * transaction), signed with the hub's key as every artifact is (devices refuse unsigned ones). Devices
 * verify each package's admin signature themselves.
 */
export async function publishAssignment(t: HubKysely, feed: FeedEntry[], signingKey: SigningKey, siteId: number, task: ModelTask, now: string): Promise<ModelAssignment> {
  const stable = await stableRollout(t, siteId, task);
  const live = await liveRollout(t, siteId, task);
  const stablePkg = stable ? await packageRow(t, stable.package_id) : undefined;
  const livePkg = live ? await packageRow(t, live.package_id) : undefined;
  const content: ModelAssignment = {
    task,
    rolloutId: live?.id ?? null,
    stable: stablePkg ? ref(stablePkg) : null,
    candidate:
      live && livePkg
        ? { ...ref(livePkg), stage: live.stage as 'shadow' | 'canary', canaryPercent: Number(live.canary_percent), deviceIds: live.device_ids_json ? (JSON.parse(live.device_ids_json) as number[]) : null }
        : null,
  };
  const json = canonicalJson(content);
  const sha256 = sha256OfJson(content);
  const last = await t.selectFrom('hub_artifacts').select((e) => e.fn.max('version').as('v')).where('kind', '=', 'modelAssignment').where('name', '=', task).executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const signature = signJson(signingKey, signedArtifactFields({ kind: 'modelAssignment', name: task, version, sha256 }));
  await t.insertInto('hub_artifacts').values({ kind: 'modelAssignment', name: task, version, sha256, content_json: json, created_at: now, signature, signed_by: signingKey.publicKey }).execute();
  await t
    .insertInto('hub_assignments')
    .values({ site_id: siteId, kind: 'modelAssignment', name: task, version, assigned_at: now })
    .onConflict((oc) => oc.columns(['site_id', 'kind', 'name']).doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), assigned_at: eb.ref('excluded.assigned_at') })))
    .execute();
  feed.push({ siteId, type: 'artifact', payload: { artifact: { kind: 'modelAssignment', name: task, version, sha256, content: JSON.parse(json) as Record<string, unknown>, createdAt: now, signature } } });
  return content;
}
