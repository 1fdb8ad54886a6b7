import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelManifestSchema, type ModelManifest, type ModelTask } from '../../src-shared/model-package.ts';

/** The signed manifest's file name inside a package folder (for installing from a folder). */
export const SIGNED_MANIFEST_FILE = 'countersign-package.json';
/** Evaluation figures a training run leaves beside the model (tools/train-classifier writes it). */
export const METRICS_FILE = 'metrics.json';

const ClassifierConfig = z.object({ id2label: z.record(z.string(), z.string()), name: z.string().optional(), version: z.string().optional() }).loose();
const OcrManifest = z.object({ name: z.string(), version: z.string(), files: z.record(z.string(), z.string()) }).loose();

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else if (e.isFile() && r !== SIGNED_MANIFEST_FILE) out.push(r);
  }
  return out;
}

export function sha256File(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** What kind of model a folder holds: a classifier has config.json with id2label, the OCR reader manifest.json with det/rec files. */
export function detectTask(dir: string): ModelTask {
  if (fs.existsSync(path.join(dir, 'config.json')) && fs.existsSync(path.join(dir, 'tokenizer.json'))) return 'doc-classifier';
  if (fs.existsSync(path.join(dir, 'manifest.json'))) return 'ocr';
  throw new Error(`${dir} is neither a classifier folder (config.json, tokenizer.json) nor an OCR model folder (manifest.json)`);
}

/** The manifest of a model folder: name, version and labels from the model's own files, every file hashed. */
export function buildManifest(dir: string, o: { minAppVersion: string; name?: string; version?: string; createdAt?: string }): ModelManifest {
  const task = detectTask(dir);
  let name: string;
  let version: string;
  let labels: string[];
  if (task === 'doc-classifier') {
    const c = ClassifierConfig.parse(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')));
    name = c.name ?? path.basename(dir);
    version = c.version ?? '0';
    labels = Object.entries(c.id2label)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, l]) => l);
  } else {
    const m = OcrManifest.parse(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
    name = m.name;
    version = m.version;
    labels = [];
  }
  const metricsPath = path.join(dir, METRICS_FILE);
  const metrics = fs.existsSync(metricsPath) ? z.record(z.string(), z.number()).parse(JSON.parse(fs.readFileSync(metricsPath, 'utf8'))) : {};
  const files = listFiles(dir).map((p) => ({ path: p, sha256: sha256File(path.join(dir, p)), size: fs.statSync(path.join(dir, p)).size }));
  return ModelManifestSchema.parse({
    format: 'countersign-model-package/1',
    name: o.name ?? name,
    version: o.version ?? version,
    task,
    labels,
    files,
    metrics,
    minAppVersion: o.minAppVersion,
    createdAt: o.createdAt ?? new Date().toISOString(),
  });
}
