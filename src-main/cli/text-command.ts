import { readDocumentFile } from '../ingest/read-document.ts';
import { createTesseractEngine } from '../ocr/tesseract-pool.ts';
import { LazyOcrEngine } from '../engine/lazy-ocr.ts';
import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { extractText } from '../text/index.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from './exit-codes.ts';

/** `countersign text <file>`: what the pipeline reads, without recording anything. */
export async function printText(file: string, workers: number): Promise<number> {
  const ocr = new LazyOcrEngine('tesseract.js', '7', () => createTesseractEngine({ workers }));
  try {
    const doc = readDocumentFile(file);
    if (doc.bytes.length === 0) throw new PipelineError('empty_file', 'The file is empty (0 bytes)');
    if (!doc.mime) throw new PipelineError('unsupported_type', 'Not a supported document: expected a PDF, PNG, JPEG or TIFF file');
    const r = await extractText({ bytes: new Uint8Array(doc.bytes), mime: doc.mime }, { ocr, maxPages: 500 });
    for (const p of r.pages) {
      process.stdout.write(`--- page ${p.pageNo} (${p.source === 'ocr' ? `OCR, ${p.engine}` : `PDF text, ${p.engine}`}) ---\n${p.text}\n`);
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
