import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { resolveDataKey, type SecretStore } from '../blob/key-provider.ts';
import { openDatabase } from '../store/database.ts';
import { openDataDirDatabase } from '../store/secure-store.ts';
import { DeviceSecretVault, MemorySecretStore } from './device-identity.ts';
import { SyncService } from './sync-service.ts';

export type TestDevice = Awaited<ReturnType<typeof openTestDevice>>;

/** A device data directory (its own SQLite with every migration) and a sync service over it. */
export async function openTestDevice(opts: { dataDir?: string; /** null: no keychain, the 0600 key files (as `COUNTERSIGN_KEY_STORAGE=file`). */ store?: SecretStore | null; encrypted?: boolean; fetch?: typeof fetch; clock?: () => Date } = {}) {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cs-dev-'));
  const store = opts.store === undefined ? new MemorySecretStore() : opts.store;
  // encrypted: opened as the app and the CLI open it (with the database key), so a CLI child can share it.
  const db = opts.encrypted ? await openDataDirDatabase(dataDir, { secretStore: store }, () => {}) : openDatabase(path.join(dataDir, 'countersign.db'));
  const audit = new AuditLog(db, opts.clock);
  const vault = await DeviceSecretVault.open(dataDir, store);
  const siteKey = (await resolveDataKey(dataDir, 'site', { secretStore: store })).key;
  const sync = new SyncService({ db, audit, vault, siteKey, ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.clock ? { clock: opts.clock } : {}), backoff: { baseMs: 5, capMs: 40 }, intervalMs: 20 });
  return { dataDir, db, audit, store, sync, close: async () => (await sync.stop(), db.close()) };
}

/** A `fetch` that can be switched off (hub down), records every request, and can lose replies. */
export class FlakyFetch {
  down = false;
  /** Deliver the next N requests to the hub but throw instead of returning the reply (a crash mid-push). */
  loseReplies = 0;
  /** Which calls lose their replies. */
  loseMatch: RegExp = /./;
  readonly requests: { url: string; body: string }[] = [];
  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const body = typeof init?.body === 'string' ? init.body : '';
    this.requests.push({ url, body });
    if (this.down) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const res = await fetch(input, init);
    if (this.loseReplies > 0 && this.loseMatch.test(url)) {
      this.loseReplies -= 1;
      await res.text();
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    }
    return res;
  };
}
