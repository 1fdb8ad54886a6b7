import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { openDatabase } from '../store/database.ts';
import { WriteDoor } from '../store/mutate.ts';
import { SIGNED_MANIFEST_FILE } from '../../src-common/model-package/build-manifest.ts';
import { ModelPackageError } from './install-package.ts';
import { ModelService } from './model-service.ts';
import { packFolder } from '../../src-common/model-package/pack-package.ts';
import { createAdminKey, signManifest } from '../../src-common/model-package/package-signature.ts';
import { FolderPackageSource, type PackageSource } from './package-source.ts';
import { copyClassifier } from './testing.ts';
import { BUNDLED_PPOCR_DIR } from '../ocr/onnx/ppocr-model.ts';

const admin = createAdminKey();
const stranger = createAdminKey();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function device(appVersion = '0.1.0') {
  const db = openDatabase(':memory:');
  const audit = new AuditLog(db);
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-models-'));
  dirs.push(modelsDir);
  const door = new WriteDoor(db, audit);
  const models = new ModelService({ db, door, modelsDir, appVersion, chunkBytes: 256 * 1024 });
  models.trustKey(admin.publicKey, 'manual', 'test');
  const refusals = () => audit.list({ offset: 0, limit: 100 }).items.filter((e) => e.event === 'model.refused').map((e) => e.data as { code: string; message: string });
  return { db, audit, door, models, modelsDir, refusals };
}

function pkg(version: string, minAppVersion = '0.1.0') {
  const dir = copyClassifier(version);
  dirs.push(dir);
  const signed = packFolder(dir, admin, { minAppVersion });
  return { dir, signed };
}

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ModelPackageError) return err.code;
    throw err;
  }
  return 'installed';
};

describe('model packages on the device', () => {
  it('installs a signed package: every file verified, warmed up, moved into place, activated atomically with the previous kept', async () => {
    const d = device();
    const { dir, signed } = pkg('1.2.0');
    const m = await d.models.install(new FolderPackageSource(dir), { actor: 'admin' });
    expect(m).toMatchObject({ name: 'countersign-doc-classifier', version: '1.2.0', task: 'doc-classifier' });
    expect(fs.readdirSync(path.join(d.modelsDir, 'doc-classifier'))).toEqual([path.basename(m.dir)]);
    expect(signed.manifest.files.map((f) => f.path)).toContain('onnx/model_quantized.onnx');
    const s = d.models.activate('doc-classifier', m.id, 'admin');
    expect(s.active?.version).toBe('1.2.0');
    expect(s.previous).toBeNull();
    const { classifier } = await d.models.loadClassifier();
    expect(classifier.model.version).toBe('1.2.0');
    await classifier.close();
    expect(d.models.rollback('doc-classifier', 'admin').active).toBeNull();
    expect(d.audit.list({ offset: 0, limit: 100 }).items.map((e) => e.event)).toEqual(expect.arrayContaining(['model.installed', 'model.activated', 'model.rolled_back']));
  });

  it('audits each real change through the write door, and leaves no entry for one that changes nothing', async () => {
    const d = device();
    const { dir } = pkg('1.2.3');
    const changes: string[] = [];
    d.door.onChange((c) => changes.push(c.name));
    const events = () => d.audit.list({ offset: 0, limit: 100 }).items.map((e) => e.event);
    const m = await d.models.install(new FolderPackageSource(dir), { actor: 'admin' });
    d.models.activate('doc-classifier', m.id, 'admin');
    const before = events();
    // Again: the key is trusted, the package installed, the package active.
    expect(d.models.trustKey(admin.publicKey, 'manual', 'test')).toEqual({ keyId: admin.keyId, added: false });
    expect((await d.models.install(new FolderPackageSource(dir), { actor: 'admin' })).id).toBe(m.id);
    expect(d.models.activate('doc-classifier', m.id, 'admin').active?.id).toBe(m.id);
    expect(events()).toEqual(before);
    expect(changes).toEqual(['models.install', 'models.activate']);
    expect(before.filter((e) => e.startsWith('model.')).sort()).toEqual(['model.activated', 'model.installed', 'model.key_trusted']);
  });

  it('resumes an interrupted download where it stopped', async () => {
    const d = device();
    const { dir } = pkg('1.2.1');
    const folder = new FolderPackageSource(dir);
    let served = 0;
    const flaky: PackageSource = {
      where: folder.where,
      describe: () => folder.describe(),
      chunk: async (f, offset, length) => {
        if (++served === 4) throw new Error('connection reset');
        return folder.chunk(f, offset, length);
      },
    };
    expect(await refusal(d.models.install(flaky, { actor: 'admin' }))).toBe('download_failed');
    const before = served;
    const chunks: number[] = [];
    await d.models.install(new FolderPackageSource(dir), { actor: 'admin', onChunk: (_f, have) => chunks.push(have) });
    const total = Math.ceil(fs.statSync(path.join(dir, 'onnx/model_quantized.onnx')).size / (256 * 1024)) + 5;
    // Resumed: the second attempt fetched fewer chunks than a whole download needs.
    expect(before).toBe(4);
    expect(chunks.length).toBeLessThan(total);
  });

  it('refuses a tampered package (a file changed after signing), audited, nothing installed', async () => {
    const d = device();
    const { dir } = pkg('1.3.0');
    const f = path.join(dir, 'onnx/model_quantized.onnx');
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(f, bytes);
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('tampered');
    expect(d.refusals()[0]!.message).toMatch(/onnx\/model_quantized\.onnx has SHA-256 [0-9a-f]{64}, the signed manifest says/);
    expect(d.models.repo.packages()).toEqual([]);
  });

  it('refuses an unsigned package', async () => {
    const d = device();
    const { dir, signed } = pkg('1.3.1');
    fs.writeFileSync(path.join(dir, SIGNED_MANIFEST_FILE), JSON.stringify({ ...signed, signature: null, keyId: null }));
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('unsigned');
    expect(d.refusals()[0]!.message).toMatch(/is not signed/);
  });

  it('refuses a package signed by a key the device does not trust, and one whose manifest was altered after signing', async () => {
    const d = device();
    const { dir, signed } = pkg('1.3.2');
    fs.writeFileSync(path.join(dir, SIGNED_MANIFEST_FILE), JSON.stringify(signManifest(signed.manifest, stranger)));
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('untrusted_key');
    // The admin's key id with a stranger's signature: the signature does not verify.
    fs.writeFileSync(path.join(dir, SIGNED_MANIFEST_FILE), JSON.stringify({ ...signManifest(signed.manifest, stranger), keyId: admin.keyId }));
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('bad_signature');
    fs.writeFileSync(path.join(dir, SIGNED_MANIFEST_FILE), JSON.stringify({ ...signed, manifest: { ...signed.manifest, version: '9.9.9' } }));
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('bad_signature');
    expect(d.refusals().map((r) => r.code).sort()).toEqual(['bad_signature', 'bad_signature', 'untrusted_key']);
  });

  it('refuses a package that needs a newer app', async () => {
    const d = device('0.1.0');
    const { dir } = pkg('2.0.0', '0.2.0');
    expect(await refusal(d.models.install(new FolderPackageSource(dir), { actor: 'admin' }))).toBe('too_new');
    expect(d.refusals()[0]!.message).toBe('Model package countersign-doc-classifier 2.0.0 needs app version 0.2.0 or later; this is 0.1.0');
  });

  it('carries the OCR reader the same way: the manifest says ocr, it is warmed up, and becomes the active OCR model', async () => {
    const d = device();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ocr-pkg-'));
    dirs.push(dir);
    fs.cpSync(BUNDLED_PPOCR_DIR, dir, { recursive: true });
    const signed = packFolder(dir, admin, { minAppVersion: '0.1.0', version: '4.0.1' });
    expect(signed.manifest).toMatchObject({ task: 'ocr', name: 'PP-OCRv4 (ch, mobile)', version: '4.0.1', labels: [] });
    const m = await d.models.install(new FolderPackageSource(dir), { actor: 'admin' });
    expect(d.models.activeOcrDir()).toBeNull();
    d.models.activate('ocr', m.id, 'admin');
    expect(d.models.activeOcrDir()).toBe(m.dir);
    expect(fs.existsSync(path.join(m.dir, 'ch_PP-OCRv4_det_infer.onnx'))).toBe(true);
  });
});
