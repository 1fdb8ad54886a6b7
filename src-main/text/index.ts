export { extractText, pageCount, renderPageImage } from './extract-text.ts';
export type { ExtractTextOptions, ExtractedText, TextInput, TextInputMime } from './extract-text.ts';
export { TEXT_LIMITS } from './limits.ts';
