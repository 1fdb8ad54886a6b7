import { describe, expect, it } from 'vitest';
import { dbBoxes } from './db-postprocess.ts';

function map(width: number, height: number, rects: [number, number, number, number][]): Float32Array {
  const prob = new Float32Array(width * height);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * width + x] = 0.9;
  return prob;
}

describe('DB post-processing', () => {
  it('finds one grown box per text region, around the region', () => {
    const boxes = dbBoxes(map(100, 60, [[10, 10, 60, 20], [20, 40, 90, 50]]), 100, 60);
    expect(boxes).toHaveLength(2);
    const first = boxes.find((b) => b.rect.cy < 30)!;
    expect(first.rect.width).toBeGreaterThan(50);
    expect(first.rect.height).toBeGreaterThan(10);
    expect(first.rect.cx).toBeCloseTo(35, 0);
    expect(first.rect.cy).toBeCloseTo(15, 0);
    // corners in reading order: top-left first, then top-right
    expect(first.quad[0].x).toBeLessThan(first.quad[1].x);
    expect(first.quad[0].y).toBeLessThan(first.quad[3].y);
  });

  it('drops specks and faint regions', () => {
    const prob = map(50, 50, [[5, 5, 7, 7]]);
    for (let i = 0; i < 200; i++) prob[30 * 50 + i] = 0.35; // above the pixel threshold, below the box threshold
    expect(dbBoxes(prob, 50, 50)).toEqual([]);
  });

  it('follows a slanted line', () => {
    const w = 120;
    const h = 80;
    const prob = new Float32Array(w * h);
    for (let x = 10; x < 110; x++) for (let t = 0; t < 8; t++) prob[Math.round(20 + x * 0.3 + t) * w + x] = 0.9;
    const [box] = dbBoxes(prob, w, h);
    expect(Math.atan2(box!.rect.uy, box!.rect.ux)).toBeCloseTo(Math.atan(0.3), 1);
  });

  it('finds nothing on an empty page', () => {
    expect(dbBoxes(new Float32Array(64 * 64), 64, 64)).toEqual([]);
  });
});
