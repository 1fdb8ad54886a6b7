import { describe, expect, it } from 'vitest';
import { ctcGreedy, splitWords } from './ctc.ts';

const charset = ['A', 'B', '9', '.', ' '];
/** One row of probabilities per step; the named class gets `p`, the rest share what is left. */
function steps(rows: [number, number][]): Float32Array {
  const classes = charset.length + 1;
  const out = new Float32Array(rows.length * classes);
  rows.forEach(([cls, p], t) => {
    for (let c = 0; c < classes; c++) out[t * classes + c] = (1 - p) / (classes - 1);
    out[t * classes + cls] = p;
  });
  return out;
}

describe('CTC greedy decoding', () => {
  it('merges repeats, drops blanks, and keeps a letter repeated across a blank', () => {
    const probs = steps([[1, 0.9], [1, 0.8], [0, 0.9], [1, 0.9], [2, 0.7], [0, 0.9]]);
    expect(ctcGreedy(probs, 0, 6, 6, charset).map((c) => c.char).join('')).toBe('AAB');
  });

  it('reads only the steps that belong to the line, not the padding after it', () => {
    const probs = steps([[1, 0.9], [0, 0.9], [2, 0.9]]);
    expect(ctcGreedy(probs, 0, 2, 6, charset).map((c) => c.char).join('')).toBe('A');
  });

  it('reads a space in a gap where the space is likely but not the first choice', () => {
    const classes = 6;
    const probs = steps([[1, 0.9], [0, 0.9], [0, 0.9], [2, 0.9]]);
    probs[2 * classes + 5] = 0.08; // the space class, in the gap
    expect(ctcGreedy(probs, 0, 4, classes, charset, 0.05).map((c) => c.char).join('')).toBe('A B');
    expect(ctcGreedy(probs, 0, 4, classes, charset, 1).map((c) => c.char).join('')).toBe('AB');
  });
});

describe('splitting a line into words', () => {
  it('places each word along the line by its steps and gives it the mean probability of its characters', () => {
    const chars = [
      { char: 'A', step: 0, prob: 1 },
      { char: 'B', step: 2, prob: 0.5 },
      { char: ' ', step: 4, prob: 0.9 },
      { char: '9', step: 7, prob: 0.8 },
      { char: '.', step: 8, prob: 0.8 },
    ];
    const words = splitWords(chars, 10);
    expect(words.map((w) => w.text)).toEqual(['AB', '9.']);
    expect(words[0]!.confidence).toBeCloseTo(0.75);
    expect(words[0]!.start).toBe(0);
    expect(words[0]!.end).toBeLessThanOrEqual(words[1]!.start);
    expect(words[1]!.end).toBeLessThanOrEqual(1);
  });

  it('turns full-width forms into plain ones', () => {
    expect(splitWords([{ char: '：', step: 0, prob: 1 }], 2)[0]!.text).toBe(':');
  });
});
