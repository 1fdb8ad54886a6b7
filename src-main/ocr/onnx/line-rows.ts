/**
 * Detected text lines into rows of the page: a line joins the first row it overlaps by half its height, unless it
 * also lies across a line already in that row. Two lines one over the other are two rows however close they are
 * printed: merged, their words would interleave by x ("Payment IBAN:FR20 Invoice to pay 1242 by wire 1242 …").
 */
export interface LineBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Share of the narrower line's width two lines of one row may overlap by (touching word boxes, italics). */
const SAME_ROW_X_OVERLAP = 0.3;

/** Indexes of the boxes, grouped into rows; rows top to bottom, each row's boxes left to right. */
export function groupLinesIntoRows(boxes: readonly LineBox[]): number[][] {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.y0 + boxes[a]!.y1 - (boxes[b]!.y0 + boxes[b]!.y1));
  const rows: { y0: number; y1: number; items: number[] }[] = [];
  for (const i of order) {
    const k = boxes[i]!;
    const h = k.y1 - k.y0;
    const row = rows.find((r) => {
      const overlap = Math.min(r.y1, k.y1) - Math.max(r.y0, k.y0);
      if (overlap <= Math.min(h, r.y1 - r.y0) / 2) return false;
      return !r.items.some((j) => {
        const o = boxes[j]!;
        return Math.min(o.x1, k.x1) - Math.max(o.x0, k.x0) > SAME_ROW_X_OVERLAP * Math.min(o.x1 - o.x0, k.x1 - k.x0);
      });
    });
    if (row) row.items.push(i);
    else rows.push({ y0: k.y0, y1: k.y1, items: [i] });
  }
  rows.sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  return rows.map((r) => r.items.sort((a, b) => boxes[a]!.x0 - boxes[b]!.x0));
}
