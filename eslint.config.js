// Layer rules, enforced by lint rather than review (as VS Code's code-layering rule does):
// src-shared imports nothing of ours and no Node, Electron or DOM-only module; the renderer imports
// only src-shared; the engine never imports electron; the hub never imports the Electron shell.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'stream', 'util'];
const patterns = (...groups) => ({ patterns: groups.map((g) => ({ group: g.group, message: g.message })) });

const doorOnly = 'Device writes go through the write door (src-main/store/mutate.ts: mutate, or track for sync bookkeeping), which opens the transaction and appends the audit entry.';
const repositoriesOnly = 'SQL lives in the repositories under src-main/store/, which return domain objects.';
const deviceWriteRules = [
  { selector: "CallExpression[callee.property.name='transaction']", message: doorOnly },
  { selector: "CallExpression[callee.property.name='append'][callee.object.name='audit']", message: doorOnly },
  { selector: "CallExpression[callee.property.name='append'][callee.object.property.name='audit']", message: doorOnly },
];
const SQL = /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|DROP|ALTER)\s/;
const deviceSqlRules = [
  { selector: "CallExpression[callee.property.name='prepare']", message: repositoriesOnly },
  { selector: `Literal[value=${SQL}]`, message: repositoriesOnly },
  { selector: `TemplateElement[value.raw=${SQL}]`, message: repositoriesOnly },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'models/**', 'test-results/**', 'tools/train-classifier/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        patterns(
          { group: ['**/src-main/**', '**/src-renderer/**', '**/src-server/**'], message: 'src-shared imports nothing of ours.' },
          { group: [...nodeBuiltins, 'electron', 'react', 'react-dom'], message: 'src-shared runs everywhere: no Node, Electron or DOM modules.' },
        ),
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        patterns(
          { group: ['**/src-main/**', '**/src-server/**'], message: 'The renderer imports only src-shared.' },
          { group: [...nodeBuiltins, 'electron'], message: 'The renderer runs in a sandboxed page: no Node or Electron modules.' },
        ),
      ],
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', patterns({ group: ['electron', '**/src-renderer/**', '**/src-main/electron/**'], message: 'The engine runs under plain Node: no Electron, no renderer code.' })],
    },
  },
  // House style rules 4 and "SQL only in repositories": on the device a transaction is opened only by the
  // write door (src-main/store/mutate.ts; migrations in database.ts), SQL is written only in the
  // repositories under src-main/store/ (and the audit chain's own, audit-log.ts), and audit entries are
  // appended only through the door. Tests seed and inspect databases directly and are exempt.
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/store/**', 'src-main/audit/audit-log.ts', '**/*.test.ts', '**/testing.ts', 'src-main/testing/**'],
    rules: { 'no-restricted-syntax': ['error', ...deviceWriteRules, ...deviceSqlRules] },
  },
  {
    // Read-only SQL still to move into repositories (both files are being changed by work in flight:
    // the site policy from the hub, the OCR measurement); writes and transactions are refused here too.
    files: ['src-main/sync/residency.ts', 'src-main/extract/measure-ocr.ts'],
    rules: { 'no-restricted-syntax': ['error', ...deviceWriteRules] },
  },
  {
    files: ['src-main/store/**/*.ts'],
    ignores: ['src-main/store/mutate.ts', 'src-main/store/database.ts', '**/*.test.ts', '**/testing.ts'],
    rules: { 'no-restricted-syntax': ['error', ...deviceWriteRules] },
  },
  {
    files: ['src-server/**'],
    rules: {
      'no-restricted-imports': ['error', patterns({ group: ['electron', '**/src-main/electron/**', '**/src-renderer/**'], message: 'The hub never imports the Electron shell or the UI.' })],
    },
  },
);
