import { readDocumentFile } from '../ingest/read-document.ts';
import { createTesseractEngine } from '../ocr/tesseract-pool.ts';
import { LazyOcrEngine } from '../engine/lazy-ocr.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { readEInvoiceText } from '../einvoice/einvoice-text-stage.ts';
import { extractText } from '../text/index.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from './exit-codes.ts';

/** `countersign text <file>`: what the pipeline reads, without recording anything. */
export async function printText(file: string, workers: number): Promise<number> {
  const ocr = new LazyOcrEngine('tesseract.js', '7', () => createTesseractEngine({ workers }));
  try {
    const doc = readDocumentFile(file);
    if (doc.bytes.length === 0) throw new PipelineError('empty_file', 'The file is empty (0 bytes)');
    if (!doc.mime) throw new PipelineError('unsupported_type', 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file, or an e-invoice XML');
    const { text: r } = await readEInvoiceText({ bytes: new Uint8Array(doc.bytes), mime: doc.mime }, (i) => extractText(i, { ocr, maxPages: 500 }));
    const what = { ocr: 'OCR', pdf_text: 'PDF text', xml: 'e-invoice XML' } as const;
    for (const p of r.pages) {
      process.stdout.write(`--- page ${p.pageNo} (${what[p.source]}, ${p.engine}) ---\n${p.text}\n`);
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
