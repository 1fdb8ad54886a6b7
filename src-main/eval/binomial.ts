/**
 * Exact binomial (Clopper–Pearson) bound on an error rate: with k wrong out of n, the largest true
 * rate that would still show k or fewer wrong with the given probability. 0 of 36 is not "0%": it
 * is "at most 8% at 95% confidence".
 */

/** ln C(n, k) + k ln p + (n - k) ln(1 - p), summed as P(X <= k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let logC = 0;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    sum += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, sum);
}

/**
 * One-sided upper bound at `level` (0.95 by default) for the rate behind k events in n trials:
 * the p with P(X <= k | n, p) = 1 - level, found by bisection. 1 when n is 0 (nothing is known).
 */
export function clopperPearsonUpper(k: number, n: number, level = 0.95): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new RangeError(`Need 0 <= k <= n, got k=${k}, n=${n}`);
  if (n === 0 || k === n) return 1;
  const alpha = 1 - level;
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}
