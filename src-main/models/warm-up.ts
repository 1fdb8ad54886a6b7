import type { ModelManifest } from '../../src-shared/model-package.ts';
import { loadClassifier } from '../classify/classifier.ts';
import { createOnnxOcrEngine } from '../ocr/onnx/onnx-ocr-engine.ts';
import type { ExecutionProvider } from '../ml/execution-providers.ts';

const SAMPLE = 'Invoice No. 2024-001 Date 01.02.2024 Total due 119.00 EUR VAT 19% IBAN DE02120300000000202051';

/**
 * Loads a freshly downloaded model and runs it once, so a package that does not load, or that answers
 * with labels other than its manifest's, is refused before anything switches to it.
 */
export async function warmUpModel(dir: string, m: ModelManifest, executionProviders: ExecutionProvider[] = ['cpu']): Promise<void> {
  if (m.task === 'ocr') {
    const ocr = await createOnnxOcrEngine({ modelDir: dir, workers: 1 });
    await ocr.close();
    return;
  }
  const classifier = await loadClassifier(dir, { quantized: true, executionProviders });
  try {
    const [r] = await classifier.classify([SAMPLE]);
    const labels = Object.keys(r!.scores);
    if (m.labels.length && labels.join(',') !== m.labels.join(',')) throw new Error(`the model's labels (${labels.join(', ')}) are not the manifest's (${m.labels.join(', ')})`);
  } finally {
    await classifier.close();
  }
}
