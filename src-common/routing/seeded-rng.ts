import { createHash } from 'node:crypto';

/**
 * A reproducible random stream per document: QA sampling decisions can be replayed and audited
 * (same document, same policy → same sample), yet are uncorrelated across documents.
 */
export function rngForDocument(sha256: string, salt = ''): () => number {
  let state = createHash('sha256').update(`${salt}:${sha256}`).digest().readUInt32LE(0) || 1;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
