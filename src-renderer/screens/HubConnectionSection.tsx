import { useEffect, useState } from 'react';
import { formatAge } from '../review/review-logic.ts';
import { ActiveConfigList } from './ActiveConfigList.tsx';
import { hubStore, useHub } from '../stores/app-stores.ts';

/** How often the status is re-read while the settings screen is open. */
const STATUS_REFRESH_MS = 5000;

/** Settings → Hub connection: enroll with a hub (URL plus one-time code), then its sync status. */
export function HubConnectionSection() {
  const status = useHub((s) => s.status);
  const error = useHub((s) => s.error);
  const busy = useHub((s) => s.busy);
  const [hubUrl, setHubUrl] = useState('');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [reconnecting, setReconnecting] = useState(false);
  const hub = hubStore.getState();

  useEffect(() => {
    void hub.refresh();
    const t = setInterval(() => void hub.refresh(), STATUS_REFRESH_MS);
    return () => clearInterval(t);
  }, [hub]);

  const showForm = !status?.connected || reconnecting;
  return (
    <section aria-labelledby="hub-title" className="hub" data-testid="hub-section">
      {error && (
        <p className="notice error" role="alert" data-testid="hub-error">
          {error}
        </p>
      )}
      {status?.connected && (
        <>
          <p role="status" data-testid="hub-state">
            Connected to {status.hubUrl} as device {status.deviceId}.
          </p>
          <dl data-testid="hub-status">
            <dt>Last sync</dt>
            <dd>{status.lastSyncAt ? `${new Date(status.lastSyncAt).toLocaleString()} (${formatAge(status.lastSyncAt)} ago)` : 'not yet'}</dd>
            <dt>Decisions waiting to go to the hub</dt>
            <dd data-testid="hub-outbox">{status.outboxLength}</dd>
            <dt>Audit entries the hub has not acknowledged</dt>
            <dd data-testid="hub-audit-pending">{status.auditPending}</dd>
            <dt>Last error</dt>
            <dd data-testid="hub-last-error">{status.lastError ? plainSyncError(status.lastError) : 'none'}</dd>
          </dl>
          <button type="button" onClick={() => void hub.syncNow()} disabled={busy}>
            {busy ? 'Syncing…' : 'Sync now'}
          </button>{' '}
          {!reconnecting && (
            <button type="button" onClick={() => setReconnecting(true)}>
              Connect to another hub…
            </button>
          )}
        </>
      )}
      {status && <ActiveConfigList config={status.config} refusal={status.lastConfigRefusal} />}
      {status && !status.connected && (
        <p className="muted" data-testid="hub-state">
          Not connected. {status.lastError ? `Last error: ${plainSyncError(status.lastError)}` : 'Ask the hub administrator for an enrollment code for this device.'}
        </p>
      )}
      {showForm && (
        <form
          aria-label="Connect to a hub"
          onSubmit={(e) => {
            e.preventDefault();
            void hub.connect({ hubUrl: hubUrl.trim(), enrollmentCode: code.trim(), deviceName: deviceName.trim() }).then((ok) => {
              if (!ok) return;
              setCode('');
              setReconnecting(false);
            });
          }}
        >
          <label>
            Hub URL
            <input type="url" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} required placeholder="https://hub.example:8787" />
          </label>
          <label>
            Enrollment code
            <input value={code} onChange={(e) => setCode(e.target.value)} required minLength={8} autoComplete="off" spellCheck={false} />
          </label>
          <label>
            Device name
            <input value={deviceName} onChange={(e) => setDeviceName(e.target.value)} required maxLength={200} placeholder="e.g. rita-laptop" />
          </label>{' '}
          <button type="submit" disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </form>
      )}
    </section>
  );
}

/** The sync service reports `code: message` or `hub unreachable: ECONNREFUSED`; say it plainly. */
export function plainSyncError(raw: string): string {
  if (/^hub unreachable: (ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|fetch failed)/.test(raw)) return `The hub could not be reached (${raw.slice('hub unreachable: '.length)}); decisions wait here and go out on the next sync.`;
  if (/^(unauthenticated|forbidden): /.test(raw)) return `The hub refused this device's credential (${raw}); it may have been revoked. Connect again with a new enrollment code.`;
  return raw;
}
