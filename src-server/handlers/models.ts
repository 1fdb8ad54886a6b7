import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { HubBlobStore } from '../blob-store.ts';
import { BlobHashError, BlobOffsetError } from '../blob-store.ts';
import { checkManifestSignature, isEd25519PublicKey, keyIdOf, manifestSha256 } from '../../src-common/model-package/package-signature.ts';
import type { ModelTask } from '../../src-shared/model-package.ts';
import { insertOutcomes, liveRollout, packageAtSite, packageRow, publishAssignment, rolloutRow, stableRollout, toPackage, toRollout, toSigned, trustedKeys } from '../models/model-store.ts';
import { rollbackReason } from '../models/rollout-metrics.ts';
import { outcomeCounts } from '../models/model-store.ts';
import { rolloutMetrics } from '../models/rollout-metrics.ts';
import { isUniqueViolation, nowIso, requireSite, scopeSite, writeTx, type HubContext, type HubHandlerMap } from './context.ts';

const blobsOf = (hub: HubContext): HubBlobStore => {
  if (!hub.blobs) throw new ApiError('not_configured', 'This hub has no blob store for model packages (start it with a data directory)');
  return hub.blobs;
};

/** Model packages: admin keys, chunked upload, signed publish, chunked download, rollouts with automatic rollback. */
export const models = {
  'models.registerKey': async ({ publicKey }, { hub }) => {
    if (!isEd25519PublicKey(publicKey)) throw new ApiError('invalid_argument', 'Not an Ed25519 public key (SPKI DER, base64): countersign-admin keys create prints one');
    const keyId = keyIdOf(publicKey);
    const r = await hub.store.db.insertInto('hub_model_keys').values({ key_id: keyId, public_key: publicKey, created_at: nowIso(hub) }).onConflict((oc) => oc.column('key_id').doNothing()).executeTakeFirst();
    return { keyId, created: Number(r.numInsertedOrUpdatedRows ?? 0) > 0 };
  },

  'models.keys': async (_a, { hub }) => ({
    items: (await hub.store.db.selectFrom('hub_model_keys').selectAll().orderBy('created_at').execute()).map((r) => ({ keyId: r.key_id, publicKey: r.public_key, createdAt: r.created_at })),
  }),

  'models.uploadFile': async (a, { hub }) => {
    try {
      const r = await blobsOf(hub).append(a.sha256, a.offset, Buffer.from(a.dataBase64, 'base64'), a.size);
      return { have: r.size, sealed: r.sealed };
    } catch (err) {
      if (err instanceof BlobOffsetError) throw new ApiError('conflict', err.message);
      if (err instanceof BlobHashError) throw new ApiError('invalid_argument', err.message);
      throw err;
    }
  },

  'models.fileStatus': async ({ sha256 }, { hub }) => {
    const blobs = blobsOf(hub);
    return { have: await blobs.size(sha256), sealed: await blobs.sealed(sha256) };
  },

  'models.publish': async (signed, { hub }) => {
    const m = signed.manifest;
    const check = checkManifestSignature(signed, await trustedKeys(hub.store.db));
    if (!check.ok) throw new ApiError(check.code === 'unsigned' ? 'invalid_argument' : 'bad_signature', `${check.message} (register the key with countersign-admin keys register)`);
    const blobs = blobsOf(hub);
    for (const f of m.files) {
      if (!(await blobs.sealed(f.sha256))) throw new ApiError('invalid_argument', `${f.path} (${f.sha256}) was not uploaded completely; countersign-admin models publish uploads it`);
    }
    try {
      const row = await hub.store.tx(async (t) => {
        await t
          .insertInto('hub_model_packages')
          .values({
            name: m.name,
            version: m.version,
            task: m.task,
            manifest_json: JSON.stringify(m),
            manifest_sha256: manifestSha256(m),
            signature: signed.signature!,
            key_id: check.keyId,
            size: m.files.reduce((s, f) => s + f.size, 0),
            created_at: nowIso(hub),
          })
          .execute();
        return t.selectFrom('hub_model_packages').selectAll().where('name', '=', m.name).where('version', '=', m.version).executeTakeFirstOrThrow();
      });
      return toPackage(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `${m.name} ${m.version} is already published; give the new model a new version`);
      throw err;
    }
  },

  'models.list': async (_a, { hub }) => ({ items: (await hub.store.db.selectFrom('hub_model_packages').selectAll().orderBy('id').execute()).map(toPackage) }),

  'models.manifest': async ({ packageId }, { hub, p }) => {
    const row = await packageRow(hub.store.db, packageId);
    if (!row || (p.siteId !== null && !(await packageAtSite(hub.store.db, packageId, p.siteId)))) throw new ApiError('not_found', `No model package ${packageId} rolled out at your site`);
    return toSigned(row);
  },

  'models.chunk': async (a, { hub, p }) => {
    const row = await packageRow(hub.store.db, a.packageId);
    if (!row || (p.siteId !== null && !(await packageAtSite(hub.store.db, a.packageId, p.siteId)))) throw new ApiError('not_found', `No model package ${a.packageId} rolled out at your site`);
    const file = toSigned(row).manifest.files.find((f) => f.path === a.path);
    if (!file) throw new ApiError('not_found', `Model package ${a.packageId} has no file ${a.path}`);
    if (a.offset > file.size) throw new ApiError('invalid_argument', `${a.path} has ${file.size} bytes; offset ${a.offset} is past its end`);
    const bytes = await blobsOf(hub).read(file.sha256, a.offset, Math.min(a.length, file.size - a.offset));
    return { dataBase64: bytes.toString('base64'), size: file.size };
  },

  'models.rollout': async (a, { hub }) =>
    writeTx(hub, async (t, feed) => {
      await requireSite(t, a.siteId);
      const pkg = await packageRow(t, a.packageId);
      if (!pkg) throw new ApiError('not_found', `No model package ${a.packageId}`);
      const task = pkg.task as ModelTask;
      const live = await liveRollout(t, a.siteId, task);
      if (live) throw new ApiError('conflict', `Rollout ${live.id} (${live.stage}) is still running for ${task} at site ${a.siteId}: promote it or roll it back first`);
      const stable = await stableRollout(t, a.siteId, task);
      const now = nowIso(hub);
      const inserted = await t
        .insertInto('hub_model_rollouts')
        .values({
          site_id: a.siteId,
          task,
          package_id: pkg.id,
          baseline_package_id: stable?.package_id ?? null,
          stage: a.stage,
          canary_percent: a.stage === 'stable' ? 100 : a.canaryPercent,
          device_ids_json: a.deviceIds ? JSON.stringify(a.deviceIds) : null,
          margin: a.margin,
          min_decisions: a.minDecisions,
          reason: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await publishAssignment(t, feed, hub.signingKey, a.siteId, task, now);
      return toRollout(t, (await rolloutRow(t, Number(inserted.id)))!);
    }),

  'models.promote': async (a, { hub }) =>
    writeTx(hub, async (t, feed) => {
      const r = await rolloutRow(t, a.rolloutId);
      if (!r) throw new ApiError('not_found', `No rollout ${a.rolloutId}`);
      if (r.stage === 'rolled_back' || r.stage === 'stable') throw new ApiError('conflict', `Rollout ${r.id} is ${r.stage === 'stable' ? 'already stable' : 'rolled back'}; start a new rollout`);
      const now = nowIso(hub);
      await t
        .updateTable('hub_model_rollouts')
        .set({
          stage: a.stage,
          canary_percent: a.stage === 'stable' ? 100 : (a.canaryPercent ?? Number(r.canary_percent)),
          ...(a.deviceIds !== undefined ? { device_ids_json: a.deviceIds ? JSON.stringify(a.deviceIds) : null } : {}),
          updated_at: now,
        })
        .where('id', '=', r.id)
        .execute();
      await publishAssignment(t, feed, hub.signingKey, r.site_id, r.task as ModelTask, now);
      return toRollout(t, (await rolloutRow(t, r.id))!);
    }),

  'models.rollback': async (a, { hub }) =>
    writeTx(hub, async (t, feed) => {
      const r = await rolloutRow(t, a.rolloutId);
      if (!r) throw new ApiError('not_found', `No rollout ${a.rolloutId}`);
      if (r.stage === 'rolled_back') return toRollout(t, r);
      const now = nowIso(hub);
      await t.updateTable('hub_model_rollouts').set({ stage: 'rolled_back', reason: a.reason, updated_at: now }).where('id', '=', r.id).execute();
      await publishAssignment(t, feed, hub.signingKey, r.site_id, r.task as ModelTask, now);
      return toRollout(t, (await rolloutRow(t, r.id))!);
    }),

  'models.rollouts': async (a, { hub, p }) => {
    const siteId = scopeSite(p, a.siteId);
    let q = hub.store.db.selectFrom('hub_model_rollouts').selectAll().orderBy('id');
    if (siteId !== undefined) q = q.where('site_id', '=', siteId);
    const rows = await q.execute();
    const items = [];
    for (const r of rows) items.push(await toRollout(hub.store.db, r));
    return { items };
  },

  'models.reportOutcomes': async ({ outcomes }, { hub, p }) =>
    writeTx(hub, async (t, feed) => {
      const now = nowIso(hub);
      // An outcome names a rollout of the device's own site, or none: another site's metrics are not the device's to move.
      const ours = new Set<number>();
      for (const id of new Set(outcomes.map((o) => o.rolloutId).filter((x): x is number => x !== null))) if ((await rolloutRow(t, id))?.site_id === p.siteId) ours.add(id);
      const stored = await insertOutcomes(t, p.deviceId!, outcomes.filter((o) => o.rolloutId === null || ours.has(o.rolloutId)), now);
      const rolledBack: number[] = [];
      for (const id of ours) {
        const r = (await rolloutRow(t, id))!;
        if (r.stage !== 'shadow' && r.stage !== 'canary') continue;
        const reason = rollbackReason(rolloutMetrics(await outcomeCounts(t, r.id)), Number(r.margin), Number(r.min_decisions));
        if (!reason) continue;
        await t.updateTable('hub_model_rollouts').set({ stage: 'rolled_back', reason: `automatic: ${reason}`, updated_at: now }).where('id', '=', r.id).execute();
        await publishAssignment(t, feed, hub.signingKey, r.site_id, r.task as ModelTask, now);
        rolledBack.push(r.id);
      }
      return { stored, rolledBack };
    }),
} satisfies Partial<HubHandlerMap>;
