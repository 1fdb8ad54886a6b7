import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTokenizer, loadTokenizer } from './tokenizer.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MODEL_TOKENIZER = here('../../models/doc-classifier/tokenizer.json');

// Written by tools/train-classifier/train.py from its Python tokenizer and the committed vocabulary.
const cases = JSON.parse(readFileSync(here('./fixtures/tokenizer-cases.json'), 'utf8')) as {
  text: string;
  ids: number[];
  maxLength?: number;
}[];

describe('BERT tokenizer.json reader', () => {
  it('matches the Python tokenizer on tricky strings', async () => {
    const tok = await loadTokenizer(MODEL_TOKENIZER, { maxLength: 10_000 });
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      expect(tok.encode(c.text, c.maxLength), JSON.stringify(c.text.slice(0, 40))).toEqual(c.ids);
    }
  });

  it('truncates to the configured length and pads batches', async () => {
    const tok = await loadTokenizer(MODEL_TOKENIZER, { maxLength: 8 });
    expect(tok.encode('one two three four five six seven eight nine ten')).toHaveLength(8);
    const batch = tok.encodeBatch(['total', 'one two three four five six seven']);
    expect(batch.dims).toEqual([2, 8]);
    const row0 = Array.from(batch.attentionMask.slice(0, 8));
    expect(row0.filter((m) => m === 1n).length).toBe(tok.encode('total').length);
    expect(batch.inputIds[7]).toBe(BigInt(tok.padId));
  });

  // A cased, BertProcessing-style file as older exports write it (vocab ids as in bert-base-cased).
  it('reads other standard BERT tokenizer.json variants', () => {
    const vocab = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, Ca: 1, '##fé': 2, '!': 3, un: 4, '##aff': 5, '##able': 6, 'é': 7 };
    const tok = createTokenizer({
      added_tokens: [{ id: 0, content: '[PAD]', special: true }],
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 6, vocab },
    });
    expect(tok.tokenize('Café! unaffable')).toEqual(['Ca', '##fé', '!', '[UNK]']); // 'unaffable' > 6 chars
    expect(tok.tokenize('unaff é 中')).toEqual(['un', '##aff', 'é', '[UNK]']);
    expect(tok.encode('Café')).toEqual([101, 1, 2, 102]);
  });

  it('rejects a tokenizer.json that is not WordPiece', () => {
    expect(() => createTokenizer({ model: { type: 'BPE', vocab: {}, merges: [] } })).toThrow();
  });
});
