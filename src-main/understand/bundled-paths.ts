import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the model, policy, rule set and templates that ship with the app are. */
export const BUNDLED = {
  modelDir: path.join(ROOT, 'models', 'doc-classifier'),
  policyFile: path.join(ROOT, 'resources', 'policies', 'default.yaml'),
  rulesFile: path.join(ROOT, 'resources', 'rules', 'default.yaml'),
  templatesDir: path.join(ROOT, 'resources', 'templates'),
};
