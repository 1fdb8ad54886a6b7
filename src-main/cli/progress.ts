import cliProgress from 'cli-progress';

/** bar: a cli-progress bar (terminals); lines: one `progress done/total …` line per event (pipes, logs, CI); none. */
export type ProgressMode = 'bar' | 'lines' | 'none';
export const PROGRESS_MODES = ['auto', 'bar', 'lines', 'none'] as const;
export type ProgressChoice = (typeof PROGRESS_MODES)[number];

/** `auto`: a bar on a terminal, lines anywhere else (stdout stays clean either way: progress goes to stderr). */
export function progressMode(choice: ProgressChoice, stream: { isTTY?: boolean } = process.stderr): ProgressMode {
  return choice === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : choice;
}

export interface Progress {
  /** A document finished: its file and what became of it. */
  tick(label: string, status?: string): void;
  stop(): void;
}

const shorten = (label: string) => (label.length > 40 ? `…${label.slice(-39)}` : label);

/**
 * Progress over `total` documents, shown from the moment the batch starts (0 of N), not after the
 * first document finishes: a scan that takes a minute to read still shows the batch is under way.
 */
export function createProgress(total: number, mode: ProgressMode, stream: NodeJS.WritableStream = process.stderr): Progress {
  if (mode === 'none' || total === 0) return { tick: () => {}, stop: () => {} };
  if (mode === 'lines') {
    let done = 0;
    stream.write(`progress 0/${total} started\n`);
    return {
      tick: (label, status = 'done') => void stream.write(`progress ${++done}/${total} ${status} ${label}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: stream as NodeJS.WriteStream, format: ' {bar} {value}/{total} documents | {label}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: 'reading the first document…' });
  return {
    tick: (label: string) => {
      bar.increment(1, { label: shorten(label) });
      // Drawn now, not at the next frame: a finished document shows at once.
      bar.render();
    },
    stop: () => bar.stop(),
  };
}
