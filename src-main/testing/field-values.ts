import type { DocType, PageText } from '../../src-shared/document-model.ts';
import { extractDocument } from '../extract/extract-document.ts';
import { pagesFromLines } from '../extract/page-layout.ts';

/** The fields extraction reads from text lines (or pages), as plain values, for compact assertions in tests. */
export function fieldValues(lines: string[] | PageText[], docType: DocType = 'invoice'): Record<string, string> {
  const pages = typeof lines[0] === 'string' ? pagesFromLines(lines as string[]) : (lines as PageText[]);
  const { fields } = extractDocument(pages, { docType });
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.value]));
}
