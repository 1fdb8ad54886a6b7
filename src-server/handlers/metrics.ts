import { windowMs } from '../../src-shared/insights.ts';
import { hourOf } from '../../src-main/insights/hourly-metrics.ts';
import { emptyMerge, mergeHour, toGroup, type MergedHours } from '../metrics/merge-hours.ts';
import { MetricsStore } from '../metrics/metrics-store.ts';
import { deviceSite, nowIso, scopeSite, type HubHandler } from './context.ts';

/** Device metrics in (aggregates only), per site, model and policy version out; every read confined to the caller's site. */
export const metricsHandlers: { 'metrics.upload': HubHandler<'metrics.upload'>; 'metrics.summary': HubHandler<'metrics.summary'> } = {
  'metrics.upload': async (a, { hub, p }) =>
    hub.store.tx(async (t) => {
      const siteId = await deviceSite(t, p.deviceId!);
      await new MetricsStore(t).save(p.deviceId!, siteId, a, nowIso(hub));
      return { hours: a.hours.length };
    }),

  'metrics.summary': async (a, { hub, p }) => {
    const siteId = scopeSite(p, a.siteId);
    const now = hub.clock();
    const span = windowMs(a.window);
    const from = span === null ? null : new Date(now.getTime() - span).toISOString();
    const store = new MetricsStore(hub.store.db);
    const groups = new Map<string, { key: { siteId: number; modelVersion: string | null; policyVersion: string | null }; merged: MergedHours }>();
    for (const h of await store.hours({ siteId, fromHour: from ? hourOf(from) : null, modelVersion: a.modelVersion, policyVersion: a.policyVersion })) {
      const k = `${h.siteId}\0${h.hour.modelVersion ?? ''}\0${h.hour.policyVersion ?? ''}`;
      const g = groups.get(k) ?? groups.set(k, { key: { siteId: h.siteId, modelVersion: h.hour.modelVersion, policyVersion: h.hour.policyVersion }, merged: emptyMerge() }).get(k)!;
      mergeHour(g.merged, h.deviceId, h.hour);
    }
    const devices = (await store.current(siteId)).map(({ receivedAt: _r, ...c }) => c);
    return {
      window: { label: a.window, from, to: now.toISOString() },
      groups: [...groups.values()].map((g) => toGroup(g.key, g.merged)).sort((x, y) => x.siteId - y.siteId || (x.modelVersion ?? '').localeCompare(y.modelVersion ?? '') || (x.policyVersion ?? '').localeCompare(y.policyVersion ?? '')),
      devices,
    };
  },
};
