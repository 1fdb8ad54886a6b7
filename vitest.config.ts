import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-*/**/*.test.ts', 'src-*/**/*.test.tsx', 'e2e/**/*.test.ts', 'tools/**/*.test.ts'],
    // OCR and SQLite-heavy tests share 2 cores; keep files in parallel but bounded.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
