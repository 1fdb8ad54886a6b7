import { Option } from 'commander';
import { SECOND_READING_ENV } from '../ocr/choose-engine.ts';
import { SECOND_READINGS, type SecondReadingScope } from '../ocr/second-reader.ts';

export const secondReadingOption = () =>
  new Option(
    '--second-reading <scope>',
    `which scans tesseract.js also reads beside PP-OCR (auto engine), merged field by field: off, pages (page-shaped scans; default: $${SECOND_READING_ENV}, else pages) or all`,
  ).choices(SECOND_READINGS);

/** The flag is the setting for this run: the OCR engine reads the setting where it starts. */
export function applySecondReading(scope: SecondReadingScope | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (scope) env[SECOND_READING_ENV] = scope;
}
