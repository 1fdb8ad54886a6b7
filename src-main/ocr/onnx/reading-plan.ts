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
  /** What the OCR cache keys pages read by this plan by; changes whenever the plan reads pages differently. */
  key?: string;
  reader: Partial<ReaderOptions>;
}

export const DEFAULT_PLAN: ReadingPlan = { name: 'default', reader: {} };
// Recognition in batches of 4 lines: an A4 page's strips are wide (up to 1,600 px at 1.3x), and batches of 16 held
// ~0.35 GiB more in ONNX Runtime's arena per worker (27 invoice scans: peak RSS 1.17 -> 0.81 GiB, and faster).
// Padding differs with the batch, so a few characters read differently: `key` re-reads cached pages.
export const PAGE_PLAN: ReadingPlan = { name: 'page', key: 'page.2', reader: { recStretch: 1.3, recBatch: 4 } };

/** A4 is 1.41, Letter 1.29, Legal 1.65; receipts are narrower, photos and cards wider. */
const PAGE_RATIO = { min: 1.2, max: 1.6 };
/** An A4 page scanned at 120 dpi or more. */
const PAGE_MIN_SIDE = 1000;

export function planFor(width: number, height: number): ReadingPlan {
  const short = Math.min(width, height);
  const ratio = Math.max(width, height) / Math.max(1, short);
  return short >= PAGE_MIN_SIDE && ratio >= PAGE_RATIO.min && ratio <= PAGE_RATIO.max ? PAGE_PLAN : DEFAULT_PLAN;
}
