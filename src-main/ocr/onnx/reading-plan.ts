/**
 * How a page is read, from its shape: a page-shaped scan (A4 or Letter proportions, an office
 * scan's size) prints small type that detection sees at less than half size, so its line boxes
 * come out tall for their text and the recogniser gets too few steps per character: runs of one
 * digit collapse ("FR11999999998" read "FR119999998"). Such pages get wider line strips.
 */
import type { ReaderOptions } from './ppocr-reader.ts';

export interface ReadingPlan {
  /** 'default', or the name the OCR cache keys the other plans by. */
  name: 'default' | 'page';
  reader: Partial<ReaderOptions>;
}

export const DEFAULT_PLAN: ReadingPlan = { name: 'default', reader: {} };
export const PAGE_PLAN: ReadingPlan = { name: 'page', reader: { recStretch: 1.3 } };

/** A4 is 1.41, Letter 1.29, Legal 1.65; receipts are narrower, photos and cards wider. */
const PAGE_RATIO = { min: 1.2, max: 1.6 };
/** An A4 page scanned at 120 dpi or more. */
const PAGE_MIN_SIDE = 1000;

export function planFor(width: number, height: number): ReadingPlan {
  const short = Math.min(width, height);
  const ratio = Math.max(width, height) / Math.max(1, short);
  return short >= PAGE_MIN_SIDE && ratio >= PAGE_RATIO.min && ratio <= PAGE_RATIO.max ? PAGE_PLAN : DEFAULT_PLAN;
}
