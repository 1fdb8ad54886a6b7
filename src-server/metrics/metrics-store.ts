import { MetricsHourSchema, MetricsUploadSchema, type MetricsHour, type MetricsUpload } from '../../src-shared/insights.ts';
import type { HubKysely } from '../store/database.ts';

export interface StoredHour {
  deviceId: number;
  siteId: number;
  hour: MetricsHour;
}
export type DeviceCurrent = MetricsUpload['current'] & { deviceId: number; siteId: number; receivedAt: string };

/** The hub's metrics tables: rows in, domain objects out. */
export class MetricsStore {
  constructor(private readonly db: HubKysely) {}

  async save(deviceId: number, siteId: number, upload: MetricsUpload, receivedAt: string): Promise<void> {
    for (const h of upload.hours) {
      const row = { device_id: deviceId, site_id: siteId, hour: h.hour, model_version: h.modelVersion ?? '', policy_version: h.policyVersion ?? '', hour_json: JSON.stringify(h), received_at: receivedAt };
      await this.db
        .insertInto('hub_metric_hours')
        .values(row)
        .onConflict((c) => c.columns(['device_id', 'hour', 'model_version', 'policy_version']).doUpdateSet({ hour_json: row.hour_json, received_at: receivedAt, site_id: siteId }))
        .execute();
    }
    const current = JSON.stringify(upload.current);
    await this.db
      .insertInto('hub_metric_current')
      .values({ device_id: deviceId, site_id: siteId, current_json: current, received_at: receivedAt })
      .onConflict((c) => c.column('device_id').doUpdateSet({ current_json: current, site_id: siteId, received_at: receivedAt }))
      .execute();
  }

  /** Hours from `fromHour` on (all when null), of one site or every site. */
  async hours(q: { siteId?: number | undefined; fromHour: string | null; modelVersion?: string | undefined; policyVersion?: string | undefined }): Promise<StoredHour[]> {
    let s = this.db.selectFrom('hub_metric_hours').select(['device_id', 'site_id', 'hour_json']);
    if (q.siteId !== undefined) s = s.where('site_id', '=', q.siteId);
    if (q.fromHour) s = s.where('hour', '>=', q.fromHour);
    if (q.modelVersion !== undefined) s = s.where('model_version', '=', q.modelVersion);
    if (q.policyVersion !== undefined) s = s.where('policy_version', '=', q.policyVersion);
    const rows = await s.orderBy('hour').execute();
    return rows.map((r) => ({ deviceId: Number(r.device_id), siteId: Number(r.site_id), hour: MetricsHourSchema.parse(JSON.parse(r.hour_json)) }));
  }

  async current(siteId?: number): Promise<DeviceCurrent[]> {
    let s = this.db.selectFrom('hub_metric_current').select(['device_id', 'site_id', 'current_json', 'received_at']);
    if (siteId !== undefined) s = s.where('site_id', '=', siteId);
    const rows = await s.orderBy('device_id').execute();
    return rows.map((r) => ({ ...MetricsUploadSchema.shape.current.parse(JSON.parse(r.current_json)), deviceId: Number(r.device_id), siteId: Number(r.site_id), receivedAt: r.received_at }));
  }
}
