import { fileURLToPath } from 'node:url';
import { loadClassifier } from './classifier.ts';

const MODEL_DIR = fileURLToPath(new URL('../../models/doc-classifier', import.meta.url));
const DOCS = 64;

/** Invoice- and receipt-like texts of 100 to 250 tokens, so batches see real padding. */
function benchTexts(): string[] {
  return Array.from({ length: DOCS }, (_, i) => {
    const lines = [`Vendor ${i} Trading Ltd`, `${i + 1} High Street, London`, i % 2 ? 'INVOICE' : 'RECEIPT', `No: ${100000 + i * 37}`, `Date: ${(i % 28) + 1}/03/2024`];
    for (let k = 0; k < 4 + (i % 12); k++) lines.push(`Item ${k} description ${k % 3 ? 'service' : 'goods'} ${k + 1} x ${(k * 3.25 + i).toFixed(2)}`);
    lines.push(`Total ${(i * 12.5).toFixed(2)}`, 'Thank you');
    return lines.join('\n');
  });
}

async function docsPerSecond(quantized: boolean, batchSize: number, texts: string[]): Promise<number> {
  const clf = await loadClassifier(MODEL_DIR, { quantized, batchSize, threads: 2, executionProviders: ['cpu'] });
  try {
    await clf.classify(texts.slice(0, batchSize)); // warm-up
    const start = process.hrtime.bigint();
    await clf.classify(texts);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return texts.length / seconds;
  } finally {
    await clf.close();
  }
}

/** Markdown section: classifier throughput on 2 CPU threads, fp32 and int8, batch 1 and 16. */
export default async function classifyBench(): Promise<string> {
  const texts = benchTexts();
  const rows: string[] = [];
  for (const quantized of [false, true]) {
    const b1 = await docsPerSecond(quantized, 1, texts);
    const b16 = await docsPerSecond(quantized, 16, texts);
    rows.push(`| ${quantized ? 'int8 (model_quantized.onnx)' : 'fp32 (model.onnx)'} | ${b1.toFixed(1)} | ${b16.toFixed(1)} |`);
  }
  return [
    '## Document classifier',
    '',
    `onnxruntime-node, CPU execution provider, 2 intra-op threads, ${DOCS} documents of 100-250 tokens.`,
    '',
    '| model | docs/s at batch 1 | docs/s at batch 16 |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
