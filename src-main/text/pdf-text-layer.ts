import type { PDFPageProxy } from 'pdfjs-dist/types/src/display/api';
import type { Box, Word } from '../../src-shared/document-model.ts';
import { loadPdfjs } from './pdf-document.ts';

type TextRun = { str: string; transform: number[]; width: number; height: number; hasEOL: boolean; dir?: string };

/**
 * Words of a page's own text layer, with boxes from the run's position and width (each
 * character gets an equal share of the run), in content order; `line` groups a visual line.
 */
export async function readTextLayer(page: PDFPageProxy): Promise<{ words: Word[]; width: number; height: number }> {
  const { Util } = await loadPdfjs();
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent({ disableNormalization: false });
  const words: Word[] = [];
  let line = 0;
  let lastBaseline: { x: number; y: number; h: number } | null = null;
  let endedLine = false;
  let joinable = false;

  for (const item of content.items) {
    if (!('str' in item)) continue;
    const run = item as TextRun;
    const tx = Util.transform(viewport.transform, run.transform) as number[];
    const [a = 1, b = 0, c = 0, d = 1, ox = 0, oy = 0] = tx;
    const fontHeight = Math.hypot(c, d) || Math.abs(run.height) || 1;
    const angle = Math.atan2(b, a);
    const runLength = (run.dir === 'ttb' ? run.height : run.width) * viewport.scale;

    const sameLine =
      lastBaseline !== null && !endedLine && Math.abs(oy - lastBaseline.y) < 0.5 * Math.max(fontHeight, lastBaseline.h) && ox >= lastBaseline.x - fontHeight;
    if (lastBaseline !== null && !sameLine) {
      line++;
      joinable = false;
    }
    endedLine = run.hasEOL;
    if (run.str.length === 0) continue;
    lastBaseline = { x: ox + runLength * Math.cos(angle), y: oy, h: fontHeight };

    const chars = [...run.str];
    const share = runLength / chars.length;
    const tokenRe = /\S+/gu;
    let prefixChars = 0;
    let consumed = 0;
    for (const match of run.str.matchAll(tokenRe)) {
      prefixChars += [...run.str.slice(consumed, match.index)].length;
      const len = [...match[0]].length;
      const box = runBox(ox, oy, angle, fontHeight, prefixChars * share, (prefixChars + len) * share, viewport.width, viewport.height);
      const previous = words[words.length - 1];
      // Runs split mid-word (a font change, kerning) are joined back when nothing separates them.
      if (match.index === 0 && joinable && previous && previous.line === line && box[0] - previous.box[2] < 0.15 * (fontHeight / viewport.width)) {
        previous.text += match[0];
        previous.box = [Math.min(previous.box[0], box[0]), Math.min(previous.box[1], box[1]), Math.max(previous.box[2], box[2]), Math.max(previous.box[3], box[3])];
      } else {
        words.push({ text: match[0], box, confidence: 1, line });
      }
      prefixChars += len;
      consumed = match.index + match[0].length;
    }
    joinable = !/\s$/u.test(run.str);
  }
  return { words, width: viewport.width, height: viewport.height };
}

/** Axis-aligned box of a stretch of a text run, normalised to the page. */
function runBox(ox: number, oy: number, angle: number, fontHeight: number, from: number, to: number, pageW: number, pageH: number): Box {
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  // "Up" from the baseline, in y-down page space.
  const upx = uy;
  const upy = -ux;
  const ascent = 0.8 * fontHeight;
  const descent = 0.2 * fontHeight;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const along of [from, to]) {
    for (const across of [ascent, -descent]) {
      xs.push(ox + ux * along + upx * across);
      ys.push(oy + uy * along + upy * across);
    }
  }
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return [clamp(Math.min(...xs) / pageW), clamp(Math.min(...ys) / pageH), clamp(Math.max(...xs) / pageW), clamp(Math.max(...ys) / pageH)];
}
