import { z } from 'zod';
import {
  DocTypeSchema,
  ExtractedFieldSchema,
  LineItemSchema,
  ModelInfoSchema,
  PageTextSchema,
  RouteSchema,
  RuleResultSchema,
  TextSourceSchema,
} from '../document-model.ts';
import { EInvoiceRecordSchema } from '../einvoice.ts';
import { ProcessResultSchema } from '../process-result.ts';
import { ErrorInfoSchema } from '../result.ts';
import { mutation, PageRequestSchema, query, SortSchema } from './define.ts';

export const DocumentStatusSchema = z.enum(['pending', 'processed', 'failed', 'duplicate']);
export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

export const DocumentSummarySchema = z.object({
  id: z.number().int(),
  fileName: z.string(),
  sha256: z.string(),
  mime: z.string().nullable(),
  sizeBytes: z.number().int(),
  status: DocumentStatusSchema,
  stage: z.string().nullable(),
  duplicateOf: z.number().int().nullable(),
  pageCount: z.number().int().nullable(),
  docType: DocTypeSchema.nullable(),
  docTypeScore: z.number().nullable(),
  vendor: z.string().nullable(),
  total: z.string().nullable(),
  currency: z.string().nullable(),
  routeAction: z.string().nullable(),
  error: ErrorInfoSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const StageRunSchema = z.object({
  stage: z.string(),
  status: z.enum(['ok', 'failed']),
  startedAt: z.string(),
  durationMs: z.number(),
  engine: z.string().nullable(),
  error: ErrorInfoSchema.nullable(),
});

export const DocumentDetailSchema = DocumentSummarySchema.extend({
  sourcePath: z.string().nullable(),
  textSource: TextSourceSchema.nullable(),
  textEngine: z.string().nullable(),
  pages: z.array(PageTextSchema),
  fields: z.record(z.string(), ExtractedFieldSchema),
  lineItems: z.array(LineItemSchema),
  rules: z.array(RuleResultSchema),
  route: RouteSchema.nullable(),
  model: ModelInfoSchema.nullable(),
  stageRuns: z.array(StageRunSchema),
  /** The e-invoice XML the document carried (standalone, or attached to its PDF); null when none. */
  einvoice: EInvoiceRecordSchema.nullable().optional(),
  /** The fields the policy marks sensitive: screens and exports mask their values unless asked. */
  sensitiveFields: z.array(z.string()),
});
export type DocumentDetail = z.infer<typeof DocumentDetailSchema>;

export const documentsContract = {
  'documents.process': mutation(
    'Ingest files and folders (by path on this machine) and run the pipeline on each; results in input order.',
    z.object({ paths: z.array(z.string().min(1)).min(1), actor: z.string().default('clerk') }),
    z.object({ results: z.array(ProcessResultSchema) }),
  ),
  'documents.upload': mutation(
    'Ingest documents sent as bytes (drag and drop in the UI) and run the pipeline on each.',
    z.object({
      files: z.array(z.object({ name: z.string().min(1).max(255), dataBase64: z.string() })).min(1).max(100),
      actor: z.string().default('clerk'),
    }),
    z.object({ results: z.array(ProcessResultSchema) }),
  ),
  'documents.list': query(
    'List documents, paged, filtered and sorted.',
    PageRequestSchema.extend({
      status: DocumentStatusSchema.optional(),
      docType: DocTypeSchema.optional(),
      routeAction: z.string().optional(),
      search: z.string().max(200).optional(),
      sort: SortSchema(['createdAt', 'fileName', 'status', 'docType', 'total']).optional(),
    }),
    z.object({ items: z.array(DocumentSummarySchema), total: z.number().int() }),
  ),
  'documents.get': query(
    'One document with its pages, words and boxes, fields, rules, route and stage runs.',
    z.object({ id: z.number().int() }),
    DocumentDetailSchema,
  ),
  'documents.pageImage': query(
    'A page rendered as a PNG (base64), at most maxWidth pixels wide.',
    z.object({ id: z.number().int(), page: z.number().int().min(1), maxWidth: z.number().int().min(50).max(4000).default(1200) }),
    z.object({ mime: z.literal('image/png'), dataBase64: z.string(), width: z.number().int(), height: z.number().int() }),
  ),
  'documents.text': query(
    'The extracted text of a document, pages separated by form feeds.',
    z.object({ id: z.number().int() }),
    z.object({ text: z.string() }),
  ),
};
