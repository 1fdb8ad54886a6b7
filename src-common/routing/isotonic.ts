/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of raw
 * confidence that best fits what really happened (correct 1, wrong 0). Pure; the fitter and the
 * engine share it.
 */

/** A fitted map: raw confidences (ascending) and the calibrated value at each, linear in between. */
export interface IsotonicMap {
  x: number[];
  y: number[];
}

interface Block {
  sum: number;
  weight: number;
  xMin: number;
  xMax: number;
}

/**
 * Pools neighbouring blocks until their means strictly increase. Equal neighbours are pooled too:
 * the fit is the same, and the smoothing below then sees each level's whole sample, not a run of
 * one-sample blocks that each look uncertain.
 */
function pool(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    out.push({ ...b });
    while (out.length > 1 && out[out.length - 2]!.sum / out[out.length - 2]!.weight >= out[out.length - 1]!.sum / out[out.length - 1]!.weight) {
      const last = out.pop()!;
      const prev = out[out.length - 1]!;
      prev.sum += last.sum;
      prev.weight += last.weight;
      prev.xMax = last.xMax;
    }
  }
  return out;
}

/**
 * Fits the map from (raw confidence, correct?) samples. Each pooled block's rate is smoothed
 * toward one half by `prior` pseudo-samples (Laplace with the default 2), so a block of 40 right
 * answers reads 0.98 rather than a certainty no sample size can show; blocks are pooled again if
 * the smoothing breaks the order.
 */
export function fitIsotonic(samples: { confidence: number; correct: boolean }[], opts: { prior?: number } = {}): IsotonicMap {
  if (samples.length === 0) throw new Error('Cannot fit a calibration without samples');
  const prior = opts.prior ?? 2;
  const sorted = [...samples].sort((a, b) => a.confidence - b.confidence);
  // Equal raw confidences form one block: the map cannot tell them apart.
  const tied: Block[] = [];
  for (const s of sorted) {
    const last = tied[tied.length - 1];
    if (last && last.xMax === s.confidence) {
      last.sum += s.correct ? 1 : 0;
      last.weight += 1;
    } else tied.push({ sum: s.correct ? 1 : 0, weight: 1, xMin: s.confidence, xMax: s.confidence });
  }
  const fitted = pool(tied);
  const smoothed = pool(fitted.map((b) => ({ ...b, sum: ((b.sum + prior / 2) / (b.weight + prior)) * b.weight })));
  const x: number[] = [];
  const y: number[] = [];
  for (const b of smoothed) {
    const v = round4(b.sum / b.weight);
    for (const at of b.xMin === b.xMax ? [b.xMin] : [b.xMin, b.xMax]) {
      x.push(at);
      y.push(v);
    }
  }
  return { x, y };
}

/**
 * The calibrated value of a raw confidence: linear between points, flat above the fitted range. Below it the fit saw
 * nothing, so it never raises a confidence lower than any it was fitted on (a day/month coin flip no sample had).
 */
export function applyIsotonic(map: IsotonicMap, raw: number): number {
  const { x, y } = map;
  if (x.length === 0) return raw;
  if (raw < x[0]!) return Math.min(raw, y[0]!);
  if (raw === x[0]!) return y[0]!;
  if (raw >= x[x.length - 1]!) return y[y.length - 1]!;
  let hi = 1;
  while (x[hi]! < raw) hi++;
  const lo = hi - 1;
  const span = x[hi]! - x[lo]!;
  return round4(span === 0 ? y[hi]! : y[lo]! + ((raw - x[lo]!) / span) * (y[hi]! - y[lo]!));
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
