import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise so pipes get clean output. */
export function createProgress(total: number, enabled = process.stderr.isTTY === true) {
  if (!enabled || total < 2) return { tick: (_label: string) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {value}/{total} documents | {label}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    tick: (label: string) => bar.increment(1, { label: label.length > 40 ? `…${label.slice(-39)}` : label }),
    stop: () => bar.stop(),
  };
}
