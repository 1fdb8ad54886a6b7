import type { DocType, FieldName, PageText } from '../../src-shared/document-model.ts';
import { calibrateFields, loadPolicyCalibration, textSourceOf, type Calibration } from '../../src-common/routing/field-calibration.ts';
import { loadClassifier, type DocClassifier } from '../classify/classifier.ts';
import { candidateProviders, executionProviderSetting, type ExecutionProvider } from '../ml/execution-providers.ts';
import { understandEInvoice } from '../einvoice/understand-einvoice.ts';
import { reconcileDocType } from '../classify/reconcile-doc-type.ts';
import { loadTemplates } from '../extract/extract-document.ts';
import { extractWithReadings } from '../extract/merge-readings.ts';
import { evaluateRules, loadRuleSet } from '../rules/evaluate-rules.ts';
import { loadPolicy } from '../route/policy.ts';
import { routeDocument } from '../../src-common/routing/route-document.ts';
import type { RoutingConfig } from '../config/active-config.ts';
import { rngForDocument } from '../../src-common/routing/seeded-rng.ts';
import type { Understanding, UnderstandingContext, UnderstandingResult } from './understanding.ts';

export { BUNDLED } from './bundled-paths.ts';
import { BUNDLED } from './bundled-paths.ts';

export interface UnderstandingConfig {
  modelDir: string;
  policyFile: string;
  rulesFile: string;
  templatesDir: string;
  quantized?: boolean;
  executionProviders?: ExecutionProvider[];
  /** The classifier reads the first pages only: a document's type shows at its start. */
  classifyPages?: number;
  /** Field calibration: null keeps raw confidences (for refitting); absent, the one the policy names. */
  calibration?: Calibration | null;
  /** What routes each document, given the files above (the engine: what the hub assigned, else these). */
  routingConfig?: (bundled: RoutingConfig) => () => RoutingConfig;
  /** A classifier already loaded (an installed model package, or a rollout of two); otherwise loaded from modelDir. */
  classifier?: DocClassifier;
}

/** Classify → extract → rules → route, with the model, rule set, templates and policy loaded once. */
export class PipelineUnderstanding implements Understanding {
  constructor(
    private readonly classifier: DocClassifier,
    /** Policy, rule set, templates and calibration: read once per document, so a switch is atomic. */
    private readonly routingConfig: () => RoutingConfig,
    private readonly classifyPages = 2,
  ) {}

  get model() {
    return this.classifier.model;
  }

  get policyVersion() {
    return this.routingConfig().policy.version;
  }

  async understand(pages: PageText[], ctx: UnderstandingContext): Promise<UnderstandingResult> {
    const c = this.routingConfig();
    const timings: Record<string, number> = {};
    let t = performance.now();
    const record = ctx.einvoice;
    // An e-invoice whose XML was read: the XML gives type and fields, the page only cross-checks them.
    const einvoice = record?.invoice ? understandEInvoice({ ...record, invoice: record.invoice }, pages, c.templates) : null;
    if (einvoice) timings.extract = performance.now() - t;
    let cls: { label: DocType; score: number; scores: Record<string, number> };
    let servedModel = this.classifier.model;
    let typeNote: string | undefined;
    if (einvoice) {
      cls = einvoice.docType;
    } else {
      const text = pages
        .slice(0, this.classifyPages)
        .map((p) => p.text)
        .join('\n');
      const served = this.classifier.classifyDocument
        ? await this.classifier.classifyDocument(text, { documentId: ctx.documentId, sha256: ctx.sha256 })
        : { classification: (await this.classifier.classify([text]))[0]!, model: this.classifier.model };
      servedModel = served.model;
      const raw = served.classification;
      // The page's own words outrank the model where they contradict it plainly (reconcile-doc-type.ts); the reviewer is told why.
      const { note, ...reconciled } = reconcileDocType(raw!, text);
      cls = reconciled;
      if (note) typeNote = `typed ${reconciled.label.replace('_', ' ')} from the page's own words (${note}); the model said ${raw!.label.replace('_', ' ')} at ${raw!.score.toFixed(2)}`;
      timings.classify = performance.now() - t;
    }

    t = performance.now();
    const extracted = einvoice
      ? { fields: einvoice.fields, lineItems: einvoice.lineItems, template: undefined }
      : extractWithReadings(pages, { docType: cls.label, templates: c.templates });
    // Calibration maps what the page reader's confidence means; fields read from e-invoice XML are not guesses.
    const extraction = c.calibration && !einvoice ? { ...extracted, fields: calibrateFields(extracted.fields, c.calibration, textSourceOf(pages)) } : extracted;
    if (!einvoice) timings.extract = performance.now() - t;

    t = performance.now();
    const rules = evaluateRules(
      {
        docType: cls.label,
        fields: extraction.fields,
        lineItems: extraction.lineItems,
        sha256: ctx.sha256,
        text: pages.map((p) => p.text).join('\n'),
        ...(record ? { einvoice: { record, comparisons: einvoice?.comparisons ?? null } } : {}),
      },
      c.ruleSet,
      {
        now: new Date(),
        findDuplicates: (q) => ctx.findDuplicates(q).map((d) => ({ documentId: String(d.documentId), reason: d.reason })),
      },
    );
    timings.rules = performance.now() - t;

    t = performance.now();
    const vendor = extraction.fields.vendor?.value;
    const route = routeDocument(
      { docType: cls.label, docTypeScore: cls.score, fields: extraction.fields, rules, vendorHistoryCount: vendor ? ctx.vendorHistoryCount(vendor) : 0 },
      c.policy,
      rngForDocument(ctx.sha256, c.policy.version),
    );
    timings.route = performance.now() - t;

    const fields: UnderstandingResult['fields'] = {};
    for (const [k, f] of Object.entries(extraction.fields) as [FieldName, NonNullable<(typeof extraction.fields)[FieldName]>][]) {
      fields[k] = extraction.template && !f.source ? { ...f, source: `template:${extraction.template}` } : f;
    }
    return {
      docType: cls,
      model: servedModel,
      fields,
      lineItems: extraction.lineItems,
      rules: rules.map((r) => ({ id: r.id, passed: r.passed, detail: r.detail, severity: r.severity })),
      ruleSetVersion: c.ruleSet.version,
      route: { action: route.action, reasons: typeNote ? [...route.reasons, typeNote] : route.reasons, policyVersion: route.policyVersion, qaSampled: route.qaSampled, batchApprovable: route.batchApprovable },
      timingsMs: timings,
    };
  }

  close(): Promise<void> {
    return this.classifier.close();
  }
}

/** The setting's providers (COUNTERSIGN_EXECUTION_PROVIDER, else the platform's GPU path where installed), CPU last. */
export function defaultExecutionProviders(): ExecutionProvider[] {
  return candidateProviders(executionProviderSetting());
}

export async function loadUnderstanding(config: UnderstandingConfig): Promise<PipelineUnderstanding> {
  const [classifier, templates] = await Promise.all([
    config.classifier ??
    loadClassifier(config.modelDir, {
      quantized: config.quantized ?? true,
      executionProviders: config.executionProviders ?? defaultExecutionProviders(),
      onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
    }),
    loadTemplates(config.templatesDir),
  ]);
  const policy = loadPolicy(config.policyFile);
  const bundled: RoutingConfig = {
    policy,
    ruleSet: loadRuleSet(config.rulesFile),
    templates,
    calibration: config.calibration !== undefined ? config.calibration : loadPolicyCalibration(config.policyFile, policy),
  };
  return new PipelineUnderstanding(classifier, config.routingConfig ? config.routingConfig(bundled) : () => bundled, config.classifyPages);
}

export function loadBundledUnderstanding(overrides: Partial<UnderstandingConfig> = {}): Promise<PipelineUnderstanding> {
  return loadUnderstanding({ ...BUNDLED, ...overrides });
}
