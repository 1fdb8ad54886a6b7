// Runs token ids through an ONNX model with onnxruntime-node (the runtime the app uses) and prints
// the logits as JSON. train.py uses it to check the exported fp32 and int8 models.
// usage: node run-onnx.mjs <model.onnx> <inputs.json: {"batches": [[[id, ...], ...], ...]}>
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

const [modelPath, inputPath] = process.argv.slice(2);
const { batches } = JSON.parse(await readFile(inputPath, 'utf8'));
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2, executionProviders: ['cpu'] });
const logits = [];
for (const batch of batches) {
  const len = Math.max(...batch.map((ids) => ids.length));
  const ids = new BigInt64Array(batch.length * len);
  const mask = new BigInt64Array(batch.length * len);
  batch.forEach((row, b) => row.forEach((id, t) => {
    ids[b * len + t] = BigInt(id);
    mask[b * len + t] = 1n;
  }));
  const dims = [batch.length, len];
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch.length * len), dims),
  });
  const data = out.logits.data;
  const n = out.logits.dims[1];
  for (let b = 0; b < batch.length; b++) logits.push(Array.from(data.slice(b * n, (b + 1) * n)));
}
process.stdout.write(JSON.stringify({ logits }));
