import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { HubPrincipalRole, HubRole } from '../src-shared/contract/hub.ts';
import type { HubDatabase } from './store/database.ts';

/** Who is calling: a user (API token), a device acting for its user, or an enrollment code. */
export interface Principal {
  kind: 'user' | 'device' | 'enrollment';
  role: HubPrincipalRole;
  userId: number;
  userName: string;
  siteId: number | null;
  deviceId: number | null;
  /** For an enrollment code: the hash that identifies it. For a user token: the hash (to rotate it). */
  codeHash?: string;
  tokenHash?: string;
  /** For a device credential: its hash, which a push checks again in its own transaction. */
  credentialHash?: string;
}

export const TOKEN_PREFIX = { user: 'csu_', device: 'csd_', enrollment: 'cse_' } as const;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
export const newSecret = (kind: keyof typeof TOKEN_PREFIX): string => `${TOKEN_PREFIX[kind]}${randomBytes(24).toString('base64url')}`;

type CredRow = {
  user_id: number;
  user_name: string;
  role: HubRole;
  user_site: number | null;
  user_revoked: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  device_id: number | null;
  device_site: number | null;
  device_revoked: string | null;
};

/** The hash of the bearer credential in an Authorization header, or null. */
export function bearerHash(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? hashSecret(m[1]!) : null;
}

/**
 * Looks the bearer credential up (one prepared statement), so a revocation takes effect on the very
 * next request, on every hub process. The one exception is CheckedDeviceCredentials below.
 */
export async function authenticate(store: HubDatabase, header: string | undefined, now: Date): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const token = m[1]!;
  const h = hashSecret(token);
  const nowIso = now.toISOString();
  if (token.startsWith(TOKEN_PREFIX.enrollment)) {
    const row = (
      await sql<{ site_id: number; user_id: number; user_name: string; expires_at: string; used_at: string | null; revoked_at: string | null; user_revoked: string | null }>`
        SELECT c.site_id, c.user_id, u.name AS user_name, c.expires_at, c.used_at, c.revoked_at, u.revoked_at AS user_revoked
        FROM hub_enrollment_codes c JOIN hub_users u ON u.id = c.user_id WHERE c.code_hash = ${h}`.execute(store.db)
    ).rows[0];
    if (!row || row.used_at || row.revoked_at || row.user_revoked || row.expires_at <= nowIso) return null;
    return { kind: 'enrollment', role: 'enrollment', userId: row.user_id, userName: row.user_name, siteId: row.site_id, deviceId: null, codeHash: h };
  }
  const row = (
    await sql<CredRow>`
      SELECT u.id AS user_id, u.name AS user_name, u.role, u.site_id AS user_site, u.revoked_at AS user_revoked,
             c.expires_at, c.revoked_at, d.id AS device_id, d.site_id AS device_site, d.revoked_at AS device_revoked
      FROM hub_credentials c JOIN hub_users u ON u.id = c.user_id LEFT JOIN hub_devices d ON d.id = c.device_id
      WHERE c.token_hash = ${h}`.execute(store.db)
  ).rows[0];
  if (!row || row.user_revoked || row.device_revoked || row.revoked_at) return null;
  if (row.expires_at !== null && row.expires_at <= nowIso) return null;
  if (row.device_id !== null) {
    return { kind: 'device', role: row.role, userId: row.user_id, userName: row.user_name, siteId: row.device_site, deviceId: row.device_id, credentialHash: h };
  }
  return { kind: 'user', role: row.role, userId: row.user_id, userName: row.user_name, siteId: row.user_site, deviceId: null, tokenHash: h };
}

/**
 * Device principals already looked up, for the calls whose own transaction checks the credential again
 * (a push: hub_push on PostgreSQL, the client row's statement on SQLite, refuse a revoked or expired
 * credential in the transaction that would apply it). Those calls skip the lookup round trip and still never act on a revoked credential; a
 * refusal drops the entry. Roles, sites and names of users and devices never change, only revocations.
 */
export class CheckedDeviceCredentials {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 10_000,
  ) {}

  get(hash: string, now: number): Principal | undefined {
    const e = this.entries.get(hash);
    if (e && e.until > now) return e.principal;
    if (e) this.entries.delete(hash);
    return undefined;
  }

  remember(hash: string, principal: Principal, now: number): void {
    if (principal.kind !== 'device') return;
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(hash, { principal, until: now + this.ttlMs });
  }

  forget(hash: string): void {
    this.entries.delete(hash);
  }
}

/**
 * Failed authentications per client address, in a fixed window per process: after `max` failures the
 * address is refused (429) until the window ends, so a token cannot be guessed at wire speed.
 */
export class AuthRateLimiter {
  private readonly failures = new Map<string, { windowStart: number; count: number }>();
  constructor(
    private readonly max = 20,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until `key` may try again, or 0. */
  blockedFor(key: string, now: number): number {
    const f = this.failures.get(key);
    if (!f || now - f.windowStart >= this.windowMs) return 0;
    return f.count >= this.max ? f.windowStart + this.windowMs - now : 0;
  }

  fail(key: string, now: number): void {
    const f = this.failures.get(key);
    if (!f || now - f.windowStart >= this.windowMs) this.failures.set(key, { windowStart: now, count: 1 });
    else f.count += 1;
    if (this.failures.size > 10_000) {
      for (const [k, v] of this.failures) if (now - v.windowStart >= this.windowMs) this.failures.delete(k);
    }
  }
}
