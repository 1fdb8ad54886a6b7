import { convexHull, minAreaRect, rectCorners, type Point, type Quad, type RotatedRect } from './geometry.ts';

/** PP-OCR's DB post-processing settings (PaddleOCR's defaults for the v4 detector). */
export interface DbOptions {
  /** Probability above which a pixel is text. */
  threshold: number;
  /** Mean probability inside a box below which it is dropped. */
  boxThreshold: number;
  /** How far a shrunk text kernel is grown back: distance = area × ratio / perimeter. */
  unclipRatio: number;
  /** Boxes with a shorter side than this (in map pixels) are noise. */
  minSize: number;
  maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface DetectedBox {
  /** Corners in the probability map's pixels, reading orientation when the line is horizontal. */
  quad: Quad;
  rect: RotatedRect;
  score: number;
}

/**
 * Text boxes from DB's probability map: threshold, 8-connected components (the outer contour of
 * each is what OpenCV's findContours gives PaddleOCR), minimum-area rectangle, mean probability
 * inside it, then the rectangle grown by the unclip distance.
 */
export function dbBoxes(prob: Float32Array, width: number, height: number, opts: DbOptions = DB_DEFAULTS): DetectedBox[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: DetectedBox[] = [];
  let next = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || !(prob[start]! > opts.threshold)) continue;
    next++;
    if (next > opts.maxCandidates) break;
    // Flood-fill one component, keeping each row's leftmost and rightmost pixel: enough for its hull.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let top = 0;
    stack[top++] = start;
    labels[start] = next;
    let count = 0;
    while (top > 0) {
      const i = stack[--top]!;
      count++;
      const x = i % width;
      const y = (i - x) / width;
      const lo = rowMin.get(y);
      if (lo === undefined || x < lo) rowMin.set(y, x);
      const hi = rowMax.get(y);
      if (hi === undefined || x > hi) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && prob[j]! > opts.threshold) {
            labels[j] = next;
            stack[top++] = j;
          }
        }
      }
    }
    if (count < 4) continue;
    const points: Point[] = [];
    for (const [y, x0] of rowMin) {
      const x1 = rowMax.get(y)! + 1;
      points.push({ x: x0, y }, { x: x0, y: y + 1 }, { x: x1, y }, { x: x1, y: y + 1 });
    }
    const rect = minAreaRect(convexHull(points));
    if (Math.min(rect.width, rect.height) < opts.minSize) continue;
    const score = meanInside(prob, width, height, rect);
    if (score < opts.boxThreshold) continue;
    const d = (rect.width * rect.height * opts.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
    if (Math.min(grown.width, grown.height) < opts.minSize + 2) continue;
    boxes.push({ quad: rectCorners(grown), rect: grown, score });
  }
  return boxes;
}

/** Mean probability over the pixels whose centres lie inside the rectangle (PaddleOCR's "fast" box score). */
function meanInside(prob: Float32Array, width: number, height: number, r: RotatedRect): number {
  const corners = rectCorners(r);
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...corners.map((c) => c.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...corners.map((c) => c.y))));
  const hw = r.width / 2 + 1e-6;
  const hh = r.height / 2 + 1e-6;
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - r.cx;
      const dy = y + 0.5 - r.cy;
      if (Math.abs(dx * r.ux + dy * r.uy) <= hw && Math.abs(-dx * r.uy + dy * r.ux) <= hh) {
        sum += prob[y * width + x]!;
        n++;
      }
    }
  }
  return n ? sum / n : 0;
}
