/** Each OCR'd page records the model that read it (SHA-256), where it ran, and how the scan was turned. */
export const migration004 = {
  version: 4,
  name: 'page-ocr-model',
  sql: `ALTER TABLE pages ADD COLUMN ocr_model_sha256 TEXT;
ALTER TABLE pages ADD COLUMN execution_provider TEXT;
ALTER TABLE pages ADD COLUMN rotation INTEGER;`,
};
