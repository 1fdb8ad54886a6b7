import { useEffect, useRef } from 'react';
import { REVIEW_ACTIONS, type Keymap } from '../review/keymap.ts';

export const keyLabel = (key: string) => (key === ' ' ? 'Space' : key.replace('Arrow', '').replace(/^Up$/, '↑').replace(/^Down$/, '↓'));

/** Every review shortcut, as currently mapped. */
export function HelpOverlay({ keymap, onClose }: { keymap: Keymap; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title" tabIndex={-1} ref={ref} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="overlay-box">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="plain keys" data-testid="help-keys">
          <tbody>
            {REVIEW_ACTIONS.map((a) => (
              <tr key={a.action}>
                <td>
                  <kbd>{keyLabel(keymap[a.action])}</kbd>
                </td>
                <td>{a.label}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Esc</kbd>
              </td>
              <td>Cancel an edit or a dialog; close this help</td>
            </tr>
          </tbody>
        </table>
        <p>Remap keys in Settings. While editing a field, Enter keeps the new value and Esc drops it.</p>
        <p>
          In the queue: <kbd>↑</kbd> <kbd>↓</kbd> move, <kbd>Enter</kbd> reviews from that row, <kbd>Space</kbd> selects a batch-approvable row, <kbd>o</kbd> opens
          the document.
        </p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
