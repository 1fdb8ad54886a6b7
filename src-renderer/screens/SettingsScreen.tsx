import { useEffect, useState } from 'react';
import { keyLabel } from '../components/HelpOverlay.tsx';
import { keyName, RESERVED_KEYS, REVIEW_ACTIONS, DEFAULT_KEYMAP } from '../review/keymap.ts';
import { settingsStore, useSettings } from '../stores/app-stores.ts';
import { HubConnectionSection } from './HubConnectionSection.tsx';

export function SettingsScreen() {
  const settings = useSettings((s) => s.settings);
  const keymap = useSettings((s) => s.keymap);
  const info = useSettings((s) => s.info);
  const error = useSettings((s) => s.error);
  const [actor, setActor] = useState(settings.actor);
  const [capturing, setCapturing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setActor(settings.actor), [settings.actor]);
  const s = settingsStore.getState();

  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {saved && <p role="status">{saved}</p>}

      <div className="settings-grid">
        <div>
          <h2>Reviewer</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void s.save({ actor: actor.trim() }).then((ok) => ok && setSaved(`Decisions are now recorded as ${actor.trim()}.`));
            }}
          >
            <label>
              Name recorded with each decision
              <input value={actor} onChange={(e) => setActor(e.target.value)} required maxLength={200} />
            </label>{' '}
            <button type="submit">Save</button>
          </form>
          <label>
            Theme
            <select value={settings.theme} onChange={(e) => void s.save({ theme: e.target.value as typeof settings.theme })}>
              <option value="system">as the system</option>
              <option value="light">light</option>
              <option value="dark">dark</option>
            </select>
          </label>

          <h2>Engine</h2>
          <dl data-testid="system-info">
            <dt>Data directory</dt>
            <dd className="mono">{info?.dataDir ?? '—'}</dd>
            <dt>OCR engine</dt>
            <dd>{info?.ocrEngine ?? '—'}</dd>
            <dt>Model</dt>
            <dd>{info?.model ? `${info.model.name} ${info.model.version} (sha256 ${info.model.sha256.slice(0, 12)}…)` : 'none loaded (text only)'}</dd>
            <dt>Execution provider</dt>
            <dd>{info?.model?.executionProvider ?? '—'}</dd>
            <dt>Policy version</dt>
            <dd>{info?.policyVersion ?? '—'}</dd>
            <dt>Key storage</dt>
            <dd>{info?.keyStorage ?? '—'}</dd>
            <dt>Engine version</dt>
            <dd>{info?.version ?? '—'}</dd>
          </dl>

          <h2 id="hub-title">Hub connection</h2>
          <HubConnectionSection />
        </div>
        <div>
          <h2>Review keys</h2>
          <p className="muted">Choose Change, then press the new key. Esc and Tab stay reserved. The defaults are stable across upgrades.</p>
          <table className="plain keys" data-testid="keymap">
            <tbody>
              {REVIEW_ACTIONS.map((a) => (
                <tr key={a.action}>
                  <th scope="row">{a.label}</th>
                  <td>
                    <kbd>{keyLabel(keymap[a.action])}</kbd>
                    {keymap[a.action] !== DEFAULT_KEYMAP[a.action] && <span className="muted"> (default {keyLabel(DEFAULT_KEYMAP[a.action])})</span>}
                  </td>
                  <td>
                    {capturing === a.action ? (
                      <button
                        type="button"
                        autoFocus
                        onKeyDown={(e) => {
                          if (['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) return;
                          e.preventDefault();
                          const key = keyName(e.nativeEvent);
                          setCapturing(null);
                          if (!RESERVED_KEYS.has(key)) void s.remap(a.action, key);
                        }}
                        onBlur={() => setCapturing(null)}
                      >
                        Press a key…
                      </button>
                    ) : (
                      <button type="button" onClick={() => setCapturing(a.action)} aria-label={`Change the key for: ${a.label}`}>
                        Change
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => void s.save({ keymap: {} })}>
            Restore default keys
          </button>

        </div>
      </div>
    </section>
  );
}
