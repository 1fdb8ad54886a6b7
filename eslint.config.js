// Layer rules, enforced by lint rather than review (as VS Code's code-layering rule does):
// src-shared imports nothing of ours and no Node, Electron or DOM-only module; the renderer imports
// only src-shared; the engine never imports electron; the hub never imports the Electron shell.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'stream', 'util'];
const patterns = (...groups) => ({ patterns: groups.map((g) => ({ group: g.group, message: g.message })) });

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
  {
    files: ['src-server/**'],
    rules: {
      'no-restricted-imports': ['error', patterns({ group: ['electron', '**/src-main/electron/**', '**/src-renderer/**'], message: 'The hub never imports the Electron shell or the UI.' })],
    },
  },
);
