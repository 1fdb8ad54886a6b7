/**
 * A failure a user can act on: a stable code (scripts and the UI match on it) and a plain message.
 * Every stage throws these for bad input; anything else is reported as `internal`.
 */
export type PipelineErrorCode =
  | 'empty_file'
  | 'file_missing'
  | 'unreadable_file'
  | 'unsupported_type'
  | 'corrupt_pdf'
  | 'encrypted_pdf'
  | 'corrupt_image'
  | 'image_too_large'
  | 'too_many_pages'
  | 'file_too_large'
  | 'no_pages'
  | 'ocr_failed'
  | 'model_failed'
  | 'timeout'
  | 'xml_malformed'
  | 'xml_too_large'
  | 'xml_entities_refused'
  | 'xml_doctype_refused'
  | 'einvoice_unrecognised'
  | 'too_large'
  | 'internal';

export class PipelineError extends Error {
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

export function toErrorInfo(err: unknown): { code: string; message: string } {
  if (err instanceof PipelineError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
