import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYMAP, REVIEW_ACTIONS } from '../src-renderer/review/keymap.ts';

describe('docs/ui.md', () => {
  it('documents every default review key, key for key', () => {
    const doc = fs.readFileSync('docs/ui.md', 'utf8');
    for (const a of REVIEW_ACTIONS) expect(doc, a.action).toContain(`| \`${DEFAULT_KEYMAP[a.action]}\` | ${a.action} |`);
  });

  it('links a screenshot of every screen, and each one exists', () => {
    const doc = fs.readFileSync('docs/ui.md', 'utf8');
    const linked = [...doc.matchAll(/\]\((screenshots\/[\w-]+\.png)\)/g)].map((m) => m[1]!);
    for (const shot of ['queue', 'review', 'document', 'import', 'activity', 'settings']) expect(linked).toContain(`screenshots/${shot}.png`);
    for (const l of linked) expect(fs.existsSync(`docs/${l}`), l).toBe(true);
  });
});
