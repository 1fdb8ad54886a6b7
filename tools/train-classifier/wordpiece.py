"""BERT tokenization in plain Python: the Hugging Face `tokenizers` BertNormalizer, BertPreTokenizer and
WordPiece model, a BPE-style WordPiece vocabulary builder, and a writer for the `tokenizer.json` format.

The behaviour follows the Rust `tokenizers` crate (normalizer order: clean text, CJK padding, strip
accents, lowercase), so the TypeScript tokenizer in src-main/classify can be tested against it.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections import Counter, defaultdict

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PREFIX = "##"


def _is_whitespace(c: str) -> bool:
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def _is_control(c: str) -> bool:
    if c in "\t\n\r":
        return False
    return unicodedata.category(c).startswith("C")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _is_punct(c: str) -> bool:
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def normalize(text: str, lowercase: bool = True, strip_accents: bool | None = None, clean_text: bool = True,
              handle_chinese_chars: bool = True) -> str:
    if clean_text:
        text = "".join(" " if _is_whitespace(c) else c for c in text if not (ord(c) == 0 or ord(c) == 0xFFFD or _is_control(c)))
    if handle_chinese_chars:
        text = "".join(f" {c} " if _is_cjk(ord(c)) else c for c in text)
    if strip_accents is None:
        strip_accents = lowercase
    if strip_accents:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    if lowercase:
        text = text.lower()
    return text


def pre_tokenize(text: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    for c in text:
        if _is_whitespace(c):
            if cur:
                out.append("".join(cur))
                cur = []
        elif _is_punct(c):
            if cur:
                out.append("".join(cur))
                cur = []
            out.append(c)
        else:
            cur.append(c)
    if cur:
        out.append("".join(cur))
    return out


def wordpiece(word: str, vocab: dict[str, int], unk: str = "[UNK]", max_chars: int = 100) -> list[str]:
    if len(word) > max_chars:
        return [unk]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = PREFIX + sub
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [unk]
        pieces.append(found)
        start = end
    return pieces


class Tokenizer:
    def __init__(self, vocab: list[str], max_length: int = 256):
        self.vocab_list = vocab
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.max_length = max_length

    def tokens(self, text: str) -> list[str]:
        out = []
        for w in pre_tokenize(normalize(text)):
            out += wordpiece(w, self.vocab)
        return out

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        n = (max_length or self.max_length) - 2
        ids = [self.vocab[t] for t in self.tokens(text)[:n]]
        return [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]]


def build_vocab(texts: list[str], size: int, min_char_freq: int = 3, min_word_freq: int = 3) -> list[str]:
    """BPE-style merges over WordPiece symbols ("a", "##b"), most frequent pair first, ties broken by the
    pair itself so the result is deterministic. Vocab = specials + characters + merged pieces."""
    words = Counter()
    for t in texts:
        words.update(pre_tokenize(normalize(t)))
    words = Counter({w: f for w, f in words.items() if f >= min_word_freq and len(w) <= 40})
    chars = Counter()
    for w, f in words.items():
        for i, c in enumerate(w):
            chars[c if i == 0 else PREFIX + c] += f
    alphabet = sorted(s for s, f in chars.items() if f >= min_char_freq)
    # every character seen often enough is a word start; also keep its continuation form
    base = set(alphabet) | {PREFIX + s for s in alphabet if not s.startswith(PREFIX)} | {s[2:] for s in alphabet if s.startswith(PREFIX)}
    vocab = list(SPECIALS) + sorted(base)
    known = set(vocab)
    seqs: list[list[str]] = []
    freqs: list[int] = []
    for w, f in sorted(words.items()):
        sym = [c if i == 0 else PREFIX + c for i, c in enumerate(w)]
        if all(s in known for s in sym):
            seqs.append(sym)
            freqs.append(f)
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for wi, sym in enumerate(seqs):
        for a, b in zip(sym, sym[1:]):
            pair_count[(a, b)] += freqs[wi]
            where[(a, b)].add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    while len(vocab) < size and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc or negc == 0:
            continue
        a, b = pair
        new = a + b[len(PREFIX):]
        if new not in known:
            vocab.append(new)
            known.add(new)
        touched: dict[tuple[str, str], int] = {}
        for wi in sorted(where.pop(pair, set())):
            sym = seqs[wi]
            f = freqs[wi]
            for x, y in zip(sym, sym[1:]):
                pair_count[(x, y)] -= f
                touched[(x, y)] = 1
            merged = []
            i = 0
            while i < len(sym):
                if i + 1 < len(sym) and sym[i] == a and sym[i + 1] == b:
                    merged.append(new)
                    i += 2
                else:
                    merged.append(sym[i])
                    i += 1
            seqs[wi] = merged
            for x, y in zip(merged, merged[1:]):
                pair_count[(x, y)] += f
                where[(x, y)].add(wi)
                touched[(x, y)] = 1
        pair_count.pop(pair, None)
        for p in sorted(touched):
            c = pair_count.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
    return vocab


def tokenizer_json(vocab: list[str], max_length: int) -> dict:
    ids = {t: i for i, t in enumerate(vocab)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for t in SPECIALS
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [ids["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [ids["[SEP]"]], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": PREFIX, "max_input_chars_per_word": 100,
                  "vocab": ids},
    }


def tokenizer_config(max_length: int) -> dict:
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "model_max_length": max_length,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }
