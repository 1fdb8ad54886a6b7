import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { HubRole } from '../../src-shared/contract/hub.ts';
import { hashSecret, newSecret } from '../auth.ts';
import type { Selectable } from 'kysely';
import type { HubSchema } from '../store/schema.ts';
import { isUniqueViolation, nowIso, requireSite, scopeSite, type HubContext, type HubHandlerMap } from './context.ts';

type UserRow = Selectable<HubSchema['hub_users']>;
const toUser = (r: UserRow) => ({ id: r.id, name: r.name, role: r.role, siteId: r.site_id, revoked: r.revoked_at !== null, createdAt: r.created_at });

const tokenExpiry = (hub: HubContext, days: number | null) => (days === null ? null : new Date(hub.clock().getTime() + days * 86_400_000).toISOString());

/** Sites and users: who works where, with which role. */
export const sitesAndUsers = {
  'hub.whoami': async (_a, { p }) => ({
    kind: p.kind === 'device' ? ('device' as const) : ('user' as const),
    userId: p.userId,
    userName: p.userName,
    role: p.role as HubRole,
    siteId: p.siteId,
    deviceId: p.deviceId,
  }),

  'sites.create': async (a, { hub }) => {
    try {
      const r = await hub.store.db.insertInto('hub_sites').values({ name: a.name, created_at: nowIso(hub) }).returningAll().executeTakeFirstOrThrow();
      return { id: r.id, name: r.name, createdAt: r.created_at };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `A site named ${a.name} exists already`);
      throw err;
    }
  },

  'sites.list': async (_a, { hub, p }) => {
    const site = scopeSite(p, undefined);
    let q = hub.store.db.selectFrom('hub_sites').selectAll().orderBy('id');
    if (site !== undefined) q = q.where('id', '=', site);
    return { items: (await q.execute()).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at })) };
  },

  'users.create': async (a, { hub }) => {
    if (a.siteId !== null) await requireSite(hub.store.db, a.siteId);
    const token = newSecret('user');
    try {
      const user = await hub.store.tx(async (t) => {
        const u = await t.insertInto('hub_users').values({ name: a.name, role: a.role, site_id: a.siteId, created_at: nowIso(hub) }).returningAll().executeTakeFirstOrThrow();
        await t.insertInto('hub_credentials').values({ token_hash: hashSecret(token), user_id: u.id, device_id: null, created_at: nowIso(hub), expires_at: tokenExpiry(hub, a.tokenTtlDays), revoked_at: null }).execute();
        return u;
      });
      return { user: toUser(user), token };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `A user named ${a.name} exists already`);
      throw err;
    }
  },

  'users.list': async (_a, { hub, p }) => {
    const site = scopeSite(p, undefined);
    let q = hub.store.db.selectFrom('hub_users').selectAll().orderBy('id');
    if (site !== undefined) q = q.where('site_id', '=', site);
    return { items: (await q.execute()).map(toUser) };
  },

  'users.revoke': async (a, { hub }) => {
    await hub.store.db.updateTable('hub_users').set({ revoked_at: nowIso(hub) }).where('id', '=', a.userId).where('revoked_at', 'is', null).execute();
    const row = await hub.store.db.selectFrom('hub_users').selectAll().where('id', '=', a.userId).executeTakeFirst();
    if (!row) throw new ApiError('not_found', `No user ${a.userId}`);
    return toUser(row);
  },

  /** A new token for the caller; the one used for this call stops working at once. */
  'users.rotateToken': async (a, { hub, p }) => {
    if (p.kind !== 'user' || !p.tokenHash) throw new ApiError('invalid_argument', 'Only a user token can be rotated; a device re-enrolls with a new code');
    const token = newSecret('user');
    const expiresAt = tokenExpiry(hub, a.tokenTtlDays);
    await hub.store.tx(async (t) => {
      const gone = await t.updateTable('hub_credentials').set({ revoked_at: nowIso(hub) }).where('token_hash', '=', p.tokenHash!).where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(gone.numUpdatedRows) !== 1) throw new ApiError('unauthenticated', 'This token was rotated already');
      await t.insertInto('hub_credentials').values({ token_hash: hashSecret(token), user_id: p.userId, device_id: null, created_at: nowIso(hub), expires_at: expiresAt, revoked_at: null }).execute();
    });
    return { token, expiresAt };
  },
} satisfies Partial<HubHandlerMap>;
