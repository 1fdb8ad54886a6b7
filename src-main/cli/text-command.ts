import { readDocumentFile } from '../ingest/read-document.ts';
import { ocrEngineSetting, plannedEngineName, startOcrEngine, type OcrEngineChoice } from '../ocr/choose-engine.ts';
import type { ExecutionProviderChoice } from '../ml/execution-providers.ts';
import { LazyOcrEngine } from '../engine/lazy-ocr.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { readEInvoiceText } from '../einvoice/einvoice-text-stage.ts';
import { extractText } from '../text/index.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from './exit-codes.ts';

type TextFormat = 'text' | 'jsonl';

/** `countersign text <files…>`: what the pipeline reads, without recording anything; one OCR engine for all files. */
export async function printText(
  files: string[],
  workers: number,
  choice: { engine?: OcrEngineChoice; executionProvider?: ExecutionProviderChoice; format?: TextFormat } = {},
): Promise<number> {
  const engine = choice.engine ?? ocrEngineSetting();
  const ocr = new LazyOcrEngine(plannedEngineName(engine), '0', () =>
    startOcrEngine({
      engine,
      workers,
      onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
      ...(choice.executionProvider ? { executionProvider: choice.executionProvider } : {}),
    }),
  );
  let failed = 0;
  try {
    for (const file of files) {
      try {
        const pages = await readPages(file, ocr);
        process.stdout.write(choice.format === 'jsonl' ? `${JSON.stringify({ file, pages })}\n` : humanText(files.length > 1 ? file : undefined, pages));
      } catch (err) {
        failed++;
        const info = toErrorInfo(err);
        if (choice.format === 'jsonl') process.stdout.write(`${JSON.stringify({ file, error: info })}\n`);
        process.stderr.write(`error [${info.code}]${files.length > 1 ? ` ${file}` : ''}: ${info.message}\n`);
      }
    }
    return failed ? EXIT_SOME_FAILED : EXIT_OK;
  } finally {
    await ocr.close();
  }
}

interface PrintedPage {
  pageNo: number;
  source: 'ocr' | 'pdf_text' | 'xml';
  engine: string;
  executionProvider?: string;
  ocrModel?: string;
  rotation?: number;
  /** The other engine that read the page too (its words are the second reading extraction merges). */
  secondReader?: string;
  text: string;
}

async function readPages(file: string, ocr: OcrEngine): Promise<PrintedPage[]> {
  const doc = readDocumentFile(file);
  if (doc.bytes.length === 0) throw new PipelineError('empty_file', 'The file is empty (0 bytes)');
  if (!doc.mime) throw new PipelineError('unsupported_type', 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file, or an e-invoice XML');
  const { text: r } = await readEInvoiceText({ bytes: new Uint8Array(doc.bytes), mime: doc.mime }, (i) => extractText(i, { ocr, maxPages: 500 }));
  return r.pages.map((p) => ({
    pageNo: p.pageNo,
    source: p.source,
    engine: p.engine,
    ...(p.ocrModel ? { executionProvider: p.ocrModel.executionProvider, ocrModel: p.ocrModel.sha256 } : {}),
    ...(p.rotation ? { rotation: p.rotation } : {}),
    ...(p.alternate?.engine ? { secondReader: p.alternate.engine } : {}),
    text: p.text,
  }));
}

function humanText(file: string | undefined, pages: PrintedPage[]): string {
  const what = { ocr: 'OCR', pdf_text: 'PDF text', xml: 'e-invoice XML' } as const;
  const head = file ? `=== ${file} ===\n` : '';
  return (
    head +
    pages
      .map((p) => {
        const how = p.source === 'ocr' ? `OCR, ${p.engine}${p.executionProvider ? ` on ${p.executionProvider}` : ''}${p.rotation ? `, turned ${p.rotation}°` : ''}${p.secondReader ? `, also read by ${p.secondReader}` : ''}` : `${what[p.source]}, ${p.engine}`;
        return `--- page ${p.pageNo} (${how}) ---\n${p.text}\n`;
      })
      .join('')
  );
}
