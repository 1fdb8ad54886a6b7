import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a test needs from the machine. On a developer's machine a missing one skips, visibly; in CI
 * (`CI` set, as `.ci/run` runs) it fails, so a test can never pass there by silently not running.
 */
export function prerequisite(what: string, present: boolean, hint = ''): boolean {
  if (present) return true;
  const message = `${what} is missing${hint ? ` (${hint})` : ''}`;
  if (process.env.CI) throw new Error(`${message}: CI must run every test, so this is a failure, not a skip`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}

/** The shared, read-only corpus beside the repository (`../shared/corpus`). */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export const corpusPresent = (): boolean => prerequisite('../shared/corpus', existsSync(CORPUS_DIR), 'the shared corpus beside the repository');

export const qpdfPresent = (): boolean => {
  let found = true;
  try {
    execFileSync('qpdf', ['--version'], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  return prerequisite('qpdf', found, 'apt-get install qpdf');
};
