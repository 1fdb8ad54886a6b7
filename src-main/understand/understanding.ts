import type { DocType, ExtractedField, LineItem, ModelInfo, PageText, Route, RuleResult } from '../../src-shared/document-model.ts';
import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';

/** What the understanding stages (classify, extract, rules, route) conclude about one document. */
export interface UnderstandingResult {
  docType: { label: DocType; score: number; scores: Record<string, number> };
  model: ModelInfo;
  fields: Record<string, ExtractedField>;
  lineItems: LineItem[];
  rules: RuleResult[];
  ruleSetVersion: string;
  route: Route & { qaSampled: boolean; batchApprovable: boolean };
  timingsMs: Record<string, number>;
}

export interface UnderstandingContext {
  documentId: number;
  sha256: string;
  /** Earlier documents with the same vendor and number, or the same content. */
  findDuplicates(q: { vendor?: string; documentNumber?: string; sha256: string }): { documentId: number; reason: string }[];
  vendorHistoryCount(vendor: string): number;
  /** The e-invoice XML the document carried (read or refused); absent or null when it had none. */
  einvoice?: EInvoiceRecord | null;
}

/** The understanding stages behind one interface, so the engine can run without a model (text only). */
export interface Understanding {
  readonly model: ModelInfo;
  readonly policyVersion: string;
  understand(pages: PageText[], ctx: UnderstandingContext): Promise<UnderstandingResult>;
  close(): Promise<void>;
}
