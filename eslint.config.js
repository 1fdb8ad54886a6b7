// Layer rules, enforced by lint rather than review (as VS Code's code-layering rule does). Who may
// import whom is `local/code-layering` below (on resolved paths); which packages each layer may not
// load is `no-restricted-imports`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import codeLayering from './tools/eslint/code-layering.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'stream', 'util', 'buffer', 'module', 'events'];
/** Bare module names, matched exactly (a gitignore pattern `electron` would also match `../electron/x.ts`); `node:*` as a pattern. */
const banned = (names, message) => ({
  paths: names.filter((n) => !n.includes('*')).map((name) => ({ name, message })),
  patterns: names.filter((n) => n.includes('*')).map((group) => ({ group: [group], message })),
});

/** Each layer and the layers it may import (its own included). */
const layers = {
  // Runs everywhere (engine, hub, renderer): types, the contract, pure functions.
  'src-shared': ['src-shared'],
  // Node code the device and the hub both run (the audit chain, signatures, routing and its calibration): Node built-ins, never the renderer.
  'src-common': ['src-common', 'src-shared'],
  'src-renderer': ['src-renderer', 'src-shared'],
  // The device: engine, store, OCR, ML, sync, CLI. Never the Electron shell, never the hub.
  'src-main': ['src-main', 'src-common', 'src-shared'],
  'src-main/electron': ['src-main/electron', 'src-main', 'src-common', 'src-shared'],
  // The hub: never the device's code.
  'src-server': ['src-server', 'src-common', 'src-shared'],
};

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
    files: ['src-*/**/*.{ts,tsx,js,mjs}'],
    plugins: { local: { rules: { 'code-layering': codeLayering } } },
    rules: {
      // Device-to-hub tests run both sides for real; only test files may cross that line.
      'local/code-layering': ['error', { root, layers, testsMayAlsoImport: { 'src-main': ['src-server'], 'src-server': ['src-main'], 'src-common': ['src-main'] } }],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        banned([...nodeBuiltins, 'electron', 'react', 'react-dom'], 'src-shared runs everywhere: no Node, Electron or DOM modules (Node code shared by device and hub goes in src-common).'),
      ],
    },
  },
  {
    files: ['src-common/**'],
    rules: {
      'no-restricted-imports': ['error', banned(['electron', 'react', 'react-dom'], 'src-common is Node code for the device and the hub: no Electron, no UI.')],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': ['error', banned([...nodeBuiltins, 'electron'], 'The renderer runs in a sandboxed page: no Node or Electron modules.')],
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', banned(['electron'], 'The engine runs under plain Node: no Electron.')],
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
      'no-restricted-imports': ['error', banned(['electron'], 'The hub never imports Electron.')],
    },
  },
);
