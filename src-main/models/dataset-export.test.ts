import { describe, expect, it } from 'vitest';
import { toTrainingExample } from './dataset-export.ts';
import type { ReviewedDocument } from '../store/dataset-repo.ts';

const doc: ReviewedDocument = {
  documentId: 7,
  sha256: 'a'.repeat(64),
  modelLabel: 'invoice',
  docType: 'credit_note',
  source: 'correction',
  action: 'correct',
  pages: [{ pageNo: 1, text: 'CREDIT NOTE CN-301\nIBAN DE89 3704 0044 0532 0130 00\nTotal -89.00', width: 595, height: 842 }],
  words: [
    { pageNo: 1, text: 'CREDIT', box: [0.1, 0.1, 0.2, 0.12] },
    { pageNo: 1, text: 'DE89', box: [0.2, 0.2, 0.25, 0.22] },
    { pageNo: 1, text: '3704', box: [0.26, 0.2, 0.3, 0.22] },
  ],
  fields: [
    { field: 'iban', value: 'DE89370400440532013000', raw: 'DE89 3704 0044 0532 0130 00', source: 'regex' },
    { field: 'total', value: '-89.00', raw: '-89.00', source: 'regex' },
  ],
  model: { name: 'countersign-doc-classifier/model_quantized.onnx', version: '1.1.0' },
  policyVersion: 'default@3',
  decidedAt: '2026-12-02T00:00:00Z',
};

describe('dataset export', () => {
  it("writes the reviewer's label with text, words and boxes, fields, model and policy versions; the policy's sensitive fields masked everywhere", () => {
    const ex = toTrainingExample(doc, ['iban']);
    expect(ex).toMatchObject({ id: 'document-7', label: 'credit_note', source: 'correction', model: { version: '1.1.0' }, policyVersion: 'default@3' });
    expect(ex.fields).toEqual({ iban: '••••••••••••3000', total: '-89.00' });
    expect(ex.text).toContain('CREDIT NOTE CN-301');
    expect(ex.text).not.toMatch(/DE89|0532/);
    // The IBAN's groups, read as separate words, are masked too; their boxes stay.
    expect(ex.tokens.slice(1).map((t) => t.text)).toEqual(['••••', '••••']);
    expect(ex.tokens[0]).toEqual({ page: 1, text: 'CREDIT', box: [0.1, 0.1, 0.2, 0.12] });
  });

  it('leaves everything as it is when the policy marks nothing sensitive', () => {
    const ex = toTrainingExample(doc, []);
    expect(ex.text).toContain('DE89 3704 0044 0532 0130 00');
    expect(ex.fields.iban).toBe('DE89370400440532013000');
  });
});
