/** Stages that run one after another; classify, extract, rules and route run inside understand. */
const TOP_LEVEL = ['read', 'ingest', 'text', 'understand'];

/**
 * A document's stored timings with its end-to-end time as `total`: the pipeline records `total` on a
 * failure only, so for the others it is the sum of the stages that ran one after another.
 */
export function withTotal(timings: Record<string, number>): Record<string, number> {
  const finite = Object.fromEntries(Object.entries(timings).filter(([, v]) => Number.isFinite(v)));
  if (finite.total !== undefined || !TOP_LEVEL.some((s) => finite[s] !== undefined)) return finite;
  return { ...finite, total: TOP_LEVEL.reduce((a, s) => a + (finite[s] ?? 0), 0) };
}
