/** One decoded character with the time step it was read at and its probability. */
export interface CtcChar {
  char: string;
  step: number;
  prob: number;
}

/**
 * Greedy CTC decoding of one sequence: the most likely class at each step, repeats merged, blanks
 * (class 0) dropped. Class i ≥ 1 is `charset[i − 1]`. Only the first `steps` steps are read (the
 * rest is padding from batching).
 *
 * The Chinese/English model seldom makes the space its first choice between Latin words, but its
 * probability rises clearly in the gap: a space is read there when it reaches `spaceThreshold`
 * somewhere between two characters (pass 1 to decode strictly greedily).
 */
export function ctcGreedy(probs: Float32Array, offset: number, steps: number, classes: number, charset: readonly string[], spaceThreshold = 1): CtcChar[] {
  const out: CtcChar[] = [];
  const space = charset.lastIndexOf(' ') + 1;
  let prev = -1;
  let gapSpace = 0;
  let gapStep = 0;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      const last = out[out.length - 1];
      if (best !== space && last && last.char !== ' ' && gapSpace >= spaceThreshold) out.push({ char: ' ', step: gapStep, prob: gapSpace });
      out.push({ char: charset[best - 1] ?? '', step: t, prob: bestP });
      gapSpace = 0;
    }
    if (best === 0 && space > 0 && probs[base + space]! > gapSpace) {
      gapSpace = probs[base + space]!;
      gapStep = t;
    }
    prev = best;
  }
  return out;
}

export interface LineWord {
  text: string;
  /** Fractions of the line's width the word spans. */
  start: number;
  end: number;
  confidence: number;
}

/**
 * Splits a decoded line at spaces into words, each placed along the line by the time steps of its
 * first and last character (a step covers `1/totalSteps` of the strip's width). Text is NFKC
 * normalised: the Chinese/English model reads some punctuation as its full-width form.
 */
export function splitWords(chars: CtcChar[], totalSteps: number): LineWord[] {
  const words: LineWord[] = [];
  let current: CtcChar[] = [];
  const flush = () => {
    const text = current
      .map((c) => c.char)
      .join('')
      .normalize('NFKC')
      .trim();
    if (text) {
      const first = current[0]!.step;
      const last = current[current.length - 1]!.step;
      words.push({
        text,
        start: Math.max(0, (first - 0.5) / totalSteps),
        end: Math.min(1, (last + 1.5) / totalSteps),
        confidence: current.reduce((s, c) => s + c.prob, 0) / current.length,
      });
    }
    current = [];
  };
  for (const c of chars) {
    if (/^\s$/u.test(c.char.normalize('NFKC'))) flush();
    else current.push(c);
  }
  flush();
  // Words meet halfway across the gap between them, so boxes cover the line without overlapping.
  for (let i = 1; i < words.length; i++) {
    const mid = (words[i - 1]!.end + words[i]!.start) / 2;
    if (words[i - 1]!.end > mid) words[i - 1]!.end = mid;
    if (words[i]!.start < mid) words[i]!.start = mid;
  }
  return words;
}
