/** A page may carry a second OCR reading (another layout analysis) that extraction can draw on. */
export const migration003 = {
  version: 3,
  name: 'page-alternate-reading',
  sql: `ALTER TABLE pages ADD COLUMN alternate_json TEXT;`,
};
