import { describe, expect, it } from 'vitest';
import { actionFor, DEFAULT_KEYMAP, effectiveKeymap, keyConflicts, keyName } from './keymap.ts';

describe('the review key map', () => {
  it('keeps its defaults: reviewers’ habits survive upgrades (change only with a note in docs/ui.md)', () => {
    expect(DEFAULT_KEYMAP).toEqual({
      approve: 'Enter',
      reject: 'r',
      edit: 'e',
      nextField: 'ArrowDown',
      prevField: 'ArrowUp',
      nextItem: 'j',
      prevItem: 'k',
      undo: 'u',
      fullPage: 'f',
      openDocument: 'o',
      queue: 'q',
      help: '?',
    });
    expect(keyConflicts(DEFAULT_KEYMAP)).toEqual([]);
  });

  it('applies remappings, ignores unknown actions and reserved keys, and reports clashes', () => {
    const map = effectiveKeymap({ approve: 'a', nonsense: 'x', reject: 'Escape' });
    expect(map.approve).toBe('a');
    expect(map.reject).toBe('r');
    expect(actionFor(map, 'a')).toBe('approve');
    expect(actionFor(map, 'Enter')).toBeNull();
    expect(keyConflicts(effectiveKeymap({ approve: 'r' }))).toEqual(['r: approve, reject']);
  });

  it('names key presses the way the map spells them', () => {
    const k = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) =>
      keyName({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    expect(k('Enter')).toBe('Enter');
    expect(k('?', { shiftKey: true })).toBe('?');
    expect(k('R', { shiftKey: true })).toBe('R');
    expect(k('z', { ctrlKey: true })).toBe('Ctrl+z');
    expect(k('ArrowDown', { shiftKey: true })).toBe('Shift+ArrowDown');
  });
});
