import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { DocTypeSchema, type DocType, type ModelInfo } from '../../src-shared/document-model.ts';
import { ResilientSession, type ExecutionProvider } from '../ml/execution-providers.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { createTokenizer, type BertTokenizer } from './tokenizer.ts';

/** Calibrated probabilities: softmax(logits / temperature); `scores` has one entry per model label. */
export interface Classification {
  label: DocType;
  score: number;
  scores: Record<string, number>;
}

export interface DocClassifier {
  /** The model, with the execution provider the latest prediction ran on. */
  readonly model: ModelInfo;
  classify(texts: string[]): Promise<Classification[]>;
  /** One document's label and the model that gave it, where more than one model may serve (a rollout; models/rollout-classifier.ts). */
  classifyDocument?(text: string, doc: { documentId: number; sha256: string }): Promise<{ classification: Classification; model: ModelInfo }>;
  close(): Promise<void>;
}

export interface LoadClassifierOptions {
  /** Load onnx/model_quantized.onnx (int8) instead of onnx/model.onnx. */
  quantized?: boolean;
  /** Tried in order (see ml/execution-providers.ts); the first that loads and passes its self-test is used, 'cpu' last. */
  executionProviders?: ExecutionProvider[];
  onWarning?: (message: string) => void;
  batchSize?: number;
  /** Intra-op threads for the CPU provider. */
  threads?: number;
}

// Hugging Face config.json, plus our own keys: name, version, temperature, max_length.
const ConfigSchema = z.object({
  model_type: z.string(),
  id2label: z.record(z.string(), z.string()),
  max_position_embeddings: z.number().int().positive().optional(),
  max_length: z.number().int().positive().optional(),
  temperature: z.number().positive().default(1),
  name: z.string().optional(),
  _name_or_path: z.string().optional(),
  version: z.string().default('0'),
});

const TokenizerConfigSchema = z.object({ model_max_length: z.number().optional() }).loose();

const DEFAULT_MAX_LENGTH = 256;

function modelError(message: string, cause?: unknown): PipelineError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new PipelineError('model_failed', `${message}${detail}`, { cause });
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw modelError(`Document classifier: cannot read ${path}`, err);
  }
}

/** A fixed 8-token input for the provider self-test: [CLS] … [SEP] with ids every vocabulary has. */
function selfTestFeeds(inputNames: readonly string[]): Record<string, ort.Tensor> {
  const dims = [1, 8];
  const ids = BigInt64Array.from([101n, 1000n, 1001n, 1002n, 1003n, 1004n, 1005n, 102n]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(8).fill(1n), dims),
  };
  if (inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(8), dims);
  return feeds;
}

function softmax(logits: ArrayLike<number>, offset: number, n: number, temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]! / temperature);
  const exps = Array.from({ length: n }, (_, i) => Math.exp(logits[offset + i]! / temperature - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function loadClassifier(modelDir: string, opts: LoadClassifierOptions = {}): Promise<DocClassifier> {
  const configResult = ConfigSchema.safeParse(await readJson(join(modelDir, 'config.json')));
  if (!configResult.success) throw modelError(`Document classifier: invalid config.json in ${modelDir}: ${configResult.error.message}`);
  const config = configResult.data;
  const labels = Object.entries(config.id2label)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, l]) => l);
  for (const l of labels) {
    if (!DocTypeSchema.safeParse(l).success) throw modelError(`Document classifier: label "${l}" in ${modelDir}/config.json is not a document type`);
  }

  const tokConfig = TokenizerConfigSchema.safeParse(await readJson(join(modelDir, 'tokenizer_config.json')).catch(() => ({})));
  const maxLength = Math.min(
    config.max_length ?? config.max_position_embeddings ?? DEFAULT_MAX_LENGTH,
    config.max_position_embeddings ?? Infinity,
    tokConfig.success ? (tokConfig.data.model_max_length ?? Infinity) : Infinity,
  );
  let tokenizer: BertTokenizer;
  try {
    tokenizer = createTokenizer(await readJson(join(modelDir, 'tokenizer.json')), { maxLength });
  } catch (err) {
    throw err instanceof PipelineError ? err : modelError(`Document classifier: unsupported tokenizer.json in ${modelDir}`, err);
  }

  const modelPath = join(modelDir, 'onnx', opts.quantized ? 'model_quantized.onnx' : 'model.onnx');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(modelPath);
  } catch (err) {
    throw modelError(`Document classifier: cannot read ${modelPath}`, err);
  }
  // Hash the very bytes the session is built from, so ModelInfo names what actually ran.
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let session: ResilientSession;
  try {
    session = await ResilientSession.create(bytes, {
      providers: opts.executionProviders ?? ['cpu'],
      threads: opts.threads ?? 2,
      selfTest: { feeds: selfTestFeeds, tolerance: 1e-3 },
      onFallback: (a) => opts.onWarning?.(`Document classifier: execution provider ${a.provider} ${a.error}; falling back`),
    });
  } catch (err) {
    throw modelError(`Document classifier: ${modelPath} is not a loadable ONNX model`, err);
  }
  if (!session.outputNames.includes('logits') || !session.inputNames.includes('input_ids')) {
    await session.release();
    throw modelError(`Document classifier: ${modelPath} must take input_ids and return logits`);
  }
  const wantsTypeIds = session.inputNames.includes('token_type_ids');
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const model = (): ModelInfo => ({
    name: `${config.name ?? config._name_or_path ?? basename(modelDir)}/${basename(modelPath)}`,
    version: config.version,
    sha256,
    executionProvider: provider,
  });
  let provider: string = session.provider;

  const classifyBatch = async (texts: string[]): Promise<Classification[]> => {
    const enc = tokenizer.encodeBatch(texts);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', enc.inputIds, enc.dims),
      attention_mask: new ort.Tensor('int64', enc.attentionMask, enc.dims),
    };
    if (wantsTypeIds) feeds.token_type_ids = new ort.Tensor('int64', enc.tokenTypeIds, enc.dims);
    const { outputs: out, provider: ranOn } = await session.run(feeds);
    provider = ranOn;
    const logits = out.logits;
    if (!logits || logits.dims.length !== 2 || logits.dims[1] !== labels.length) {
      throw modelError(`Document classifier: logits of shape [${logits?.dims.join(', ')}] do not match ${labels.length} labels`);
    }
    const data = logits.data as Float32Array;
    return texts.map((_, b) => {
      const probs = softmax(data, b * labels.length, labels.length, config.temperature);
      let best = 0;
      for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
      const scores: Record<string, number> = {};
      labels.forEach((l, i) => (scores[l] = probs[i]!));
      return { label: labels[best] as DocType, score: probs[best]!, scores };
    });
  };

  return {
    get model() {
      return model();
    },
    async classify(texts) {
      const results: Classification[] = [];
      for (let i = 0; i < texts.length; i += batchSize) results.push(...(await classifyBatch(texts.slice(i, i + batchSize))));
      return results;
    },
    async close() {
      await session.release();
    },
  };
}
