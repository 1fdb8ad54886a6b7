import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedArtifactFields } from '../../src-shared/config/signed-artifact.ts';
import type { Artifact } from '../../src-shared/contract/hub.ts';
import { hubClient, seedHub, sqliteBackend, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import { activeVersions } from '../config/engine-config.ts';
import { generateSigningKey, sha256OfJson, signJson } from '../../src-common/signing/ed25519.ts';
import { openTestDevice, type TestDevice } from './testing.ts';

const policy = (version: string, extra: Record<string, unknown> = {}) => ({ version, docTypes: { invoice: { classThreshold: 0.5, requiredFields: { total: 0.5 } } }, ...extra });

/** A `fetch` that rewrites the artifacts in the hub's pull replies on their way to the device. */
function tamperingFetch(change: (a: Artifact) => Artifact): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input).endsWith('/sync.pull')) return res;
    const body = (await res.json()) as { ok: boolean; value?: { changes: { type: string; artifact?: Artifact }[] } };
    for (const c of body.value?.changes ?? []) if (c.artifact) c.artifact = change(c.artifact);
    return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
  };
}

describe('configuration from the hub, verified on the device', () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  const devices: TestDevice[] = [];
  const admin = () => hubClient(hub.url, seed.admin.token);

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub, 'cfg');
  });
  afterAll(async () => {
    for (const d of devices) await d.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
  });

  async function enrolledDevice(fetchImpl?: typeof fetch) {
    const d = await openTestDevice(fetchImpl ? { fetch: fetchImpl } : {});
    devices.push(d);
    await d.sync.handlers['sync.connect']({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: `cfg-${devices.length}` });
    return d;
  }
  const refusals = (d: TestDevice) => d.db.prepare(`SELECT data_json FROM audit WHERE event = 'config.refused' ORDER BY seq`).all().map((r) => JSON.parse((r as { data_json: string }).data_json) as { reason: string; name: string; message: string });
  let n = 0;
  async function publishAndAssign(kind: 'policy' | 'ruleSet' | 'template', content: Record<string, unknown>) {
    const a = await admin().call('artifacts.publish', { kind, name: `${kind}-${++n}`, content });
    await admin().call('artifacts.assign', { siteId: seed.site.id, kind, name: a.name, version: a.version });
    return a;
  }

  it('applies a signed policy, rule set and template as the active configuration, and status names them', async () => {
    const d = await enrolledDevice();
    expect(activeVersions(d.db).source).toEqual({ policy: 'bundled', ruleSet: 'bundled', templates: 'bundled' });
    const p = await publishAndAssign('policy', policy('site-1'));
    const r = await publishAndAssign('ruleSet', { version: 'r', rules: [{ id: 'totals', kind: 'totals_add_up', severity: 'warning' }] });
    const t = await publishAndAssign('template', { issuer: 'ACME', keywords: ['ACME\\s+GmbH'] });
    await d.sync.syncOnce();
    expect(refusals(d)).toEqual([]);
    expect(activeVersions(d.db)).toEqual({
      source: { policy: 'hub', ruleSet: 'hub', templates: 'hub' },
      policy: `hub:${p.name}@1`,
      ruleSet: `hub:${r.name}@1`,
      templates: [`${t.name}@1`],
    });
    expect(d.sync.status()).toMatchObject({ config: { policy: `hub:${p.name}@1` }, lastConfigRefusal: null });
    // A newer policy assigned replaces the old one as a whole.
    const p2 = await publishAndAssign('policy', policy('site-2'));
    await d.sync.syncOnce();
    expect(activeVersions(d.db).policy).toBe(`hub:${p2.name}@1`);
    expect(d.db.prepare(`SELECT event FROM audit WHERE event LIKE 'config.%' ORDER BY seq`).all().map((e) => (e as { event: string }).event)).toEqual(['config.received', 'config.received', 'config.received', 'config.received']);
  });

  const cases: [string, (a: Artifact) => Artifact, string][] = [
    ['content changed on the way', (a) => ({ ...a, content: { ...a.content, version: 'evil' } }), 'bad_hash'],
    ['content and its hash changed on the way', (a) => {
      const content = { ...a.content, version: 'evil' };
      return { ...a, content, sha256: sha256OfJson(content) };
    }, 'bad_signature'],
    ['a signature of something else', (a) => ({ ...a, signature: signJson(generateSigningKey().key, { nope: 1 }) }), 'bad_signature'],
    ['no signature', (a) => ({ ...a, signature: undefined }), 'unsigned'],
    ['the signature of another hub', (a) => ({ ...a, signature: signJson(generateSigningKey().key, signedArtifactFields(a)) }), 'bad_signature'],
  ];
  for (const [what, change, reason] of cases) {
    it(`refuses a policy with ${what}: nothing stored, the refusal audited and shown`, async () => {
      const d = await enrolledDevice(tamperingFetch(change));
      await d.sync.syncOnce();
      const refused = refusals(d);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((r) => r.reason === reason)).toBe(true);
      expect(d.db.prepare(`SELECT count(*) AS n FROM sync_artifacts`).get()).toEqual({ n: 0 });
      expect(activeVersions(d.db).source.policy).toBe('bundled');
      expect(d.sync.status().lastConfigRefusal).toMatch(/^Refused policy /);
    });
  }

  it('signs an artifact published before signing when it is next assigned', async () => {
    const d = await enrolledDevice();
    const a = await admin().call('artifacts.publish', { kind: 'template', name: 'legacy', content: { issuer: 'Old', keywords: ['Old'] } });
    await hub.db.db.updateTable('hub_artifacts').set({ signature: null, signed_by: null }).where('name', '=', 'legacy').execute();
    await admin().call('artifacts.assign', { siteId: seed.site.id, kind: 'template', name: 'legacy', version: a.version });
    await d.sync.syncOnce();
    expect(refusals(d)).toEqual([]);
    expect(activeVersions(d.db).templates).toContain('legacy@1');
  });

  it('previews a candidate policy on the hub from the route summaries devices uploaded', async () => {
    const d = await enrolledDevice();
    const candidate = (reviewAbove: number) => ({ version: 'cand', docTypes: { invoice: { classThreshold: 0.5, requiredFields: { total: 0.5 }, reviewAbove } } });
    d.db.transaction(() => {
      for (let i = 1; i <= 3; i++) {
        const documentSha256 = String(i).repeat(64);
        d.audit.append({ actor: 'pipeline', event: 'document.classified', documentSha256, data: { documentId: i, label: 'invoice', score: 0.99 }, policyVersion: null });
        const fields = { total: { value: `${100 * i}.00`, confidence: 0.97 }, vendor: { value: 'ACME', confidence: 0.9 } };
        d.audit.append({ actor: 'pipeline', event: 'document.routed', documentSha256, data: { documentId: i, action: 'auto_approve', reasons: [], qaSampled: false, fields, rules: [{ id: 'totals', passed: true }] }, policyVersion: 'hub:p@1' });
      }
    })();
    await d.sync.syncOnce();
    const siteId = seed.site.id;
    const stricter = await admin().call('policies.preview', { siteId, content: candidate(150), limit: 1000 });
    expect(stricter).toMatchObject({ documents: 3, devices: 1 });
    expect((stricter.report as { transitions: unknown }).transitions).toEqual([{ from: 'auto_approve', to: 'review', count: 2 }]);
    expect(stricter.summary).toMatch(/current hub:p@1 → candidate cand/);
    const same = await admin().call('policies.preview', { siteId, content: candidate(10_000), limit: 1000 });
    expect(same.summary).toMatch(/No document would be routed differently/);
    await expect(admin().call('policies.preview', { siteId, content: { docTypes: {} }, limit: 10 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses everything on a device that pinned no hub key (enrolled before signing)', async () => {
    const d = await enrolledDevice();
    d.db.prepare(`DELETE FROM sync_state WHERE key = 'hub_public_key'`).run();
    d.db.prepare(`UPDATE sync_state SET value = '0.0' WHERE key = 'cursor'`).run();
    await d.sync.syncOnce();
    expect(refusals(d).map((r) => r.reason)).toContain('no_hub_key');
    expect(refusals(d)[0]!.message).toMatch(/enroll it again/);
  });
});
