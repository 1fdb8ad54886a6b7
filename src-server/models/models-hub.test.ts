import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src-main/audit/audit-log.ts';
import { HubPackageSource } from '../../src-main/models/hub-package-source.ts';
import { ModelPackageError } from '../../src-main/models/install-package.ts';
import { ModelService } from '../../src-main/models/model-service.ts';
import { verifyArtifact } from '../../src-main/sync/artifact-verify.ts';
import { packFolder } from '../../src-common/model-package/pack-package.ts';
import { createAdminKey } from '../../src-common/model-package/package-signature.ts';
import { copyClassifier } from '../../src-main/models/testing.ts';
import { openDatabase } from '../../src-main/store/database.ts';
import { WriteDoor } from '../../src-main/store/mutate.ts';
import { uploadAndPublish } from '../admin/models-commands.ts';
import { BACKENDS, errorCode, hubClient, seedHub, startHub, type RunningHub } from '../testing/hub-fixture.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-models-'));
const key = createAdminKey();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

for (const { backend, skip, label } of BACKENDS) describe.skipIf(skip)(`model packages on the hub (${label})`, () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let deviceToken: string;
  let hubPublicKey: string;
  beforeAll(async () => {
    const opened = await backend.open();
    drop = opened.drop;
    hub = await startHub(opened.db, { blobDir: path.join(tmp, `blobs-${label}`) });
    seed = await seedHub(hub, 'models');
    const enrolled = await hubClient(hub.url, await seed.code(seed.reviewer.user.id)).call('device.enroll', { name: 'laptop', publicKey: key.publicKey });
    deviceToken = enrolled.credential;
    hubPublicKey = enrolled.hubPublicKey;
  });
  afterAll(async () => {
    await hub?.close();
    await hub?.db.close();
    await drop?.();
  });
  const admin = () => hubClient(hub.url, seed.admin.token);

  it('refuses a package signed by a key it does not know, and an upload whose bytes do not hash to their name; resumes an upload', async () => {
    const dir = copyClassifier('5.0.0');
    const signed = packFolder(dir, key, { minAppVersion: '0.1.0' });
    expect(await errorCode(uploadAndPublish(admin(), dir, signed))).toBe('bad_signature');
    expect(await errorCode(admin().call('models.registerKey', { publicKey: 'not a key' }))).toBe('invalid_argument');
    await admin().call('models.registerKey', { publicKey: key.publicKey });
    // A new version: its config.json is a file the hub does not hold yet. Half sent, then the upload picks up where the hub stopped.
    const dir2 = copyClassifier('5.0.1');
    const signed2 = packFolder(dir2, key, { minAppVersion: '0.1.0' });
    const f = signed2.manifest.files.find((x) => x.path === 'config.json')!;
    const bytes = fs.readFileSync(path.join(dir2, f.path));
    await admin().call('models.uploadFile', { sha256: f.sha256, size: f.size, offset: 0, dataBase64: bytes.subarray(0, 300).toString('base64') });
    expect(await admin().call('models.fileStatus', { sha256: f.sha256 })).toEqual({ have: 300, sealed: false });
    expect(await errorCode(admin().call('models.uploadFile', { sha256: f.sha256, size: f.size, offset: 0, dataBase64: 'AAAA' }))).toBe('conflict');
    expect(await uploadAndPublish(admin(), dir2, signed2, 256)).toMatchObject({ version: '5.0.1' });
    expect(await admin().call('models.fileStatus', { sha256: f.sha256 })).toEqual({ have: f.size, sealed: true });
    const wrong = Buffer.from('not the model');
    expect(await errorCode(admin().call('models.uploadFile', { sha256: 'a'.repeat(64), size: wrong.length, offset: 0, dataBase64: wrong.toString('base64') }))).toBe('invalid_argument');
    const pkg = await uploadAndPublish(admin(), dir, signed);
    expect(pkg).toMatchObject({ name: 'countersign-doc-classifier', version: '5.0.0', keyId: key.keyId });
    expect(await errorCode(uploadAndPublish(admin(), dir, signed))).toBe('conflict');
    // A reviewer may not publish, a device of a site where the package is not rolled out may not download it.
    expect(await errorCode(hubClient(hub.url, seed.reviewer.token).call('models.publish', signed))).toBe('forbidden');
    expect(await errorCode(hubClient(hub.url, deviceToken).call('models.manifest', { packageId: pkg.id }))).toBe('not_found');
  });

  it('a device refuses a package whose file was altered in the hub blob store, with an audited error', async () => {
    const dir = copyClassifier('5.1.0');
    const signed = packFolder(dir, key, { minAppVersion: '0.1.0' });
    const pkg = await uploadAndPublish(admin(), dir, signed);
    await admin().call('models.rollout', { siteId: seed.site.id, packageId: pkg.id, stage: 'shadow', canaryPercent: 10, deviceIds: null, margin: 0.05, minDecisions: 50 });
    const f = signed.manifest.files.find((x) => x.path === 'vocab.txt')!;
    const blob = path.join(tmp, `blobs-${label}`, f.sha256.slice(0, 2), f.sha256);
    fs.writeFileSync(blob, fs.readFileSync(blob, 'utf8').replace('[UNK]', '[XXX]'));

    const db = openDatabase(':memory:');
    const audit = new AuditLog(db);
    const models = new ModelService({ db, door: new WriteDoor(db, audit), modelsDir: path.join(tmp, `device-models-${label}`), appVersion: '0.1.0' });
    models.trustKey(key.publicKey, 'enrollment', 'test');
    const source = new HubPackageSource(hubClient(hub.url, deviceToken), pkg.id, hub.url);
    await expect(models.install(source, { actor: 'system:models', hubPackageId: pkg.id })).rejects.toThrow(ModelPackageError);
    const [refused] = audit.list({ offset: 0, limit: 10 }).items.filter((e) => e.event === 'model.refused');
    expect(refused!.data).toMatchObject({ code: 'tampered', hubPackageId: pkg.id, message: expect.stringMatching(/vocab\.txt has SHA-256 [0-9a-f]{64}, the signed manifest says/) });
    expect(models.repo.packages()).toEqual([]);
  });

  it('publishes each model assignment signed by the hub, so the enrolled device accepts it and refuses an altered one', async () => {
    // The rollout of the test before put the site's doc-classifier assignment on the feed.
    const { changes } = await hubClient(hub.url, deviceToken).call('sync.pull', { cursor: '0.0', limit: 1000 });
    const assignments = changes.flatMap((c) => (c.type === 'artifact' && c.artifact.kind === 'modelAssignment' ? [c.artifact] : []));
    expect(assignments.length).toBeGreaterThan(0);
    for (const a of assignments) expect(verifyArtifact(a, hubPublicKey)).toMatchObject({ ok: true, artifact: { kind: 'modelAssignment', name: 'doc-classifier', content: { task: 'doc-classifier' } } });
    const a = assignments.at(-1)!;
    expect(verifyArtifact({ ...a, content: { ...a.content, candidate: null } }, hubPublicKey)).toMatchObject({ ok: false, refusal: { reason: 'bad_hash' } });
    expect(verifyArtifact({ ...a, signature: '' }, hubPublicKey)).toMatchObject({ ok: false, refusal: { reason: 'unsigned' } });
    const listed = (await admin().call('artifacts.list', { siteId: seed.site.id })).items.filter((x) => x.kind === 'modelAssignment');
    expect(listed.length).toBeGreaterThan(0);
    for (const x of listed) expect(x.signature).toMatch(/^[A-Za-z0-9+/]{40,}={0,2}$/);
  });
});
