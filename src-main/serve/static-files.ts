import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Resolves a URL path to a file inside `root`, or to index.html for the app's own routes; never outside `root`. */
export function resolveStatic(root: string, urlPath: string): { file: string; type: string } | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.extname(rel) ? null : path.join(root, 'index.html');
  if (!target || !fs.existsSync(target)) return null;
  return { file: target, type: TYPES[path.extname(target)] ?? 'application/octet-stream' };
}
