import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED } from '../understand/bundled-paths.ts';

/** The version of the classifier that ships in models/, so tests follow a retrained model without edits. */
export const BUNDLED_MODEL_VERSION: string = JSON.parse(fs.readFileSync(path.join(BUNDLED.modelDir, 'config.json'), 'utf8')).version;
