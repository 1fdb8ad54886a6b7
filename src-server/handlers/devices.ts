import { createPublicKey } from 'node:crypto';
import { sql } from 'kysely';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import { hashSecret, newSecret } from '../auth.ts';
import type { HubKysely } from '../store/database.ts';
import { nowIso, requireSite, scopeSite, type HubHandlerMap } from './context.ts';

type DeviceRow = { id: number; name: string; site_id: number; user_id: number; public_key: string; revoked_at: string | null; enrolled_at: string; ack: number | null };
const toDevice = (r: DeviceRow) => ({
  id: r.id,
  name: r.name,
  siteId: r.site_id,
  userId: r.user_id,
  publicKey: r.public_key,
  revoked: r.revoked_at !== null,
  enrolledAt: r.enrolled_at,
  auditAckSeq: Number(r.ack ?? 0),
});

const devicesWithAck = (t: HubKysely) =>
  t
    .selectFrom('hub_devices as d')
    .selectAll('d')
    .select(sql<number | null>`(SELECT max(a.seq) FROM hub_audit a WHERE a.device_id = d.id)`.as('ack'));

/** Devices: enrollment codes, enrollment, listing and revocation. */
export const devices = {
  'devices.createEnrollmentCode': async (a, { hub }) => {
    const db = hub.store.db;
    await requireSite(db, a.siteId);
    const user = await db.selectFrom('hub_users').selectAll().where('id', '=', a.userId).executeTakeFirst();
    if (!user) throw new ApiError('not_found', `No user ${a.userId}`);
    if (user.revoked_at) throw new ApiError('revoked', `User ${user.name} is revoked`);
    if (user.role === 'auditor') throw new ApiError('invalid_argument', 'Devices enroll for reviewers, clerks or admins, not auditors');
    if (user.site_id !== null && user.site_id !== a.siteId) throw new ApiError('invalid_argument', `User ${user.name} works at site ${user.site_id}, not site ${a.siteId}`);
    const code = newSecret('enrollment');
    const expiresAt = new Date(hub.clock().getTime() + a.ttlMinutes * 60_000).toISOString();
    await db.insertInto('hub_enrollment_codes').values({ code_hash: hashSecret(code), site_id: a.siteId, user_id: a.userId, expires_at: expiresAt, used_at: null, device_id: null, revoked_at: null }).execute();
    return { code, expiresAt };
  },

  'devices.revokeEnrollmentCode': async (a, { hub }) => {
    const r = await hub.store.db
      .updateTable('hub_enrollment_codes')
      .set({ revoked_at: nowIso(hub) })
      .where('code_hash', '=', hashSecret(a.code))
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return { revoked: Number(r.numUpdatedRows) === 1 };
  },

  'device.enroll': async (a, { hub, p }) => {
    try {
      const key = createPublicKey({ key: Buffer.from(a.publicKey, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    } catch {
      throw new ApiError('invalid_argument', 'publicKey must be an Ed25519 public key (SPKI DER, base64)');
    }
    const credential = newSecret('device');
    return hub.store.tx(async (t) => {
      const now = nowIso(hub);
      // Claim the code inside the transaction: a code used twice at once enrolls one device.
      const claimed = await t
        .updateTable('hub_enrollment_codes')
        .set({ used_at: now })
        .where('code_hash', '=', p.codeHash!)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new ApiError('unauthenticated', 'This enrollment code was used, revoked or has expired');
      const d = await t.insertInto('hub_devices').values({ site_id: p.siteId!, user_id: p.userId, name: a.name, public_key: a.publicKey, revoked_at: null, enrolled_at: now }).returning('id').executeTakeFirstOrThrow();
      await t.updateTable('hub_enrollment_codes').set({ device_id: d.id }).where('code_hash', '=', p.codeHash!).execute();
      // The bearer credential is a random secret of its own: holding it never lets anyone sign audit batches, and the signing key never travels.
      await t.insertInto('hub_credentials').values({ token_hash: hashSecret(credential), user_id: p.userId, device_id: d.id, created_at: now, expires_at: null, revoked_at: null }).execute();
      return { deviceId: d.id, siteId: p.siteId!, userId: p.userId, credential, hubPublicKey: hub.signingKey.publicKey };
    });
  },

  'devices.list': async (a, { hub, p }) => {
    const site = scopeSite(p, a.siteId);
    let q = devicesWithAck(hub.store.db).orderBy('d.id');
    if (site !== undefined) q = q.where('d.site_id', '=', site);
    return { items: ((await q.execute()) as DeviceRow[]).map(toDevice) };
  },

  'devices.revoke': async (a, { hub }) => {
    await hub.store.db.updateTable('hub_devices').set({ revoked_at: nowIso(hub) }).where('id', '=', a.deviceId).where('revoked_at', 'is', null).execute();
    const row = await devicesWithAck(hub.store.db).where('d.id', '=', a.deviceId).executeTakeFirst();
    if (!row) throw new ApiError('not_found', `No device ${a.deviceId}`);
    return toDevice(row as DeviceRow);
  },
} satisfies Partial<HubHandlerMap>;
