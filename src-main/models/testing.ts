import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLED } from '../understand/pipeline-understanding.ts';

/** The files of the bundled classifier a package needs (the int8 model the engine loads; the fp32 one left out to keep tests quick). */
const CLASSIFIER_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'onnx/model_quantized.onnx'];

/** A copy of a classifier folder (default: the bundled one) with its config.json version set, in a fresh temp folder. */
export function copyClassifier(version: string, from = BUNDLED.modelDir): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-model-'));
  for (const f of CLASSIFIER_FILES) {
    if (!fs.existsSync(path.join(from, f))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(from, f), path.join(dir, f));
  }
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify({ ...config, version }, null, 2)}\n`);
  return dir;
}
