#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the npm dependencies when they are
// missing or older than the lockfile, with the flags this project needs (no Electron binary download,
// no onnxruntime CUDA download). Plain JS, no dependencies: it runs before anything is installed.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 16)) {
  console.error(`Countersign needs Node.js 20.16 or newer; this is ${process.versions.node}.`);
  process.exit(2);
}

// System packages some tests and benchmarks use (Chromium for the UI tests, qpdf to make encrypted
// PDFs, the native tesseract CLI for the OCR comparison). Installed when we are root on Debian;
// otherwise those tests say they are skipped.
const wanted = { chromium: '/usr/bin/chromium', qpdf: '/usr/bin/qpdf', 'tesseract-ocr': '/usr/bin/tesseract', 'poppler-utils': '/usr/bin/pdftotext' };
const missing = Object.entries(wanted).filter(([, bin]) => !fs.existsSync(bin)).map(([pkg]) => pkg);
if (process.argv.includes('--system') && missing.length) {
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    console.error(`Installing system packages: ${missing.join(' ')}`);
    try {
      execSync(`apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      console.error('warning: could not install system packages; the tests that need them will be skipped.');
    }
  } else {
    console.error(`note: ${missing.join(', ')} not installed; the tests that need them will be skipped.`);
  }
}

const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  if (!quiet || stale) console.error('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' },
  });
} else if (!quiet) {
  console.error('Dependencies are up to date.');
}
