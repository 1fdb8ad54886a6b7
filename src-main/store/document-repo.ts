import type { DocumentDetail, DocumentSummary } from '../../src-shared/contract/documents.ts';
import type { DocType, ExtractedField, LineItem, ModelInfo, PageText, Route, RuleResult, Word } from '../../src-shared/document-model.ts';
import type { Db } from './database.ts';
import { EInvoiceRepo } from './einvoice-repo.ts';
import { likeContains, Where } from './where.ts';

type DocumentRow = {
  id: number;
  sha256: string | null;
  file_name: string;
  source_path: string | null;
  mime: string | null;
  size_bytes: number;
  status: 'pending' | 'processed' | 'failed' | 'duplicate';
  stage: string | null;
  duplicate_of: number | null;
  page_count: number | null;
  text_source: 'pdf_text' | 'ocr' | null;
  text_engine: string | null;
  char_count: number | null;
  doc_type: DocType | null;
  doc_type_score: number | null;
  route_action: string | null;
  route_reasons: string | null;
  policy_version: string | null;
  model_json: string | null;
  timings_json: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
};

/** A document as recorded: what it is, how far the pipeline got, and what it concluded. */
export type StoredDocument = {
  id: number;
  sha256: string | null;
  fileName: string;
  sourcePath: string | null;
  mime: string | null;
  sizeBytes: number;
  status: DocumentRow['status'];
  stage: string | null;
  duplicateOf: number | null;
  pageCount: number | null;
  textSource: 'pdf_text' | 'ocr' | null;
  textEngine: string | null;
  charCount: number | null;
  docType: DocType | null;
  docTypeScore: number | null;
  route: Route | null;
  model: ModelInfo | null;
  timingsMs: Record<string, number> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
};

function toStored(r: DocumentRow): StoredDocument {
  return {
    id: r.id,
    sha256: r.sha256,
    fileName: r.file_name,
    sourcePath: r.source_path,
    mime: r.mime,
    sizeBytes: r.size_bytes,
    status: r.status,
    stage: r.stage,
    duplicateOf: r.duplicate_of,
    pageCount: r.page_count,
    textSource: r.text_source,
    textEngine: r.text_engine,
    charCount: r.char_count,
    docType: r.doc_type,
    docTypeScore: r.doc_type_score,
    route: r.route_action ? { action: r.route_action as Route['action'], reasons: JSON.parse(r.route_reasons ?? '[]') as string[], policyVersion: r.policy_version ?? '' } : null,
    model: r.model_json ? (JSON.parse(r.model_json) as ModelInfo) : null,
    timingsMs: r.timings_json ? (JSON.parse(r.timings_json) as Record<string, number>) : null,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const now = () => new Date().toISOString();

/** All SQL about documents and what the pipeline recorded for them. Callers own the transactions (the write door). */
export class DocumentRepo {
  private readonly einvoices: EInvoiceRepo;

  constructor(private readonly db: Db) {
    this.einvoices = new EInvoiceRepo(db);
  }

  byId(id: number): StoredDocument | undefined {
    const r = this.db.prepare<[number], DocumentRow>('SELECT * FROM documents WHERE id = ?').get(id);
    return r && toStored(r);
  }

  originalBySha(sha256: string): StoredDocument | undefined {
    const r = this.db.prepare<[string], DocumentRow>(`SELECT * FROM documents WHERE sha256 = ? AND status != 'duplicate'`).get(sha256);
    return r && toStored(r);
  }

  pending(): StoredDocument[] {
    return this.db.prepare<[], DocumentRow>(`SELECT * FROM documents WHERE status = 'pending' ORDER BY id`).all().map(toStored);
  }

  summary(id: number): DocumentSummary | undefined {
    const d = this.byId(id);
    return d && this.toSummary(d);
  }

  /** Everything recorded about a document, for its screen (without the policy's sensitive fields, which the caller knows). */
  detail(id: number): Omit<DocumentDetail, 'sensitiveFields'> | undefined {
    const d = this.byId(id);
    if (!d) return undefined;
    return {
      ...this.toSummary(d),
      sourcePath: d.sourcePath,
      textSource: d.textSource,
      textEngine: d.textEngine,
      pages: this.pages(id),
      fields: this.fields(id),
      lineItems: this.lineItems(id),
      rules: this.rules(id),
      route: d.route,
      model: d.model,
      stageRuns: this.stageRuns(id),
      einvoice: this.einvoices.forDocument(id),
    };
  }

  insert(d: { sha256: string | null; fileName: string; sourcePath: string | null; mime: string | null; sizeBytes: number; status: DocumentRow['status']; stage: string | null; duplicateOf?: number | null; error?: { code: string; message: string } | null }): number {
    const t = now();
    const r = this.db
      .prepare(
        `INSERT INTO documents (sha256, file_name, source_path, mime, size_bytes, status, stage, duplicate_of, error_code, error_message, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.sha256, d.fileName, d.sourcePath, d.mime, d.sizeBytes, d.status, d.stage, d.duplicateOf ?? null, d.error?.code ?? null, d.error?.message ?? null, t, t);
    return Number(r.lastInsertRowid);
  }

  setFailed(id: number, error: { code: string; message: string }, timings: Record<string, number>): void {
    this.db
      .prepare(`UPDATE documents SET status = 'failed', stage = NULL, error_code = ?, error_message = ?, timings_json = ?, updated_at = ? WHERE id = ?`)
      .run(error.code, error.message, JSON.stringify(timings), now(), id);
  }

  saveText(id: number, pages: PageText[], source: string, engine: string, nextStage: string | null, timings: Record<string, number>): void {
    const insPage = this.db.prepare('INSERT OR REPLACE INTO pages (document_id, page_no, width, height, source, engine, text, alternate_json, ocr_model_sha256, execution_provider, rotation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insWord = this.db.prepare('INSERT OR REPLACE INTO words (document_id, page_no, idx, text, x0, y0, x1, y1, confidence, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    let chars = 0;
    for (const p of pages) {
      insPage.run(id, p.pageNo, p.width, p.height, p.source, p.engine, p.text, p.alternate ? JSON.stringify(p.alternate) : null, p.ocrModel?.sha256 ?? null, p.ocrModel?.executionProvider ?? null, p.rotation ?? null);
      p.words.forEach((w, i) => insWord.run(id, p.pageNo, i, w.text, w.box[0], w.box[1], w.box[2], w.box[3], w.confidence, w.line));
      chars += p.text.length;
    }
    this.db
      .prepare(`UPDATE documents SET page_count = ?, text_source = ?, text_engine = ?, char_count = ?, stage = ?, timings_json = ?, updated_at = ? WHERE id = ?`)
      .run(pages.length, source, engine, chars, nextStage, JSON.stringify(timings), now(), id);
  }

  pages(id: number): PageText[] {
    const pages = this.db
      .prepare<
        [number],
        {
          page_no: number;
          width: number;
          height: number;
          source: 'pdf_text' | 'ocr';
          engine: string;
          text: string;
          alternate_json: string | null;
          ocr_model_sha256: string | null;
          execution_provider: string | null;
          rotation: number | null;
        }
      >(
        'SELECT page_no, width, height, source, engine, text, alternate_json, ocr_model_sha256, execution_provider, rotation FROM pages WHERE document_id = ? ORDER BY page_no',
      )
      .all(id);
    const words = this.db
      .prepare<[number], { page_no: number; text: string; x0: number; y0: number; x1: number; y1: number; confidence: number; line: number }>(
        'SELECT page_no, text, x0, y0, x1, y1, confidence, line FROM words WHERE document_id = ? ORDER BY page_no, idx',
      )
      .all(id);
    const byPage = new Map<number, Word[]>();
    for (const w of words) {
      const list = byPage.get(w.page_no) ?? [];
      list.push({ text: w.text, box: [w.x0, w.y0, w.x1, w.y1], confidence: w.confidence, line: w.line });
      byPage.set(w.page_no, list);
    }
    return pages.map((p) => ({
      pageNo: p.page_no,
      width: p.width,
      height: p.height,
      source: p.source,
      engine: p.engine,
      text: p.text,
      words: byPage.get(p.page_no) ?? [],
      ...(p.alternate_json ? { alternate: JSON.parse(p.alternate_json) as NonNullable<PageText['alternate']> } : {}),
      ...(p.ocr_model_sha256 ? { ocrModel: { sha256: p.ocr_model_sha256, executionProvider: p.execution_provider ?? '' } } : {}),
      ...(p.rotation !== null ? { rotation: p.rotation } : {}),
    }));
  }

  addStageRun(id: number, run: { stage: string; status: 'ok' | 'failed'; startedAt: string; durationMs: number; engine?: string | null; error?: { code: string; message: string } | null }): void {
    this.db
      .prepare('INSERT INTO stage_runs (document_id, stage, status, started_at, duration_ms, engine, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, run.stage, run.status, run.startedAt, run.durationMs, run.engine ?? null, run.error?.code ?? null, run.error?.message ?? null);
  }

  saveUnderstanding(
    id: number,
    u: { docType: { label: DocType; score: number; scores: Record<string, number> }; model: ModelInfo; fields: Record<string, ExtractedField>; lineItems: LineItem[]; rules: RuleResult[]; ruleSetVersion: string; route: Route },
    timings: Record<string, number>,
  ): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO predictions (document_id, kind, label, score, scores_json, model_name, model_version, model_sha256, execution_provider, policy_version, created_at)
         VALUES (?, 'doc_type', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, u.docType.label, u.docType.score, JSON.stringify(u.docType.scores), u.model.name, u.model.version, u.model.sha256, u.model.executionProvider, u.route.policyVersion, t);
    const insField = this.db.prepare(
      'INSERT INTO extractions (document_id, field, value, raw_value, confidence, page_no, box_json, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [name, f] of Object.entries(u.fields)) {
      insField.run(id, name, f.value, f.raw ?? null, f.confidence, f.page ?? null, f.box ? JSON.stringify(f.box) : null, f.source ?? 'generic', f.note ?? null, t);
    }
    const insItem = this.db.prepare('INSERT OR REPLACE INTO line_items (document_id, idx, description, quantity, unit_price, amount, page_no) VALUES (?, ?, ?, ?, ?, ?, ?)');
    u.lineItems.forEach((li, i) => insItem.run(id, i, li.description, li.quantity ?? null, li.unitPrice ?? null, li.amount, li.page ?? null));
    const insRule = this.db.prepare('INSERT INTO rule_results (document_id, rule_id, rule_set_version, passed, severity, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const r of u.rules) insRule.run(id, r.id, u.ruleSetVersion, r.passed ? 1 : 0, r.severity ?? null, r.detail, t);
    this.db
      .prepare(
        `UPDATE documents SET status = 'processed', stage = NULL, doc_type = ?, doc_type_score = ?, route_action = ?, route_reasons = ?, policy_version = ?, model_json = ?, timings_json = ?, updated_at = ? WHERE id = ?`,
      )
      .run(u.docType.label, u.docType.score, u.route.action, JSON.stringify(u.route.reasons), u.route.policyVersion, JSON.stringify(u.model), JSON.stringify(timings), t, id);
  }

  markProcessed(id: number, timings: Record<string, number>): void {
    this.db.prepare(`UPDATE documents SET status = 'processed', stage = NULL, timings_json = ?, updated_at = ? WHERE id = ?`).run(JSON.stringify(timings), now(), id);
  }

  /** Current field values: the latest non-superseded extraction per field (reviewer corrections win). */
  fields(id: number): Record<string, ExtractedField> {
    const rows = this.db
      .prepare<[number], { field: string; value: string; raw_value: string | null; confidence: number; page_no: number | null; box_json: string | null; source: string; note: string | null }>(
        'SELECT field, value, raw_value, confidence, page_no, box_json, source, note FROM current_fields WHERE document_id = ? ORDER BY id',
      )
      .all(id);
    const out: Record<string, ExtractedField> = {};
    for (const r of rows) {
      const f: ExtractedField = { value: r.value, confidence: r.confidence, source: r.source };
      if (r.page_no != null) f.page = r.page_no;
      if (r.box_json) f.box = JSON.parse(r.box_json) as ExtractedField['box'];
      if (r.raw_value != null) f.raw = r.raw_value;
      if (r.note != null) f.note = r.note;
      out[r.field] = f;
    }
    return out;
  }

  lineItems(id: number): LineItem[] {
    return this.db
      .prepare<[number], { description: string; quantity: string | null; unit_price: string | null; amount: string; page_no: number | null }>(
        'SELECT description, quantity, unit_price, amount, page_no FROM line_items WHERE document_id = ? ORDER BY idx',
      )
      .all(id)
      .map((r) => ({ description: r.description, amount: r.amount, ...(r.quantity ? { quantity: r.quantity } : {}), ...(r.unit_price ? { unitPrice: r.unit_price } : {}), ...(r.page_no ? { page: r.page_no } : {}) }));
  }

  rules(id: number): RuleResult[] {
    return this.db
      .prepare<[number], { rule_id: string; passed: number; severity: string | null; detail: string }>('SELECT rule_id, passed, severity, detail FROM rule_results WHERE document_id = ? ORDER BY id')
      .all(id)
      .map((r) => ({ id: r.rule_id, passed: r.passed === 1, detail: r.detail, ...(r.severity ? { severity: r.severity as RuleResult['severity'] } : {}) }));
  }

  stageRuns(id: number): DocumentDetail['stageRuns'] {
    return this.db
      .prepare<[number], { stage: string; status: 'ok' | 'failed'; started_at: string; duration_ms: number; engine: string | null; error_code: string | null; error_message: string | null }>(
        'SELECT * FROM stage_runs WHERE document_id = ? ORDER BY id',
      )
      .all(id)
      .map((r) => ({
        stage: r.stage,
        status: r.status,
        startedAt: r.started_at,
        durationMs: r.duration_ms,
        engine: r.engine,
        error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
      }));
  }

  findDuplicates(q: { vendor?: string; documentNumber?: string; sha256: string; excludeId: number }): { documentId: number; reason: string }[] {
    const out: { documentId: number; reason: string }[] = [];
    if (q.vendor && q.documentNumber) {
      const rows = this.db
        .prepare<[string, string, number], { id: number; file_name: string }>(
          `SELECT d.id, d.file_name FROM documents d
           JOIN current_fields v ON v.document_id = d.id AND v.field = 'vendor' AND lower(v.value) = lower(?)
           JOIN current_fields n ON n.document_id = d.id AND n.field = 'documentNumber' AND lower(n.value) = lower(?)
           WHERE d.id != ? AND d.status = 'processed'`,
        )
        .all(q.vendor, q.documentNumber, q.excludeId);
      for (const r of rows) out.push({ documentId: r.id, reason: `same vendor and number as document ${r.id} (${r.file_name})` });
    }
    return out;
  }

  vendorHistoryCount(vendor: string, excludeId: number): number {
    return (
      this.db
        .prepare<[string, number], { n: number }>(
          `SELECT count(DISTINCT document_id) AS n FROM current_fields WHERE field = 'vendor' AND lower(value) = lower(?) AND document_id != ?`,
        )
        .get(vendor, excludeId)?.n ?? 0
    );
  }

  private toSummary(d: StoredDocument): DocumentSummary {
    const fields = d.status === 'processed' ? this.fields(d.id) : {};
    return {
      id: d.id,
      fileName: d.fileName,
      sha256: d.sha256 ?? '',
      mime: d.mime,
      sizeBytes: d.sizeBytes,
      status: d.status,
      stage: d.stage,
      duplicateOf: d.duplicateOf,
      pageCount: d.pageCount,
      docType: d.docType,
      docTypeScore: d.docTypeScore,
      vendor: fields.vendor?.value ?? null,
      total: fields.total?.value ?? null,
      currency: fields.currency?.value ?? null,
      routeAction: d.route?.action ?? null,
      error: d.error,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
  }

  list(q: { offset: number; limit: number; status?: string; docType?: string; routeAction?: string; search?: string; sort?: { field: string; direction: 'asc' | 'desc' } }): { items: DocumentSummary[]; total: number } {
    const where = new Where()
      .when(q.status, 'status = @status', 'status')
      .when(q.docType, 'doc_type = @docType', 'docType')
      .when(q.routeAction, 'route_action = @routeAction', 'routeAction')
      .when(q.search, `(file_name LIKE @search ESCAPE '\\' OR sha256 LIKE @search ESCAPE '\\')`, 'search', likeContains);
    const w = where.sql;
    const params = where.params;
    const sortCol = { createdAt: 'id', fileName: 'file_name', status: 'status', docType: 'doc_type', total: 'total_num' }[q.sort?.field ?? 'createdAt'] ?? 'id';
    const dir = q.sort?.direction === 'asc' ? 'ASC' : 'DESC';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM documents ${w}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare<Record<string, unknown>, DocumentRow>(
        `SELECT documents.*, (SELECT CAST(value AS REAL) FROM current_fields c WHERE c.document_id = documents.id AND c.field = 'total') AS total_num
         FROM documents ${w} ORDER BY ${sortCol} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: q.limit, offset: q.offset });
    return { items: rows.map((r) => this.toSummary(toStored(r))), total };
  }
}
