/** A point in pixels. */
export type Point = { x: number; y: number };

/**
 * A text line's box as four corners in reading orientation: top-left, top-right, bottom-right,
 * bottom-left of the text as it reads (not of the page), so a crop sampled along it is upright.
 */
export type Quad = [Point, Point, Point, Point];

/** A rotated rectangle: centre, unit axis along its width, extents. */
export interface RotatedRect {
  cx: number;
  cy: number;
  /** Unit vector along the width. */
  ux: number;
  uy: number;
  width: number;
  height: number;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down pixels. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length <= 2) return pts;
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The smallest-area rectangle around a convex hull (rotating calipers: one of its sides lies on a hull edge). */
export function minAreaRect(hull: Point[]): RotatedRect {
  if (hull.length === 0) return { cx: 0, cy: 0, ux: 1, uy: 0, width: 0, height: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  const n = hull.length;
  for (let i = 0; i < Math.max(1, n); i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    let ux = b.x - a.x;
    let uy = b.y - a.y;
    const len = Math.hypot(ux, uy);
    if (len === 0) {
      ux = 1;
      uy = 0;
    } else {
      ux /= len;
      uy /= len;
    }
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, ux, uy, width: maxU - minU, height: maxV - minV };
    }
  }
  return normaliseRect(best!);
}

/** The same rectangle with its width axis the more horizontal one, pointing right. */
export function normaliseRect(r: RotatedRect): RotatedRect {
  let { ux, uy, width, height } = r;
  if (Math.abs(ux) < Math.abs(uy)) {
    // swap axes: the other side is the more horizontal one
    [ux, uy] = [-uy, ux];
    [width, height] = [height, width];
  }
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  return { ...r, ux, uy, width, height };
}

/** Corners top-left, top-right, bottom-right, bottom-left (v axis points down the page). */
export function rectCorners(r: RotatedRect): Quad {
  const hx = (r.ux * r.width) / 2;
  const hy = (r.uy * r.width) / 2;
  // v = u rotated +90° in y-down pixels: (−uy, ux)
  const vx = (-r.uy * r.height) / 2;
  const vy = (r.ux * r.height) / 2;
  return [
    { x: r.cx - hx - vx, y: r.cy - hy - vy },
    { x: r.cx + hx - vx, y: r.cy + hy - vy },
    { x: r.cx + hx + vx, y: r.cy + hy + vy },
    { x: r.cx - hx + vx, y: r.cy - hy + vy },
  ];
}

export const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** Width and height of a quad as the text reads. */
export function quadSize(q: Quad): { width: number; height: number } {
  return { width: (dist(q[0], q[1]) + dist(q[3], q[2])) / 2, height: (dist(q[0], q[3]) + dist(q[1], q[2])) / 2 };
}

/** The part of a line's quad between fractions a and b of its width. */
export function subQuad(q: Quad, a: number, b: number): Quad {
  const lerp = (p: Point, r: Point, t: number): Point => ({ x: p.x + (r.x - p.x) * t, y: p.y + (r.y - p.y) * t });
  return [lerp(q[0], q[1], a), lerp(q[0], q[1], b), lerp(q[3], q[2], b), lerp(q[3], q[2], a)];
}

/** Read the quad starting from another corner: turns=1 is the text turned a quarter clockwise. */
export function rotateQuad(q: Quad, turns: number): Quad {
  const k = ((turns % 4) + 4) % 4;
  return [q[k % 4]!, q[(k + 1) % 4]!, q[(k + 2) % 4]!, q[(k + 3) % 4]!];
}

export function bounds(points: readonly Point[]): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}
