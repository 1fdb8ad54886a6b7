import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const max = (n: number) => backoffDelay(n, { baseMs: 100, capMs: 10_000, random: () => 0.999999 });
    expect([1, 2, 3, 4].map(max)).toEqual([199, 399, 799, 1599]);
    expect(max(20)).toBe(9999);
    expect(backoffDelay(5, { baseMs: 100, random: () => 0 })).toBe(0);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(6, { baseMs: 100 })));
    expect(spread.size).toBeGreaterThan(10);
  });
});
