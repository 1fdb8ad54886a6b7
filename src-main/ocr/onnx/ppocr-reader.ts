import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import type { Word } from '../../../src-shared/document-model.ts';
import type { ResilientSession } from '../../ml/execution-providers.ts';
import { ctcGreedy, splitWords } from './ctc.ts';
import { dbBoxes, DB_DEFAULTS, type DbOptions } from './db-postprocess.ts';
import { bounds, quadSize, rotateQuad, subQuad, type Point, type Quad } from './geometry.ts';
import { sampleLine, type GreyImage } from './line-crop.ts';
import { groupLinesIntoRows } from './line-rows.ts';

export type PageRotation = 0 | 90 | 180 | 270;

export interface ReaderOptions {
  /** Longest side of the image the detector sees (a multiple of 32). */
  detMaxSide: number;
  db: DbOptions;
  /** Lines whose mean character probability is below this are dropped (PaddleOCR's drop_score). */
  minLineScore: number;
  /** Lines per recognition batch. */
  recBatch: number;
  /** A batch's widest line may be this many times its narrowest (lines are sorted by width). */
  recBucketRatio: number;
  /** Longest recognition strip, in pixels at height 48; longer lines are squeezed. */
  recMaxWidth: number;
  /** Each line's strip is this many times wider than its aspect ratio gives (more CTC steps a character). */
  recStretch: number;
  /** Space probability in a gap between characters at which a space is read (see ctcGreedy). */
  spaceThreshold: number;
  /** How many lines (the widest) the angle classifier reads to find an upside-down page. */
  clsLines: number;
  /** Turn a line (or the page) only where the recogniser reads it turned more surely than as found. */
  verifyTurns: boolean;
}

/**
 * Bumped whenever the same model reads a page differently (it is part of the engine's version, so
 * the OCR cache reads pages afresh). 2: a line is turned only where the recogniser agrees. 3: lines one over the
 * other are never one row (line-rows.ts).
 */
export const READER_REVISION = 3;

export const READER_DEFAULTS: ReaderOptions = {
  detMaxSide: 960,
  db: DB_DEFAULTS,
  minLineScore: 0.5,
  recBatch: 16,
  recBucketRatio: 1.5,
  recMaxWidth: 1600,
  recStretch: 1,
  spaceThreshold: 0.05,
  clsLines: 12,
  verifyTurns: true,
};

export interface ReaderSessions {
  det: ResilientSession;
  cls: ResilientSession;
  rec: ResilientSession;
  /** Class i ≥ 1 of the recogniser is charset[i − 1]. */
  charset: readonly string[];
}

export interface PageReading {
  words: Word[];
  text: string;
  meanConfidence: number;
  /** How far the page was turned (clockwise) to read it upright. */
  rotation: PageRotation;
  /** The execution provider(s) the models ran on for this page, e.g. "cpu" or "cuda". */
  executionProvider: string;
  timingsMs: { detect: number; classify: number; recognize: number };
}

const REC_HEIGHT = 48;
const CLS_WIDTH = 192;
const CLS_THRESHOLD = 0.9;
const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];

/** A view of the page turned clockwise by `rotation`, and the way back to the page's pixels. */
interface Frame {
  rotation: PageRotation;
  width: number;
  height: number;
  toSource(p: Point): Point;
  fromSource(p: Point): Point;
}

function frameFor(rotation: PageRotation, W: number, H: number): Frame {
  switch (rotation) {
    case 0:
      return { rotation, width: W, height: H, toSource: (p) => p, fromSource: (p) => p };
    case 90:
      return { rotation, width: H, height: W, toSource: (p) => ({ x: p.y, y: H - p.x }), fromSource: (p) => ({ x: H - p.y, y: p.x }) };
    case 180:
      return { rotation, width: W, height: H, toSource: (p) => ({ x: W - p.x, y: H - p.y }), fromSource: (p) => ({ x: W - p.x, y: H - p.y }) };
    case 270:
      return { rotation, width: H, height: W, toSource: (p) => ({ x: W - p.y, y: p.x }), fromSource: (p) => ({ x: p.y, y: W - p.x }) };
  }
}

interface Line {
  /** Corners in page pixels, in the order the text reads. */
  quad: Quad;
  /** The same in the upright frame, for reading order. */
  frameQuad: Quad;
}

/**
 * PP-OCR on one page: DB text detection at a bounded size, the page's orientation (a page whose
 * lines stand upright is turned a quarter; one whose lines mostly read upside down, a half), the
 * angle classifier for single upside-down lines, and CRNN/SVTR recognition batched by width.
 */
export class PpOcrReader {
  constructor(
    private readonly s: ReaderSessions,
    private readonly opts: ReaderOptions = READER_DEFAULTS,
  ) {}

  async read(img: GreyImage): Promise<PageReading> {
    const providers = new Set<string>();
    const t0 = performance.now();
    let frame = frameFor(0, img.width, img.height);
    let found = await this.detect(img, frame, providers);
    // Most boxes taller than wide: the page lies on its side. Read it turned a quarter; the angle
    // classifier below settles whether that was a quarter too few or too many.
    if (found.vertical > found.lines.length / 2 && found.vertical >= 2) {
      frame = frameFor(90, img.width, img.height);
      found = await this.detect(img, frame, providers);
    }
    const t1 = performance.now();
    let lines = found.lines;
    const { upsideDown, asked } = await this.classify(img, lines, providers);
    const flipped = upsideDown.filter(Boolean).length;
    // The classifier squeezes a long line into 192 px and then often calls it upside down: its word
    // alone turns nothing. A turn is kept only where the recogniser reads the turned line more surely.
    let pageTurned = false;
    if (lines.length > 0 && flipped > Math.min(lines.length, this.opts.clsLines) / 2) {
      const sample = this.opts.verifyTurns ? asked.map((i) => lines[i]!) : [];
      const upright = await this.recognize(img, sample, providers);
      const turnedRead = await this.recognize(img, sample.map(turnLine), providers);
      pageTurned = !this.opts.verifyTurns || meanScore(turnedRead) > meanScore(upright);
    }
    if (pageTurned) {
      // Most lines read upside down: the page is, so turn the frame half round.
      const turned = frameFor(((frame.rotation + 180) % 360) as PageRotation, img.width, img.height);
      lines = lines.map((l) => ({ quad: l.quad, frameQuad: rotateQuad(l.quad.map((p) => turned.fromSource(p)) as Quad, 2) }));
      frame = turned;
      // Every line turns with the page (only a sample was classified).
      lines = lines.map(turnLine);
    }
    const t2 = performance.now();
    const read = await this.recognize(img, lines, providers);
    if (!pageTurned) {
      const doubted = upsideDown.flatMap((up, i) => (up ? [i] : []));
      const turnedRead = await this.recognize(img, doubted.map((i) => turnLine(lines[i]!)), providers);
      doubted.forEach((i, k) => {
        if (!this.opts.verifyTurns || turnedRead[k]!.score > read[i]!.score) {
          lines[i] = turnLine(lines[i]!);
          read[i] = turnedRead[k]!;
        }
      });
    }
    const t3 = performance.now();
    const page = assemble(lines, read, img, this.opts.minLineScore);
    return {
      ...page,
      rotation: frame.rotation,
      executionProvider: [...providers].join('+') || 'cpu',
      timingsMs: { detect: t1 - t0, classify: t2 - t1, recognize: t3 - t2 },
    };
  }

  private async detect(img: GreyImage, frame: Frame, providers: Set<string>): Promise<{ lines: Line[]; vertical: number }> {
    const scale = Math.min(1, this.opts.detMaxSide / Math.max(frame.width, frame.height));
    const dw = Math.max(32, Math.round((frame.width * scale) / 32) * 32);
    const dh = Math.max(32, Math.round((frame.height * scale) / 32) * 32);
    const small = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
      .rotate(frame.rotation)
      .resize(dw, dh, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    const plane = dw * dh;
    const input = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) {
      const mean = DET_MEAN[c]!;
      const std = DET_STD[c]!;
      for (let i = 0; i < plane; i++) input[c * plane + i] = (small[i]! / 255 - mean) / std;
    }
    const { outputs, provider } = await this.s.det.run({ [this.s.det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, dh, dw]) });
    providers.add(provider);
    const prob = outputs[this.s.det.outputNames[0]!]!;
    const boxes = dbBoxes(prob.data as Float32Array, dw, dh, this.opts.db);
    const sx = frame.width / dw;
    const sy = frame.height / dh;
    let vertical = 0;
    const lines: Line[] = [];
    for (const b of boxes) {
      let fq = b.quad.map((p) => ({ x: Math.min(frame.width, Math.max(0, p.x * sx)), y: Math.min(frame.height, Math.max(0, p.y * sy)) })) as Quad;
      const { width, height } = quadSize(fq);
      if (height >= 1.5 * width) {
        // A standing box reads top to bottom (PaddleOCR turns such crops a quarter, as here).
        vertical++;
        fq = rotateQuad(fq, 1);
      }
      lines.push({ frameQuad: fq, quad: fq.map((p) => frame.toSource(p)) as Quad });
    }
    return { lines, vertical };
  }

  /**
   * Which lines read upside down (the angle classifier, confident answers only). Only the widest
   * `clsLines` lines are asked: they settle the page's orientation, and a single line upside down
   * on an upright page is rare enough not to pay for classifying every line.
   */
  private async classify(img: GreyImage, lines: Line[], providers: Set<string>): Promise<{ upsideDown: boolean[]; asked: number[] }> {
    const result: boolean[] = lines.map(() => false);
    const asked = lines
      .map((l, i) => ({ i, width: quadSize(l.quad).width }))
      .sort((a, b) => b.width - a.width)
      .slice(0, this.opts.clsLines)
      .map((x) => x.i);
    const batch = 32;
    for (let i = 0; i < asked.length; i += batch) {
      const ids = asked.slice(i, i + batch);
      const part = ids.map((id) => lines[id]!);
      const plane = REC_HEIGHT * CLS_WIDTH;
      const input = new Float32Array(part.length * 3 * plane);
      part.forEach((l, b) => {
        const { width, height } = quadSize(l.quad);
        const w = Math.max(1, Math.min(CLS_WIDTH, Math.ceil((REC_HEIGHT * width) / Math.max(1, height))));
        sampleLine(img, l.quad, w, REC_HEIGHT, input, b * 3 * plane, CLS_WIDTH);
      });
      const { outputs, provider } = await this.s.cls.run({ [this.s.cls.inputNames[0]!]: new ort.Tensor('float32', input, [part.length, 3, REC_HEIGHT, CLS_WIDTH]) });
      providers.add(provider);
      const p = outputs[this.s.cls.outputNames[0]!]!.data as Float32Array;
      ids.forEach((id, b) => (result[id] = p[b * 2 + 1]! > CLS_THRESHOLD));
    }
    return { upsideDown: result, asked };
  }

  /** Each line's words, recognised in batches of similar width (sorted, so padding stays small). */
  private async recognize(img: GreyImage, lines: Line[], providers: Set<string>): Promise<{ words: ReturnType<typeof splitWords>; score: number }[]> {
    const widths = lines.map((l) => {
      const { width, height } = quadSize(l.quad);
      return Math.max(8, Math.min(this.opts.recMaxWidth, Math.ceil((this.opts.recStretch * REC_HEIGHT * width) / Math.max(1, height))));
    });
    const order = lines.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
    const results: { words: ReturnType<typeof splitWords>; score: number }[] = new Array(lines.length);
    let start = 0;
    while (start < order.length) {
      let end = start + 1;
      while (end < order.length && end - start < this.opts.recBatch && widths[order[end]!]! <= widths[order[start]!]! * this.opts.recBucketRatio) end++;
      const ids = order.slice(start, end);
      const padded = Math.ceil(Math.max(...ids.map((i) => widths[i]!)) / 8) * 8;
      const plane = REC_HEIGHT * padded;
      const input = new Float32Array(ids.length * 3 * plane);
      ids.forEach((id, b) => sampleLine(img, lines[id]!.quad, widths[id]!, REC_HEIGHT, input, b * 3 * plane, padded));
      const { outputs, provider } = await this.s.rec.run({ [this.s.rec.inputNames[0]!]: new ort.Tensor('float32', input, [ids.length, 3, REC_HEIGHT, padded]) });
      providers.add(provider);
      const out = outputs[this.s.rec.outputNames[0]!]!;
      const [, steps, classes] = out.dims as [number, number, number];
      const data = out.data as Float32Array;
      ids.forEach((id, b) => {
        const realSteps = Math.min(steps, Math.ceil((widths[id]! / padded) * steps));
        const chars = ctcGreedy(data, b * steps * classes, realSteps, classes, this.s.charset, this.opts.spaceThreshold);
        const score = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
        results[id] = { words: splitWords(chars, realSteps), score };
      });
      start = end;
    }
    return results;
  }
}

/** The line read from its other end (turned half round in place). */
function turnLine(l: Line): Line {
  return { ...l, quad: rotateQuad(l.quad, 2) };
}

function meanScore(read: { score: number }[]): number {
  return read.length ? read.reduce((s, r) => s + r.score, 0) / read.length : 0;
}

/**
 * Lines into rows (line-rows.ts), rows top to bottom; words get page-normalised boxes and the row as their `line`.
 */
function assemble(
  lines: Line[],
  read: { words: ReturnType<typeof splitWords>; score: number }[],
  img: GreyImage,
  minLineScore: number,
): Pick<PageReading, 'words' | 'text' | 'meanConfidence'> {
  type Kept = { line: Line; words: ReturnType<typeof splitWords>; x0: number; y0: number; x1: number; y1: number };
  const kept: Kept[] = [];
  lines.forEach((line, i) => {
    const r = read[i]!;
    if (r.words.length === 0 || r.score < minLineScore) return;
    const b = bounds(line.frameQuad);
    kept.push({ line, words: r.words, x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 });
  });
  const rows = groupLinesIntoRows(kept).map((row) => row.map((i) => kept[i]!));
  const words: Word[] = [];
  const text: string[] = [];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  rows.forEach((row, lineNo) => {
    const rowText: string[] = [];
    for (const item of row) {
      for (const w of item.words) {
        const b = bounds(subQuad(item.line.quad, w.start, w.end));
        words.push({
          text: w.text,
          box: [clamp(b.x0 / img.width), clamp(b.y0 / img.height), clamp(b.x1 / img.width), clamp(b.y1 / img.height)],
          confidence: clamp(w.confidence),
          line: lineNo,
        });
        rowText.push(w.text);
      }
    }
    text.push(rowText.join(' '));
  });
  const meanConfidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  return { words, text: text.join('\n'), meanConfidence };
}
