import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldName, PageText } from '../../src-shared/document-model.ts';
import { calibrateFields, loadPolicyCalibration, textSourceOf, type Calibration } from '../calibrate/field-calibration.ts';
import { loadClassifier, type DocClassifier } from '../classify/classifier.ts';
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
  executionProviders?: string[];
  /** The classifier reads the first pages only: a document's type shows at its start. */
  classifyPages?: number;
  /** Field calibration: null keeps raw confidences (for refitting); absent, the one the policy names. */
  calibration?: Calibration | null;
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
    const text = pages
      .slice(0, this.classifyPages)
      .map((p) => p.text)
      .join('\n');
    const [cls] = await this.classifier.classify([text]);
    timings.classify = performance.now() - t;

    t = performance.now();
    const extracted = extractWithReadings(pages, { docType: cls!.label, templates: this.templates });
    const extraction = this.calibration ? { ...extracted, fields: calibrateFields(extracted.fields, this.calibration, textSourceOf(pages)) } : extracted;
    timings.extract = performance.now() - t;

    t = performance.now();
    const allText = pages.map((p) => p.text).join('\n');
    const rules = evaluateRules({ docType: cls!.label, fields: extraction.fields, lineItems: extraction.lineItems, sha256: ctx.sha256, text: allText }, this.ruleSet, {
      now: new Date(),
      findDuplicates: (q) => ctx.findDuplicates(q).map((d) => ({ documentId: String(d.documentId), reason: d.reason })),
    });
    timings.rules = performance.now() - t;

    t = performance.now();
    const vendor = extraction.fields.vendor?.value;
    const route = routeDocument(
      { docType: cls!.label, docTypeScore: cls!.score, fields: extraction.fields, rules, vendorHistoryCount: vendor ? ctx.vendorHistoryCount(vendor) : 0 },
      this.policy,
      rngForDocument(ctx.sha256, this.policy.version),
    );
    timings.route = performance.now() - t;

    const fields: UnderstandingResult['fields'] = {};
    for (const [k, f] of Object.entries(extraction.fields) as [FieldName, NonNullable<(typeof extraction.fields)[FieldName]>][]) {
      fields[k] = extraction.template && !f.source ? { ...f, source: `template:${extraction.template}` } : f;
    }
    return {
      docType: cls!,
      model: this.classifier.model,
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

/**
 * GPU first where this install can load it: onnxruntime-node lists CUDA even where its provider
 * library was never installed, and trying it then only prints a native error before falling back.
 */
export function defaultExecutionProviders(): string[] {
  const require = createRequire(import.meta.url);
  try {
    const dir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    if (fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'))) return ['cuda', 'cpu'];
    if (process.platform === 'win32' && fs.existsSync(path.join(dir, 'DirectML.dll'))) return ['dml', 'cpu'];
  } catch {
    // not resolvable: CPU it is
  }
  return ['cpu'];
}

export async function loadUnderstanding(config: UnderstandingConfig): Promise<PipelineUnderstanding> {
  const [classifier, templates] = await Promise.all([
    loadClassifier(config.modelDir, { quantized: config.quantized ?? true, executionProviders: config.executionProviders ?? defaultExecutionProviders() }),
    loadTemplates(config.templatesDir),
  ]);
  const policy = loadPolicy(config.policyFile);
  return new PipelineUnderstanding(classifier, policy, loadRuleSet(config.rulesFile), templates, config.classifyPages, config.calibration !== undefined ? config.calibration : loadPolicyCalibration(config.policyFile, policy));
}

export function loadBundledUnderstanding(overrides: Partial<UnderstandingConfig> = {}): Promise<PipelineUnderstanding> {
  return loadUnderstanding({ ...BUNDLED, ...overrides });
}
