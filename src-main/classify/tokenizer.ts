import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * A Hugging Face `tokenizer.json` reader for BERT-family WordPiece tokenizers: BertNormalizer (or the
 * plain Lowercase / NFx / StripAccents / Sequence normalizers), BertPreTokenizer (or Whitespace /
 * WhitespaceSplit), the WordPiece model and a TemplateProcessing or BertProcessing post-processor.
 * Behaviour follows the Rust `tokenizers` crate so ids match what Optimum-exported models were trained on.
 */

const NormalizerSchema: z.ZodType<Normalizer> = z.lazy(() =>
  z.union([
    z.object({
      type: z.literal('BertNormalizer'),
      clean_text: z.boolean().default(true),
      handle_chinese_chars: z.boolean().default(true),
      strip_accents: z.boolean().nullable().default(null),
      lowercase: z.boolean().default(true),
    }),
    z.object({ type: z.enum(['Lowercase', 'NFD', 'NFC', 'NFKD', 'NFKC', 'StripAccents']) }),
    z.object({ type: z.literal('Sequence'), normalizers: z.array(NormalizerSchema) }),
  ]),
);
type Normalizer =
  | { type: 'BertNormalizer'; clean_text: boolean; handle_chinese_chars: boolean; strip_accents: boolean | null; lowercase: boolean }
  | { type: 'Lowercase' | 'NFD' | 'NFC' | 'NFKD' | 'NFKC' | 'StripAccents' }
  | { type: 'Sequence'; normalizers: Normalizer[] };

const PreTokenizerSchema: z.ZodType<PreTokenizer> = z.lazy(() =>
  z.union([
    z.object({ type: z.enum(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit']) }),
    z.object({ type: z.literal('Sequence'), pretokenizers: z.array(PreTokenizerSchema) }),
  ]),
);
type PreTokenizer =
  | { type: 'BertPreTokenizer' | 'Whitespace' | 'WhitespaceSplit' }
  | { type: 'Sequence'; pretokenizers: PreTokenizer[] };

const TemplatePieceSchema = z.union([
  z.object({ SpecialToken: z.object({ id: z.string(), type_id: z.number().int() }) }),
  z.object({ Sequence: z.object({ id: z.string(), type_id: z.number().int() }) }),
]);

const PostProcessorSchema = z.union([
  z.object({
    type: z.literal('TemplateProcessing'),
    single: z.array(TemplatePieceSchema),
    special_tokens: z.record(z.string(), z.object({ id: z.string(), ids: z.array(z.number().int()), tokens: z.array(z.string()) })),
  }),
  z.object({
    type: z.literal('BertProcessing'),
    sep: z.tuple([z.string(), z.number().int()]),
    cls: z.tuple([z.string(), z.number().int()]),
  }),
]);

const TokenizerJsonSchema = z.object({
  added_tokens: z.array(z.object({ id: z.number().int(), content: z.string(), special: z.boolean().optional() })).default([]),
  normalizer: NormalizerSchema.nullable().default(null),
  pre_tokenizer: PreTokenizerSchema.nullable().default(null),
  post_processor: PostProcessorSchema.nullable().default(null),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string().default('[UNK]'),
    continuing_subword_prefix: z.string().default('##'),
    max_input_chars_per_word: z.number().int().default(100),
    vocab: z.record(z.string(), z.number().int()),
  }),
});
export type TokenizerJson = z.infer<typeof TokenizerJsonSchema>;

/** A padded batch, row-major, ready for int64 ONNX tensors. */
export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  dims: [batch: number, sequence: number];
}

export interface BertTokenizer {
  /** Word pieces after normalisation and pre-tokenisation, before special tokens and truncation. */
  tokenize(text: string): string[];
  /** Ids with special tokens, truncated so the whole sequence fits `maxLength`. */
  encode(text: string, maxLength?: number): number[];
  /** Encodes and pads to the longest sequence in the batch. */
  encodeBatch(texts: string[], maxLength?: number): EncodedBatch;
  readonly padId: number;
  readonly maxLength: number;
}

const WHITESPACE = /[\t\n\r\p{Zs}]/u;
const CONTROL = /\p{C}/u;
const PUNCT = /\p{P}/u;
const MARK_NONSPACING = /\p{Mn}/gu;

function isWhitespace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

function isControl(ch: string): boolean {
  return ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch);
}

function isBertPunct(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCT.test(ch);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(MARK_NONSPACING, '');
}

function normalize(n: Normalizer | null, text: string): string {
  if (!n) return text;
  switch (n.type) {
    case 'BertNormalizer': {
      let out = text;
      if (n.clean_text) {
        let s = '';
        for (const ch of out) {
          const cp = ch.codePointAt(0)!;
          if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
          s += isWhitespace(ch) ? ' ' : ch;
        }
        out = s;
      }
      if (n.handle_chinese_chars) {
        let s = '';
        for (const ch of out) s += isCjk(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
        out = s;
      }
      // strip_accents: null means "follow lowercase", as in BERT's original tokenizer
      if (n.strip_accents ?? n.lowercase) out = stripAccents(out);
      return n.lowercase ? out.toLowerCase() : out;
    }
    case 'Lowercase':
      return text.toLowerCase();
    case 'StripAccents':
      return text.replace(MARK_NONSPACING, '');
    case 'NFD':
    case 'NFC':
    case 'NFKD':
    case 'NFKC':
      return text.normalize(n.type);
    case 'Sequence':
      return n.normalizers.reduce((t, inner) => normalize(inner, t), text);
  }
}

function bertPreTokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (isWhitespace(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else if (isBertPunct(ch)) {
      if (cur) out.push(cur);
      cur = '';
      out.push(ch);
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function preTokenize(p: PreTokenizer | null, words: string[]): string[] {
  if (!p) return words.flatMap((w) => (w ? [w] : []));
  switch (p.type) {
    case 'BertPreTokenizer':
      return words.flatMap(bertPreTokenize);
    case 'WhitespaceSplit':
      return words.flatMap((w) => w.split(/\s+/u).filter(Boolean));
    case 'Whitespace':
      return words.flatMap((w) => w.match(/\w+|[^\w\s]+/gu) ?? []);
    case 'Sequence':
      return p.pretokenizers.reduce((ws, inner) => preTokenize(inner, ws), words);
  }
}

interface SpecialIds {
  cls: number[];
  sep: number[];
}

function specialIds(json: TokenizerJson): SpecialIds {
  const pp = json.post_processor;
  if (!pp) return { cls: [], sep: [] };
  if (pp.type === 'BertProcessing') return { cls: [pp.cls[1]], sep: [pp.sep[1]] };
  // TemplateProcessing, single sequence: the special tokens before and after "$A"
  const seqAt = pp.single.findIndex((p) => 'Sequence' in p);
  const idsOf = (pieces: typeof pp.single) =>
    pieces.flatMap((p) => {
      if (!('SpecialToken' in p)) return [];
      const tok = pp.special_tokens[p.SpecialToken.id];
      if (!tok) throw new Error(`tokenizer.json: template names unknown special token ${p.SpecialToken.id}`);
      return tok.ids;
    });
  return { cls: idsOf(pp.single.slice(0, seqAt)), sep: idsOf(pp.single.slice(seqAt + 1)) };
}

export function createTokenizer(raw: unknown, opts: { maxLength?: number } = {}): BertTokenizer {
  const json = TokenizerJsonSchema.parse(raw);
  const { vocab, unk_token: unk, continuing_subword_prefix: prefix, max_input_chars_per_word: maxChars } = json.model;
  const vocabMap = new Map(Object.entries(vocab));
  const unkId = vocabMap.get(unk);
  if (unkId === undefined) throw new Error(`tokenizer.json: unk_token ${unk} is not in the vocabulary`);
  const padId = json.added_tokens.find((t) => t.content === '[PAD]')?.id ?? vocabMap.get('[PAD]') ?? 0;
  const special = specialIds(json);
  const maxLength = opts.maxLength ?? 256; // BERT-small default; callers pass the model config's limit

  const wordPiece = (word: string): string[] => {
    const chars = Array.from(word);
    if (chars.length > maxChars) return [unk];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? prefix : '') + chars.slice(start, end).join('');
        if (vocabMap.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === undefined) return [unk];
      pieces.push(found);
      start = end;
    }
    return pieces;
  };

  const tokenize = (text: string): string[] => preTokenize(json.pre_tokenizer, [normalize(json.normalizer, text)]).flatMap(wordPiece);

  const encode = (text: string, max = maxLength): number[] => {
    const room = Math.max(0, max - special.cls.length - special.sep.length);
    const ids = tokenize(text)
      .slice(0, room)
      .map((t) => vocabMap.get(t) ?? unkId);
    return [...special.cls, ...ids, ...special.sep];
  };

  const encodeBatch = (texts: string[], max = maxLength): EncodedBatch => {
    const rows = texts.map((t) => encode(t, max));
    const len = Math.max(1, ...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * len).fill(BigInt(padId));
    const attentionMask = new BigInt64Array(rows.length * len);
    rows.forEach((row, b) =>
      row.forEach((id, t) => {
        inputIds[b * len + t] = BigInt(id);
        attentionMask[b * len + t] = 1n;
      }),
    );
    return { inputIds, attentionMask, tokenTypeIds: new BigInt64Array(rows.length * len), dims: [rows.length, len] };
  };

  return { tokenize, encode, encodeBatch, padId, maxLength };
}

export async function loadTokenizer(path: string, opts: { maxLength?: number } = {}): Promise<BertTokenizer> {
  return createTokenizer(JSON.parse(await readFile(path, 'utf8')), opts);
}
