import fs from 'node:fs';
import { maskValue } from '../../src-shared/masking.ts';
import type { Db } from '../store/database.ts';
import { spellings } from '../sync/residency.ts';
import { DatasetRepo, type ReviewedDocument } from '../store/dataset-repo.ts';

/**
 * One line of a training set, as tools/train-classifier/retrain.py reads it (JSON Lines): the text
 * the classifier saw, the words with their boxes (0..1 of the page), the fields, the label a reviewer
 * confirmed or corrected, and the model and policy versions the document was routed under.
 */
export interface TrainingExample {
  id: string;
  label: string;
  source: 'correction' | 'confirmed';
  text: string;
  tokens: { page: number; text: string; box: [number, number, number, number] }[];
  fields: Record<string, string>;
  model: { name: string; version: string } | null;
  policyVersion: string | null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A document as a training example, the values of the policy's sensitive fields masked wherever they appear (fields, text, words). */
export function toTrainingExample(d: ReviewedDocument, sensitive: readonly string[]): TrainingExample {
  const secrets = new Map<string, string>();
  for (const f of d.fields) {
    if (!sensitive.includes(f.field)) continue;
    for (const v of [f.value, f.raw]) if (v && v.trim().length >= 4) for (const s of spellings(v)) secrets.set(s, maskValue(v));
  }
  const ordered = [...secrets.keys()].sort((a, b) => b.length - a.length);
  const scrub = (text: string) => ordered.reduce((t, s) => t.replace(new RegExp(escapeRegExp(s), 'g'), secrets.get(s)!), text);
  // A word that is part of a secret (an IBAN split into groups) is masked whole: its last four characters would be all of it.
  const pieceOfSecret = (w: string) => w.length >= 3 && ordered.some((s) => s.includes(w) && /\d/.test(w));
  return {
    id: `document-${d.documentId}`,
    label: d.docType,
    source: d.source,
    text: scrub(d.pages.map((p) => p.text).join('\n')),
    tokens: d.words.map((w) => ({ page: w.pageNo, text: pieceOfSecret(w.text) ? '•'.repeat(w.text.length) : scrub(w.text), box: w.box })),
    fields: Object.fromEntries(d.fields.map((f) => [f.field, sensitive.includes(f.field) ? maskValue(f.value) : f.value])),
    model: d.model,
    policyVersion: d.policyVersion,
  };
}

/** Writes reviewed documents as JSON Lines (0600: it holds document text); returns how many of each kind. */
export function exportDataset(db: Db, file: string, sensitive: readonly string[]): { examples: number; corrections: number; confirmed: number; byLabel: Record<string, number> } {
  const fd = fs.openSync(file, 'w', 0o600);
  const out = { examples: 0, corrections: 0, confirmed: 0, byLabel: {} as Record<string, number> };
  try {
    for (const d of new DatasetRepo(db).reviewed()) {
      const ex = toTrainingExample(d, sensitive);
      fs.writeSync(fd, `${JSON.stringify(ex)}\n`);
      out.examples += 1;
      if (ex.source === 'correction') out.corrections += 1;
      else out.confirmed += 1;
      out.byLabel[ex.label] = (out.byLabel[ex.label] ?? 0) + 1;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
