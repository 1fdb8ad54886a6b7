import { z } from 'zod';

/** A box in page-relative coordinates: 0..1 of the page width and height, origin top-left. */
export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof BoxSchema>;

export const WordSchema = z.object({
  text: z.string(),
  box: BoxSchema,
  /** 0..1; 1 for words from a PDF's own text layer. */
  confidence: z.number(),
  /** Line index within the page, in reading order; words of one line share it. */
  line: z.number().int(),
});
export type Word = z.infer<typeof WordSchema>;

/** 'xml': a standalone e-invoice, whose one page is the text of its structured data. */
export const TextSourceSchema = z.enum(['pdf_text', 'ocr', 'xml']);
export type TextSource = z.infer<typeof TextSourceSchema>;

export const PageTextSchema = z.object({
  pageNo: z.number().int().min(1),
  /** Page size in points (PDF) or pixels (images), as the source gives it. */
  width: z.number(),
  height: z.number(),
  source: TextSourceSchema,
  engine: z.string(),
  words: z.array(WordSchema),
  /** Plain text in reading order, lines separated by "\n". */
  text: z.string(),
  /**
   * A second OCR reading of the same page (another layout analysis, or another engine), kept so
   * extraction can take each field from whichever reading supports it best. Boxes are in the same
   * page coordinates. `engine` ("name@version") names the other engine when one made it.
   */
  alternate: z.object({ words: z.array(WordSchema), text: z.string(), engine: z.string().optional() }).optional(),
  /** For OCR'd pages read by a model: its SHA-256 and the execution provider it ran on (e.g. "cpu", "cuda"). */
  ocrModel: z.object({ sha256: z.string(), executionProvider: z.string() }).optional(),
  /** How far the scan was turned clockwise to read it upright (0, 90, 180, 270), when the engine looks. */
  rotation: z.number().int().optional(),
});
export type PageText = z.infer<typeof PageTextSchema>;

export const DocTypeSchema = z.enum(['invoice', 'receipt', 'purchase_order', 'credit_note', 'bank_statement', 'other']);
export type DocType = z.infer<typeof DocTypeSchema>;

export const FieldNameSchema = z.enum([
  'vendor',
  'vendorAddress',
  'documentNumber',
  'issueDate',
  'dueDate',
  'total',
  'subtotal',
  'tax',
  'currency',
  'vendorTaxId',
  'iban',
  'poNumber',
]);
export type FieldName = z.infer<typeof FieldNameSchema>;

export const ExtractedFieldSchema = z.object({
  value: z.string(),
  confidence: z.number(),
  page: z.number().int().min(1).optional(),
  box: BoxSchema.optional(),
  /** What the raw text said before normalisation. */
  raw: z.string().optional(),
  /** generic | template:<name> | reviewer */
  source: z.string().optional(),
  /** Notes such as how a day/month ambiguity was resolved. */
  note: z.string().optional(),
  /** The extractor's own confidence when `confidence` is the calibrated one (see src-main/calibrate). */
  rawConfidence: z.number().optional(),
});
export type ExtractedField = z.infer<typeof ExtractedFieldSchema>;

export const LineItemSchema = z.object({
  description: z.string(),
  quantity: z.string().optional(),
  unitPrice: z.string().optional(),
  amount: z.string(),
  page: z.number().int().optional(),
});
export type LineItem = z.infer<typeof LineItemSchema>;

export const RuleResultSchema = z.object({
  id: z.string(),
  passed: z.boolean(),
  detail: z.string(),
  severity: z.enum(['info', 'warning', 'error']).optional(),
});
export type RuleResult = z.infer<typeof RuleResultSchema>;

export const RouteActionSchema = z.enum(['auto_approve', 'review', 'reject']);
export type RouteAction = z.infer<typeof RouteActionSchema>;

export const RouteSchema = z.object({
  action: RouteActionSchema,
  reasons: z.array(z.string()),
  policyVersion: z.string(),
});
export type Route = z.infer<typeof RouteSchema>;

export const ModelInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  executionProvider: z.string(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;
