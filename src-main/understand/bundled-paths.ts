import path from 'node:path';
import { APP_ROOT } from '../config/app-root.ts';

/** Where the model, policy, rule set and templates that ship with the app are (sources and bundle alike). */
export const BUNDLED = {
  modelDir: path.join(APP_ROOT, 'models', 'doc-classifier'),
  policyFile: path.join(APP_ROOT, 'resources', 'policies', 'default.yaml'),
  rulesFile: path.join(APP_ROOT, 'resources', 'rules', 'default.yaml'),
  templatesDir: path.join(APP_ROOT, 'resources', 'templates'),
};
