/**
 * The current value of each field of each document as one view: the latest extraction that nothing
 * superseded (a reviewer's correction supersedes the reading it corrects). Every query about "the
 * vendor", "the total" of a document reads this instead of repeating the subquery.
 */
export const migration007 = {
  version: 7,
  name: 'current-fields',
  sql: `
CREATE VIEW current_fields AS
SELECT e.id, e.document_id, e.field, e.value, e.raw_value, e.confidence, e.page_no, e.box_json, e.source, e.note, e.decision_id, e.created_at
FROM extractions e
WHERE e.superseded_by IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM extractions later
    WHERE later.document_id = e.document_id AND later.field = e.field AND later.superseded_by IS NULL AND later.id > e.id
  );
`,
};
