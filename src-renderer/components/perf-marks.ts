/** Key-press-to-paint timings for the UI bench: the key's event time and the first frame after the item rendered. */
interface PerfLog {
  lastKeyAt: number | null;
  nextItemMs: number[];
}

declare global {
  interface Window {
    __countersignPerf?: PerfLog;
  }
}

const log = (): PerfLog => (window.__countersignPerf ??= { lastKeyAt: null, nextItemMs: [] });

export function noteKey(e: KeyboardEvent): void {
  log().lastKeyAt = e.timeStamp;
}

/** Called when a review item has rendered: records the time to the next frame (the paint) since the key. */
export function noteItemRendered(): void {
  const l = log();
  const started = l.lastKeyAt;
  if (started === null) return;
  l.lastKeyAt = null;
  requestAnimationFrame(() => setTimeout(() => l.nextItemMs.push(performance.now() - started), 0));
}
