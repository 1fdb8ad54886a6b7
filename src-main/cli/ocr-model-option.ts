import { Option } from 'commander';
import { OCR_MODEL_ENV, OCR_MODEL_VARIANTS, DEFAULT_OCR_MODEL_VARIANT, type OcrModelVariant } from '../ocr/onnx/ocr-model-variant.ts';

export const ocrModelOption = () =>
  new Option('--ocr-model <variant>', `build of the PP-OCRv4 models the ONNX engine loads (default: $${OCR_MODEL_ENV}, else ${DEFAULT_OCR_MODEL_VARIANT})`).choices(OCR_MODEL_VARIANTS);

/** The flag is the setting for this run: the ONNX OCR engine reads the setting where it starts. */
export function applyOcrModel(variant: OcrModelVariant | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (variant) env[OCR_MODEL_ENV] = variant;
}
