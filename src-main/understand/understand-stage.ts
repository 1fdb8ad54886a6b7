import { PipelineError, toErrorInfo } from '../pipeline/pipeline-error.ts';
import { PIPELINE_ACTOR, type Stage } from '../pipeline/stage.ts';
import type { Understanding } from './understanding.ts';

type UnderstandOut = Awaited<ReturnType<Understanding['understand']>>;

/** Understanding: classify, extract fields, check the rules and route by the policy; a document routed to review gets a task. */
export const understandStage: Stage<UnderstandOut> = {
  name: 'understand',
  async run(doc, input) {
    const understanding = await input.understanding();
    const u = await understanding.understand(input.docs.pages(doc.id), {
      documentId: doc.id,
      sha256: doc.sha256!,
      findDuplicates: (q) => input.docs.findDuplicates({ ...q, excludeId: doc.id }),
      vendorHistoryCount: (vendor) => input.docs.vendorHistoryCount(vendor, doc.id),
      einvoice: input.einvoices.forDocument(doc.id),
    });
    Object.assign(input.timings, u.timingsMs);
    return u;
  },
  engine: (u) => `${u.model.name}@${u.model.version}`,
  failure: (err) => (err instanceof PipelineError ? toErrorInfo(err) : { code: 'model_failed', message: `Understanding failed: ${(err as Error).message}` }),
  record(doc, u, r) {
    r.docs.saveUnderstanding(doc.id, u, r.timings);
    r.audit({ actor: PIPELINE_ACTOR, event: 'document.classified', documentSha256: doc.sha256, data: { documentId: doc.id, label: u.docType.label, score: u.docType.score }, model: u.model });
    r.audit({
      actor: PIPELINE_ACTOR,
      event: 'document.routed',
      documentSha256: doc.sha256,
      data: {
        documentId: doc.id,
        action: u.route.action,
        reasons: u.route.reasons,
        qaSampled: u.route.qaSampled,
        fields: Object.fromEntries(Object.entries(u.fields).map(([k, f]) => [k, { value: f.value, confidence: f.confidence }])),
        rules: u.rules.map((x) => ({ id: x.id, passed: x.passed, ...(x.severity ? { severity: x.severity } : {}) })),
        ruleSetVersion: u.ruleSetVersion,
      },
      model: u.model,
      policyVersion: u.route.policyVersion,
    });
    if (u.route.action === 'review') {
      const taskId = r.tasks.create({
        documentId: doc.id,
        reasons: u.route.reasons,
        priority: u.route.qaSampled ? 0 : 1,
        policyVersion: u.route.policyVersion,
        batchApprovable: u.route.batchApprovable,
        qaSampled: u.route.qaSampled,
      });
      r.audit({ actor: PIPELINE_ACTOR, event: 'task.created', documentSha256: doc.sha256, data: { taskId, documentId: doc.id, reasons: u.route.reasons }, model: u.model, policyVersion: u.route.policyVersion });
    }
    r.audit({ actor: PIPELINE_ACTOR, event: 'document.processed', documentSha256: doc.sha256, data: { documentId: doc.id }, model: u.model, policyVersion: u.route.policyVersion });
  },
};
