import { useRef, useState, type DragEvent } from 'react';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { client, settingsStore, useSettings } from '../stores/app-stores.ts';

/** Calls in flight at once: one file per call, so each row says exactly where its file is. */
const IN_FLIGHT = 2;

/** One picked file on its way: waiting, being read and understood, or done with its result. */
type ImportRow = { name: string; state: 'waiting' | 'processing' | 'done'; result?: ProcessResult };

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ImportScreen() {
  const [rows, setRows] = useState<ImportRow[]>([]);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const actor = useSettings((s) => s.settings.actor);

  const upload = async (files: File[]) => {
    if (!files.length) return;
    setError(null);
    // Every file is listed at once; each row moves on as its own call does.
    const current: ImportRow[] = files.map((f) => ({ name: f.name, state: 'waiting' }));
    setRows([...current]);
    const set = (i: number, row: ImportRow) => {
      current[i] = row;
      setRows([...current]);
    };
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        const f = files[i]!;
        set(i, { name: f.name, state: 'processing' });
        try {
          const r = await client.call('documents.upload', { files: [{ name: f.name, dataBase64: toBase64(await f.arrayBuffer()) }], actor });
          set(i, { name: f.name, state: 'done', result: r.results[0]! });
        } catch (err) {
          setError((err as Error).message);
          set(i, { name: f.name, state: 'done', result: { file: f.name, status: 'failed', error: { code: 'upload_failed', message: (err as Error).message } } });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, worker));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void upload([...e.dataTransfer.files]);
  };

  const results = rows.flatMap((r) => (r.result ? [r.result] : []));
  const progress = rows.length ? { done: results.length, total: rows.length } : null;
  const counts = results.reduce<Record<string, number>>((c, r) => ((c[r.route?.action ?? r.status] = (c[r.route?.action ?? r.status] ?? 0) + 1), c), {});

  return (
    <section className="screen import" aria-labelledby="import-title">
      <h1 id="import-title">Import</h1>
      <div
        className={`dropzone ${over ? 'over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop PDFs and images here, or</p>
        <button type="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input ref={input} type="file" multiple accept=".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/*" className="sr-only" aria-label="Files to import" onChange={(e) => void upload([...(e.target.files ?? [])])} />
      </div>
      {progress && (
        <div className="progress" data-testid="import-progress">
          <label>
            Processed {progress.done} of {progress.total}
            <progress max={progress.total} value={progress.done} />
          </label>
          {progress.done === progress.total && (
            <p role="status" data-testid="import-summary">
              Done: {Object.entries(counts).map(([k, n]) => `${n} ${k.replace('_', '-')}`).join(', ')}. <a href="#/queue">Open the queue</a>
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {rows.length > 0 && (
        <table className="plain" aria-label="Import results">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Result</th>
              <th scope="col">Type</th>
              <th scope="col">Route</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const r = row.result;
              return (
                <tr key={i} data-state={row.state} aria-busy={row.state === 'processing'}>
                  <td>{r?.documentId ? <a href={`#/document/${r.documentId}`}>{r.file}</a> : row.name}</td>
                  <td>
                    {!r ? (
                      row.state === 'processing' ? (
                        <span className="file-progress">
                          <progress aria-label={`Processing ${row.name}`} /> processing…
                        </span>
                      ) : (
                        <span className="muted">waiting</span>
                      )
                    ) : r.status === 'failed' ? (
                      `failed: ${r.error?.code}`
                    ) : r.status === 'duplicate' ? (
                      `duplicate of ${r.duplicateOf}`
                    ) : (
                      'processed'
                    )}
                  </td>
                  <td>{r?.docType ? `${r.docType.label} ${Math.round(r.docType.score * 100)}%` : '—'}</td>
                  <td>{r?.route ? `${r.route.action}${r.route.reasons.length ? `: ${r.route.reasons.join('; ')}` : ''}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <WatchedFolder />
    </section>
  );
}

function WatchedFolder() {
  const current = useSettings((s) => s.settings.watchFolder);
  const [folder, setFolder] = useState(current ?? '');
  const [status, setStatus] = useState<string | null>(null);
  const refresh = async () => {
    const s = await client.call('ui.watchStatus', {});
    setStatus(s.folder ? `Watching ${s.folder}: ${s.processed} imported, ${s.failed} failed${s.lastFile ? `, last ${s.lastFile}` : ''}${s.error ? ` (error: ${s.error})` : ''}` : 'Not watching a folder.');
  };
  return (
    <form
      className="watch"
      onSubmit={(e) => {
        e.preventDefault();
        void settingsStore.getState().save({ watchFolder: folder.trim() || null }).then(refresh);
      }}
    >
      <h2>Watched folder</h2>
      <p className="muted">New files that appear in this folder on this machine are imported as they arrive.</p>
      <label>
        Folder path
        <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/Scans" className="wide" />
      </label>{' '}
      <button type="submit">{folder.trim() ? 'Watch' : 'Stop watching'}</button>{' '}
      <button type="button" onClick={() => void refresh()}>
        Status
      </button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}
