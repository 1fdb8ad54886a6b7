import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubDatabase } from './database.ts';
import { migrateHub } from './migrations.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-mig-metrics-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("hub migration 0005_metrics: one row per device, hour, model and policy version", () => {
  it('keys an hour by device and versions, and refuses rows of unknown devices', async () => {
    const db = HubDatabase.openSqlite(path.join(dir, 'hub.db'));
    await migrateHub(db);
    await db.run(`INSERT INTO hub_sites (name, created_at) VALUES ('s', 'now')`);
    await db.run(`INSERT INTO hub_users (name, role, site_id, created_at) VALUES ('u', 'clerk', 1, 'now')`);
    await db.run(`INSERT INTO hub_devices (site_id, user_id, name, public_key, enrolled_at) VALUES (1, 1, 'd', 'k', 'now')`);
    const row = `INSERT INTO hub_metric_hours (device_id, site_id, hour, model_version, policy_version, hour_json, received_at) VALUES (1, 1, '2026-12-02T03:00:00.000Z', '1.1.0', '', '{}', 'now')`;
    await db.run(row);
    await expect(db.run(row)).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    await expect(db.run(row.replace('(1, 1,', '(7, 1,'))).rejects.toThrow(/FOREIGN KEY/);
    await db.run(`INSERT INTO hub_metric_current (device_id, site_id, current_json, received_at) VALUES (1, 1, '{}', 'now')`);
    expect(await db.all(`SELECT count(*) AS n FROM hub_metric_current`)).toEqual([{ n: 1 }]);
    await db.close();
  });
});
