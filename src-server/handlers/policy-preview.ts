import { ApiError } from '../../src-shared/contract/dispatch.ts';
import { artifactContentProblem } from '../../src-shared/config/artifact-content.ts';
import { PolicySchema } from '../../src-shared/config/policy-schema.ts';
import type { DocType, ExtractedField, FieldName, RouteAction, RuleResult } from '../../src-shared/document-model.ts';
import { formatReplay } from '../../src-common/routing/format-replay.ts';
import { replayPolicy, type RecordedDocument, type RecordedOutcome } from '../../src-common/routing/replay-policy.ts';
import type { HubKysely } from '../store/database.ts';
import { requireSite, type HubHandlerMap } from './context.ts';

type Summary = { docType?: DocType; score?: number; routed?: { action: RouteAction; fields: Record<string, { value?: string; confidence?: number }>; rules: RuleResult[]; policyVersion: string }; outcome?: RecordedOutcome };

const OUTCOME: Record<string, RecordedOutcome> = { 'task.approved': 'approved_unchanged', 'task.corrected': 'corrected', 'task.rejected': 'rejected' };

/**
 * The documents a site's devices routed, rebuilt from the audit entries they uploaded: class and
 * score, field confidences (values the site keeps on site arrive as keyed hashes), rule results
 * and the route taken, and what a reviewer then decided. Metadata only: no page text, no image.
 */
async function siteRouteSummaries(t: HubKysely, siteId: number, limit: number) {
  const rows = await t
    .selectFrom('hub_audit as a')
    .innerJoin('hub_devices as d', 'd.id', 'a.device_id')
    .select(['a.device_id', 'a.seq', 'a.event', 'a.document_sha256', 'a.data_json', 'a.policy_version'])
    .where('d.site_id', '=', siteId)
    .where('a.event', 'in', ['document.classified', 'document.routed', 'task.approved', 'task.corrected', 'task.rejected'])
    .where('a.document_sha256', 'is not', null)
    .orderBy('a.device_id')
    .orderBy('a.seq')
    .execute();
  const docs = new Map<string, Summary>();
  for (const r of rows) {
    const key = `${r.device_id}:${r.document_sha256}`;
    const s = docs.get(key) ?? {};
    const data = JSON.parse(r.data_json) as Record<string, unknown>;
    if (r.event === 'document.classified') Object.assign(s, { docType: data.label as DocType, score: Number(data.score) });
    else if (r.event === 'document.routed') {
      s.routed = { action: data.action as RouteAction, fields: (data.fields ?? {}) as NonNullable<Summary['routed']>['fields'], rules: (data.rules ?? []) as RuleResult[], policyVersion: r.policy_version ?? '' };
      delete s.outcome; // routed again: what was decided before was about the earlier route
    } else s.outcome = OUTCOME[r.event];
    docs.set(key, s);
  }
  const records: RecordedDocument[] = [];
  for (const [key, s] of docs) {
    if (!s.routed || !s.docType || records.length >= limit) continue;
    const fields: Partial<Record<FieldName, ExtractedField>> = {};
    for (const [name, f] of Object.entries(s.routed.fields)) fields[name as FieldName] = { value: String(f.value ?? ''), confidence: Number(f.confidence ?? 0) };
    records.push({
      documentId: key,
      sha256: key.slice(key.indexOf(':') + 1),
      docType: s.docType,
      docTypeScore: s.score ?? 0,
      fields,
      rules: s.routed.rules.map((r) => ({ id: r.id, passed: r.passed, detail: `rule ${r.id} failed`, ...(r.severity ? { severity: r.severity } : {}) })),
      // Not uploaded: a new vendor's QA sampling is not replayed here (the device's own replay has it).
      vendorHistoryCount: Number.MAX_SAFE_INTEGER,
      recorded: { action: s.routed.action, policyVersion: s.routed.policyVersion },
      ...(s.outcome ? { outcome: s.outcome } : {}),
    });
  }
  return { records, devices: new Set([...docs.keys()].map((k) => k.split(':')[0])).size };
}

/** `countersign-admin policies preview`: what a candidate policy would change at a site, before it is assigned. */
export const policyPreview = {
  'policies.preview': async (a, { hub }) => {
    await requireSite(hub.store.db, a.siteId);
    const problem = artifactContentProblem('policy', 'candidate', a.content);
    if (problem) throw new ApiError('invalid_argument', problem);
    const candidate = PolicySchema.parse(a.content);
    const { records, devices } = await siteRouteSummaries(hub.store.db, a.siteId, a.limit);
    // Values kept on site arrive hashed: a total that is not a number cannot meet a total limit here.
    const report = replayPolicy(records, candidate, candidate, () => 0);
    return { siteId: a.siteId, documents: records.length, devices, summary: formatReplay(report), report: report as unknown as Record<string, unknown> };
  },
} satisfies Partial<HubHandlerMap>;
