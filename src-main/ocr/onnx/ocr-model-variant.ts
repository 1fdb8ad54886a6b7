import { choiceSetting, parseChoice } from '../../config/choice-setting.ts';

/**
 * Which build of the PP-OCRv4 models the ONNX engine loads: the fp32 files as published, 'fused'
 * (the same arithmetic with paddle2onnx's scalar op chains folded away, made by tools/quantize-ocr),
 * or 'int8' (fused, with the recogniser's MatMuls in int8). See models/ocr-ppocrv4/MODEL_CARD.md.
 */
export const OCR_MODEL_VARIANTS = ['fp32', 'fused', 'int8'] as const;
export type OcrModelVariant = (typeof OCR_MODEL_VARIANTS)[number];

/**
 * The default: 'fused' reads exactly what fp32 reads for ~26 % less CPU; int8 saved little more and
 * changes the numbers (docs/benchmarks.md, OCR model variants, 2026-12-02).
 */
export const DEFAULT_OCR_MODEL_VARIANT: OcrModelVariant = 'fused';

/** The environment variable behind `--ocr-model`. */
export const OCR_MODEL_ENV = 'COUNTERSIGN_OCR_MODEL';

export const parseOcrModelVariant = (value: string): OcrModelVariant => parseChoice(value, OCR_MODEL_VARIANTS, 'OCR model');

/** The variant from the setting (environment), the default when unset. */
export const ocrModelSetting = (env: NodeJS.ProcessEnv = process.env): OcrModelVariant => choiceSetting(env, OCR_MODEL_ENV, parseOcrModelVariant, DEFAULT_OCR_MODEL_VARIANT);
