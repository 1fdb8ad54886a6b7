// Which folder may import which, checked on the resolved path of every relative import (as VS Code's
// local/code-layering rule does), so `../electron/x.ts` and `../../src-main/x.ts` are caught alike.
import path from 'node:path';

/** The layer a repo-relative path lies in: the longest layer name it starts with, or null. */
function layerOf(rel, layers) {
  let best = null;
  for (const name of Object.keys(layers)) {
    if ((rel === name || rel.startsWith(`${name}/`)) && (!best || name.length > best.length)) best = name;
  }
  return best;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Imports must respect the layers: each folder imports only the folders it may.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          testsMayAlsoImport: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, layers, testsMayAlsoImport = {} } = context.options[0];
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = layerOf(file, layers);
    if (!from) return {};
    const isTest = /\.test\.tsx?$/.test(file);
    const allowed = new Set([...layers[from], ...(isTest ? (testsMayAlsoImport[from] ?? []) : [])]);
    const check = (node) => {
      const source = node?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/');
      const to = layerOf(target, layers);
      if (!to || allowed.has(to)) return;
      context.report({ node, message: `${from} may not import ${to} (${source}); ${from} imports only ${[...allowed].join(', ')}.` });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source),
    };
  },
};
