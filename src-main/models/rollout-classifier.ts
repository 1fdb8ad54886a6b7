import { createHash } from 'node:crypto';
import type { ModelInfo } from '../../src-shared/document-model.ts';
import type { Classification, DocClassifier } from '../classify/classifier.ts';
import type { ModelRun } from '../store/model-repo.ts';

export interface RolloutPlan {
  rolloutId: number | null;
  stage: 'shadow' | 'canary';
  /** In canary, the share of documents (0..100) the candidate routes; the draw is fixed per document. */
  canaryPercent: number;
}

/** Which share bucket (0..99) a document falls in for a rollout: the same document always draws the same. */
export function canaryBucket(sha256: string, rolloutId: number | null): number {
  return createHash('sha256').update(`${rolloutId ?? 0}:${sha256}`).digest().readUInt32BE(0) % 100;
}

/**
 * The stable model and a candidate side by side. Both run on every document; in shadow the stable
 * model's label routes and the candidate's is only recorded, in canary the candidate routes the share
 * of documents the plan gives it. Each run is recorded (`recordRun`) for the rollout metrics.
 */
export class RolloutClassifier implements DocClassifier {
  constructor(
    private readonly stable: DocClassifier,
    private readonly candidate: DocClassifier,
    private readonly plan: RolloutPlan,
    private readonly recordRun: (run: ModelRun) => void,
  ) {}

  get model(): ModelInfo {
    return this.stable.model;
  }

  classify(texts: string[]): Promise<Classification[]> {
    return this.stable.classify(texts);
  }

  async classifyDocument(text: string, doc: { documentId: number; sha256: string }): Promise<{ classification: Classification; model: ModelInfo }> {
    const [[s], [c]] = await Promise.all([this.stable.classify([text]), this.candidate.classify([text])]);
    const servedBy = this.plan.stage === 'canary' && canaryBucket(doc.sha256, this.plan.rolloutId) < this.plan.canaryPercent ? 'candidate' : 'stable';
    this.recordRun({
      documentId: doc.documentId,
      task: 'doc-classifier',
      rolloutId: this.plan.rolloutId,
      servedBy,
      stableVersion: this.stable.model.version,
      stableLabel: s!.label,
      candidateVersion: this.candidate.model.version,
      candidateLabel: c!.label,
    });
    return servedBy === 'candidate' ? { classification: c!, model: this.candidate.model } : { classification: s!, model: this.stable.model };
  }

  async close(): Promise<void> {
    await Promise.all([this.stable.close(), this.candidate.close()]);
  }
}
