import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { Artifact, ArtifactKind } from '../../src-shared/contract/hub.ts';
import { DEFAULT_EXPORTABLE_FIELDS } from '../../src-shared/data-residency.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { artifactContentProblem } from '../../src-shared/config/artifact-content.ts';
import { signedArtifactFields } from '../../src-shared/config/signed-artifact.ts';
import { sha256OfJson, signJson } from '../../src-common/signing/ed25519.ts';
import type { HubKysely } from '../store/database.ts';
import { isUniqueViolation, nowIso, requireSite, scopeSite, writeTx, type HubContext, type HubHandlerMap } from './context.ts';

/** Fields that may leave a site whose policy names none: one list, shared with the device. */
export { DEFAULT_EXPORTABLE_FIELDS };

type ArtifactRow = { kind: string; name: string; version: number; sha256: string; content_json: string; created_at: string; signature: string | null; signed_by: string | null };
const toArtifact = (r: ArtifactRow): Artifact => ({
  kind: r.kind as ArtifactKind,
  name: r.name,
  version: r.version,
  sha256: r.sha256,
  content: JSON.parse(r.content_json) as Record<string, unknown>,
  createdAt: r.created_at,
  signature: r.signature ?? '',
});


/** An artifact from before signing, or signed with a key this hub no longer holds, is signed now. */
async function signedRow(t: HubKysely, hub: HubContext, row: ArtifactRow): Promise<ArtifactRow> {
  if (row.signature && row.signed_by === hub.signingKey.publicKey) return row;
  const signature = signJson(hub.signingKey, signedArtifactFields(row));
  await t.updateTable('hub_artifacts').set({ signature, signed_by: hub.signingKey.publicKey }).where('kind', '=', row.kind).where('name', '=', row.name).where('version', '=', row.version).execute();
  return { ...row, signature, signed_by: hub.signingKey.publicKey };
}

/** The fields the site's assigned policy lets leave the site. */
export async function exportableFields(t: HubKysely, siteId: number): Promise<Set<string>> {
  const row = await t
    .selectFrom('hub_assignments as s')
    .innerJoin('hub_artifacts as a', (j) => j.onRef('a.kind', '=', 's.kind').onRef('a.name', '=', 's.name').onRef('a.version', '=', 's.version'))
    .select('a.content_json')
    .where('s.site_id', '=', siteId)
    .where('s.kind', '=', 'policy')
    .orderBy('s.assigned_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fromPolicy = row ? (JSON.parse(row.content_json) as { exportableFields?: unknown }).exportableFields : undefined;
  return new Set(Array.isArray(fromPolicy) ? fromPolicy.map(String) : DEFAULT_EXPORTABLE_FIELDS);
}

/** Policies, rule sets, vendor templates and model assignments: versioned, assigned per site. */
export const artifacts = {
  'artifacts.publish': async (a, { hub }) => {
    // Refused here, not on the device: what the hub hands out must load with the engine's own schemas.
    const problem = artifactContentProblem(a.kind, a.name, a.content);
    if (problem) throw new ApiError('invalid_argument', `Not published: ${problem}`);
    const json = canonicalJson(a.content);
    const sha256 = sha256OfJson(a.content);
    for (let attempt = 0; ; attempt++) {
      try {
        return await hub.store.tx(async (t) => {
          const last = await t.selectFrom('hub_artifacts').select((e) => e.fn.max('version').as('v')).where('kind', '=', a.kind).where('name', '=', a.name).executeTakeFirst();
          const version = Number(last?.v ?? 0) + 1;
          const createdAt = nowIso(hub);
          const signature = signJson(hub.signingKey, signedArtifactFields({ kind: a.kind, name: a.name, version, sha256 }));
          await t.insertInto('hub_artifacts').values({ kind: a.kind, name: a.name, version, sha256, content_json: json, created_at: createdAt, signature, signed_by: hub.signingKey.publicKey }).execute();
          return { kind: a.kind, name: a.name, version, sha256, content: JSON.parse(json) as Record<string, unknown>, createdAt, signature };
        });
      } catch (err) {
        // Two admins publishing at once on two hubs: the loser takes the next version.
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  },

  'artifacts.assign': async (a, { hub }) =>
    writeTx(hub, async (t, feed) => {
      await requireSite(t, a.siteId);
      const found = await t.selectFrom('hub_artifacts').selectAll().where('kind', '=', a.kind).where('name', '=', a.name).where('version', '=', a.version).executeTakeFirst();
      if (!found) throw new ApiError('not_found', `No ${a.kind} ${a.name} version ${a.version}`);
      const row = await signedRow(t, hub, found);
      // A site routes with one policy and one rule set: assigning one replaces whatever other was assigned.
      if (a.kind === 'policy' || a.kind === 'ruleSet') await t.deleteFrom('hub_assignments').where('site_id', '=', a.siteId).where('kind', '=', a.kind).where('name', '!=', a.name).execute();
      await t
        .insertInto('hub_assignments')
        .values({ site_id: a.siteId, kind: a.kind, name: a.name, version: a.version, assigned_at: nowIso(hub) })
        .onConflict((oc) => oc.columns(['site_id', 'kind', 'name']).doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), assigned_at: eb.ref('excluded.assigned_at') })))
        .execute();
      const artifact = toArtifact(row);
      feed.push({ siteId: a.siteId, type: 'artifact', payload: { artifact } });
      return artifact;
    }),

  'artifacts.list': async (a, { hub, p }) => {
    const siteId = scopeSite(p, a.siteId);
    const rows = await hub.store.db.selectFrom('hub_artifacts').selectAll().orderBy('kind').orderBy('name').orderBy('version').execute();
    let q = hub.store.db.selectFrom('hub_assignments').selectAll();
    if (siteId !== undefined) q = q.where('site_id', '=', siteId);
    const assigned = await q.execute();
    const items = rows
      .map((r) => ({ ...toArtifact(r), assignedTo: assigned.filter((x) => x.kind === r.kind && x.name === r.name && x.version === r.version).map((x) => x.site_id) }))
      .filter((x) => siteId === undefined || x.assignedTo.length > 0);
    return { items };
  },
} satisfies Partial<HubHandlerMap>;
