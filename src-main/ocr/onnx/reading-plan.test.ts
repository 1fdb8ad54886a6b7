import { describe, expect, it } from 'vitest';
import { planFor } from './reading-plan.ts';

describe('reading plan from the page shape', () => {
  it('reads A4 and Letter office scans as pages, in either orientation', () => {
    expect(planFor(1700, 2370).name).toBe('page'); // A4 at 200 dpi
    expect(planFor(2550, 3300).name).toBe('page'); // Letter at 300 dpi
    expect(planFor(3508, 2480).name).toBe('page'); // A4 landscape
  });

  it('reads receipts, small images and square ones the usual way', () => {
    expect(planFor(463, 1013).name).toBe('default'); // a till receipt
    expect(planFor(752, 2214).name).toBe('default');
    expect(planFor(800, 1130).name).toBe('default'); // A4 proportions but too small for small print
    expect(planFor(3000, 3000).name).toBe('default'); // square
  });
});
