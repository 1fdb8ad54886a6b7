import { readDocumentFile } from '../ingest/read-document.ts';
import { ocrEngineSetting, plannedEngineName, startOcrEngine, type OcrEngineChoice } from '../ocr/choose-engine.ts';
import type { ExecutionProviderChoice } from '../ml/execution-providers.ts';
import { LazyOcrEngine } from '../engine/lazy-ocr.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { readEInvoiceText } from '../einvoice/einvoice-text-stage.ts';
import { extractText } from '../text/index.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from './exit-codes.ts';

/** `countersign text <file>`: what the pipeline reads, without recording anything. */
export async function printText(file: string, workers: number, choice: { engine?: OcrEngineChoice; executionProvider?: ExecutionProviderChoice } = {}): Promise<number> {
  const engine = choice.engine ?? ocrEngineSetting();
  const ocr = new LazyOcrEngine(plannedEngineName(engine), '0', () =>
    startOcrEngine({
      engine,
      workers,
      onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
      ...(choice.executionProvider ? { executionProvider: choice.executionProvider } : {}),
    }),
  );
  try {
    const doc = readDocumentFile(file);
    if (doc.bytes.length === 0) throw new PipelineError('empty_file', 'The file is empty (0 bytes)');
    if (!doc.mime) throw new PipelineError('unsupported_type', 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file, or an e-invoice XML');
    const { text: r } = await readEInvoiceText({ bytes: new Uint8Array(doc.bytes), mime: doc.mime }, (i) => extractText(i, { ocr, maxPages: 500 }));
    const what = { ocr: 'OCR', pdf_text: 'PDF text', xml: 'e-invoice XML' } as const;
    for (const p of r.pages) {
      const how = p.source === 'ocr' ? `OCR, ${p.engine}${p.ocrModel ? ` on ${p.ocrModel.executionProvider}` : ''}${p.rotation ? `, turned ${p.rotation}°` : ''}` : `${what[p.source]}, ${p.engine}`;
      process.stdout.write(`--- page ${p.pageNo} (${how}) ---\n${p.text}\n`);
    }
    return EXIT_OK;
  } catch (err) {
    const info = toErrorInfo(err);
    process.stderr.write(`error [${info.code}]: ${info.message}\n`);
    return EXIT_SOME_FAILED;
  } finally {
    await ocr.close();
  }
}
