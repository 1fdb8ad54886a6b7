import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocType, FieldName, PageText } from '../../src-shared/document-model.ts';
import { calibrateFields, loadPolicyCalibration, textSourceOf, type Calibration } from '../calibrate/field-calibration.ts';
import { loadClassifier, type DocClassifier } from '../classify/classifier.ts';
import { candidateProviders, executionProviderSetting, type ExecutionProvider } from '../ml/execution-providers.ts';
import { understandEInvoice } from '../einvoice/understand-einvoice.ts';
import { reconcileCreditNote } from '../classify/credit-note-title.ts';
import { loadTemplates, type VendorTemplate } from '../extract/extract-document.ts';
import { extractWithReadings } from '../extract/merge-readings.ts';
import { evaluateRules, loadRuleSet, type RuleSet } from '../rules/evaluate-rules.ts';
import { loadPolicy, type Policy } from '../route/policy.ts';
import { routeDocument } from '../route/route-document.ts';
import { rngForDocument } from './seeded-rng.ts';
import type { Understanding, UnderstandingContext, UnderstandingResult } from './understanding.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const BUNDLED = {
  modelDir: path.join(ROOT, 'models', 'doc-classifier'),
  policyFile: path.join(ROOT, 'resources', 'policies', 'default.yaml'),
  rulesFile: path.join(ROOT, 'resources', 'rules', 'default.yaml'),
  templatesDir: path.join(ROOT, 'resources', 'templates'),
};

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
  /** A classifier already loaded (an installed model package, or a rollout of two); otherwise loaded from modelDir. */
  classifier?: DocClassifier;
}

/** Classify → extract → rules → route, with the model, rule set, templates and policy loaded once. */
export class PipelineUnderstanding implements Understanding {
  constructor(
    private readonly classifier: DocClassifier,
    private readonly policy: Policy,
    private readonly ruleSet: RuleSet,
    private readonly templates: VendorTemplate[],
    private readonly classifyPages = 2,
    /** Field calibration the policy's thresholds were set against; null keeps raw confidences. */
    private readonly calibration: Calibration | null = null,
  ) {}

  get model() {
    return this.classifier.model;
  }

  get policyVersion() {
    return this.policy.version;
  }

  async understand(pages: PageText[], ctx: UnderstandingContext): Promise<UnderstandingResult> {
    const timings: Record<string, number> = {};
    let t = performance.now();
    const record = ctx.einvoice;
    // An e-invoice whose XML was read: the XML gives type and fields, the page only cross-checks them.
    const einvoice = record?.invoice ? understandEInvoice({ ...record, invoice: record.invoice }, pages, this.templates) : null;
    if (einvoice) timings.extract = performance.now() - t;
    let cls: { label: DocType; score: number; scores: Record<string, number> };
    let servedModel = this.classifier.model;
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
      // A credit-note title outranks the model's "invoice" (see credit-note-title.ts); the note is not part of the result.
      const { note: _titled, ...reconciled } = reconcileCreditNote(raw!, text);
      cls = reconciled;
      timings.classify = performance.now() - t;
    }

    t = performance.now();
    const extracted = einvoice
      ? { fields: einvoice.fields, lineItems: einvoice.lineItems, template: undefined }
      : extractWithReadings(pages, { docType: cls.label, templates: this.templates });
    // Calibration maps what the page reader's confidence means; fields read from e-invoice XML are not guesses.
    const extraction = this.calibration && !einvoice ? { ...extracted, fields: calibrateFields(extracted.fields, this.calibration, textSourceOf(pages)) } : extracted;
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
      this.ruleSet,
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
      this.policy,
      rngForDocument(ctx.sha256, this.policy.version),
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
      ruleSetVersion: this.ruleSet.version,
      route: { action: route.action, reasons: route.reasons, policyVersion: route.policyVersion, qaSampled: route.qaSampled, batchApprovable: route.batchApprovable },
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
  return new PipelineUnderstanding(classifier, policy, loadRuleSet(config.rulesFile), templates, config.classifyPages, config.calibration !== undefined ? config.calibration : loadPolicyCalibration(config.policyFile, policy));
}

export function loadBundledUnderstanding(overrides: Partial<UnderstandingConfig> = {}): Promise<PipelineUnderstanding> {
  return loadUnderstanding({ ...BUNDLED, ...overrides });
}
