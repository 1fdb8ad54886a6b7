/**
 * The reviewer's key map. The defaults are a promise to reviewers' habits: change them only with a
 * migration note in docs/ui.md (the keymap test pins them). Each action can be remapped in Settings.
 */
export const REVIEW_ACTIONS = [
  { action: 'approve', key: 'Enter', label: 'Accept: approve, or save the corrections made' },
  { action: 'reject', key: 'r', label: 'Reject (then pick a reason)' },
  { action: 'edit', key: 'e', label: 'Edit the focused field' },
  { action: 'nextField', key: 'ArrowDown', label: 'Next field in question' },
  { action: 'prevField', key: 'ArrowUp', label: 'Previous field in question' },
  { action: 'nextItem', key: 'j', label: 'Next item' },
  { action: 'prevItem', key: 'k', label: 'Previous item' },
  { action: 'undo', key: 'u', label: 'Undo the last decision (within 30 s)' },
  { action: 'fullPage', key: 'f', label: 'Full page on / off' },
  { action: 'openDocument', key: 'o', label: 'Open the whole document' },
  { action: 'queue', key: 'q', label: 'Back to the queue' },
  { action: 'help', key: '?', label: 'Show / hide this help' },
] as const;

export type ReviewAction = (typeof REVIEW_ACTIONS)[number]['action'];
export type Keymap = Record<ReviewAction, string>;

export const DEFAULT_KEYMAP: Keymap = Object.fromEntries(REVIEW_ACTIONS.map((a) => [a.action, a.key])) as Keymap;

/** Keys that are never bound to an action, so editing and dialogs always work. */
export const RESERVED_KEYS = new Set(['Escape', 'Tab', 'Shift+Tab']);

/** The user's overrides over the defaults; unknown actions and reserved keys are ignored. */
export function effectiveKeymap(overrides: Record<string, string>): Keymap {
  const map = { ...DEFAULT_KEYMAP };
  for (const [action, key] of Object.entries(overrides)) {
    if (Object.hasOwn(map, action) && !RESERVED_KEYS.has(key)) map[action as ReviewAction] = key;
  }
  return map;
}

/** A key press as the key map spells it: "Ctrl+", "Alt+", "Shift+" (only for named keys) and the key. */
export function keyName(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }): string {
  const named = e.key.length > 1;
  return `${e.ctrlKey || e.metaKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.shiftKey && named ? 'Shift+' : ''}${e.key}`;
}

export function actionFor(keymap: Keymap, key: string): ReviewAction | null {
  for (const [action, k] of Object.entries(keymap)) if (k === key) return action as ReviewAction;
  return null;
}

/** Actions that share a key after remapping; Settings refuses to save those. */
export function keyConflicts(keymap: Keymap): string[] {
  const byKey = new Map<string, string[]>();
  for (const [action, key] of Object.entries(keymap)) byKey.set(key, [...(byKey.get(key) ?? []), action]);
  return [...byKey.entries()].filter(([, actions]) => actions.length > 1).map(([key, actions]) => `${key}: ${actions.join(', ')}`);
}

/** The reasons offered when rejecting; digits pick them in the dialog. */
export const REJECT_REASONS = ['Not an invoice or receipt', 'Duplicate of a document already paid', 'Unreadable or incomplete', 'Wrong vendor or fraud suspected', 'Amounts do not add up'] as const;
