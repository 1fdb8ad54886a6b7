import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { AuditReportFilters } from '../../src-shared/contract/audit-report.ts';
import { rowToEntry, type AuditRow } from '../../src-common/audit-chain/audit-row.ts';
import { buildAuditReport } from '../../src-common/audit-report/audit-report.ts';
import { compareExport } from '../../src-common/audit-report/verify-export.ts';
import type { Principal } from '../auth.ts';
import { verify } from './audit.ts';
import { deviceSite, nowIso, requireSameSite, type HubContext, type HubHandlerMap } from './context.ts';

/** The device's site, after checking the caller may see it (an auditor of another site gets not_found). */
async function siteOf(hub: HubContext, p: Principal, deviceId: number): Promise<number> {
  const siteId = await deviceSite(hub.store.db, deviceId);
  requireSameSite(p, siteId, `device ${deviceId}`);
  return siteId;
}

/** Every entry the hub stored for a device, oldest first, read in pages. */
async function storedEntries(hub: HubContext, deviceId: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let from = 1; ; ) {
    const rows = await hub.store.db.selectFrom('hub_audit').selectAll().where('device_id', '=', deviceId).where('seq', '>=', from).orderBy('seq').limit(2000).execute();
    for (const r of rows) out.push(rowToEntry(r as unknown as AuditRow));
    if (rows.length < 2000) return out;
    from = Number(rows.at(-1)!.seq) + 1;
  }
}

/** A report over the hub's copy of a device's trail: the chain and every signed batch re-checked now. */
async function exportReport(hub: HubContext, p: Principal, a: { deviceId: number; filters: AuditReportFilters; fromSeq: number; limit: number }) {
  const siteId = await siteOf(hub, p, a.deviceId);
  const checked = await verify(hub, a.deviceId);
  const signatureProblem = checked.firstBad && /signature|signed/.test(checked.firstBad.problem);
  const report = buildAuditReport({
    recorded: await storedEntries(hub, a.deviceId),
    filters: a.filters,
    // The hub holds only what the site policy let leave the device (the rest as keyed hashes): nothing to mask.
    sensitiveFields: [],
    source: { kind: 'hub', deviceId: a.deviceId, siteId, hubUrl: null },
    chain: { ok: checked.ok || !!signatureProblem, entries: checked.entries, headHash: checked.headHash, firstBad: signatureProblem ? null : checked.firstBad },
    signatures: signatureProblem
      ? { status: 'differs', detail: checked.firstBad!.problem }
      : checked.ok
        ? { status: 'checked', detail: `${checked.batches} batches signed by device ${a.deviceId} verified with the key it enrolled with` }
        : { status: 'not_checked', detail: 'The chain is broken, so the batches were not all checked' },
    now: hub.clock(),
  });
  const page = report.entries.filter((e) => e.seq >= a.fromSeq).slice(0, a.limit);
  const more = report.entries.find((e) => e.seq > (page.at(-1)?.seq ?? Infinity));
  return { header: { ...report.header, generatedAt: nowIso(hub) }, entries: page, nextSeq: more ? more.seq : null };
}

/** Reports for auditors: exports of the hub's copy and checks of an export against it. */
export const auditReportHandlers = {
  'audit.export': async (a, { hub, p }) => exportReport(hub, p, a),
  'audit.verifyExport': async (a, { hub, p }) => {
    await siteOf(hub, p, a.deviceId);
    return compareExport({ header: a.header, entries: a.entries }, await storedEntries(hub, a.deviceId));
  },
} satisfies Partial<HubHandlerMap>;
