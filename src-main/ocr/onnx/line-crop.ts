import type { Quad } from './geometry.ts';

/** Grey pixels, row-major, one byte a pixel. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Samples the quad's text upright into `out` as a `height`-row strip `width` wide, starting at
 * column 0 of a CHW float tensor row `stride` wide, normalised as PP-OCR's recogniser and angle
 * classifier expect ((v/255 − 0.5) / 0.5) and repeated over the 3 channels. Perspective is
 * approximated bilinearly between the four corners; when the strip is much smaller than the
 * source each output pixel averages a few source samples so thin strokes survive.
 */
export function sampleLine(img: GreyImage, q: Quad, width: number, height: number, out: Float32Array, offset: number, stride: number): void {
  const [p0, p1, p2, p3] = q;
  const srcH = (Math.hypot(p3.x - p0.x, p3.y - p0.y) + Math.hypot(p2.x - p1.x, p2.y - p1.y)) / 2;
  const srcW = (Math.hypot(p1.x - p0.x, p1.y - p0.y) + Math.hypot(p2.x - p3.x, p2.y - p3.y)) / 2;
  const k = Math.max(1, Math.min(4, Math.round(Math.max(srcH / height, srcW / width))));
  const plane = height * stride;
  const { data, width: W, height: H } = img;
  const pixel = (x: number, y: number): number => {
    // bilinear, clamped at the image border
    const cx = Math.min(W - 1, Math.max(0, x - 0.5));
    const cy = Math.min(H - 1, Math.max(0, y - 0.5));
    const x0 = Math.floor(cx);
    const y0 = Math.floor(cy);
    const x1 = Math.min(W - 1, x0 + 1);
    const y1 = Math.min(H - 1, y0 + 1);
    const fx = cx - x0;
    const fy = cy - y0;
    const a = data[y0 * W + x0]!;
    const b = data[y0 * W + x1]!;
    const c = data[y1 * W + x0]!;
    const d = data[y1 * W + x1]!;
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  };
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      let sum = 0;
      for (let sy = 0; sy < k; sy++) {
        const v = (ty + (sy + 0.5) / k) / height;
        for (let sx = 0; sx < k; sx++) {
          const u = (tx + (sx + 0.5) / k) / width;
          // bilinear interpolation of the corners: top edge p0→p1, bottom edge p3→p2
          const topX = p0.x + (p1.x - p0.x) * u;
          const topY = p0.y + (p1.y - p0.y) * u;
          const botX = p3.x + (p2.x - p3.x) * u;
          const botY = p3.y + (p2.y - p3.y) * u;
          sum += pixel(topX + (botX - topX) * v, topY + (botY - topY) * v);
        }
      }
      const value = (sum / (k * k) / 255 - 0.5) / 0.5;
      const i = offset + ty * stride + tx;
      out[i] = value;
      out[i + plane] = value;
      out[i + 2 * plane] = value;
    }
  }
}
