"""Retrain the document-type classifier on a training set exported from the app (the learning loop).

    countersign dataset export --out reviewed.jsonl
    /usr/bin/python3 tools/train-classifier/retrain.py --dataset reviewed.jsonl --base models/doc-classifier \
        --out /tmp/doc-classifier-1.2.0 --version 1.2.0
    countersign-admin models publish /tmp/doc-classifier-1.2.0 --key admin.key

Starts from an exported model (its vocabulary and weights), fine-tunes on the reviewed examples (one
JSON object a line: `text`, `label`, ...; see src-main/models/dataset-export.ts), and writes a model
folder in the app's layout plus `metrics.json` (accuracy on every fifth example, held out, before and
after) that `countersign-admin models publish` puts into the signed manifest. Deterministic; 2 threads.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import train as base_train  # noqa: E402
from bert import BertForSequenceClassification  # noqa: E402
from quantize import quantize  # noqa: E402
from wordpiece import Tokenizer  # noqa: E402

COPIED = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def read_dataset(path: Path, labels: list[str]) -> list[tuple[str, int]]:
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        ex = json.loads(line)
        if ex.get("label") not in labels:
            raise SystemExit(f"{path}:{n}: label {ex.get('label')!r} is not one of the model's labels {labels}")
        out.append((str(ex.get("text", "")), labels.index(ex["label"])))
    if not out:
        raise SystemExit(f"{path} holds no examples")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, help="JSON Lines from `countersign dataset export`")
    ap.add_argument("--base", default=str(base_train.REPO / "models" / "doc-classifier"), help="model folder to start from (needs onnx/model.onnx)")
    ap.add_argument("--out", required=True, help="new model folder")
    ap.add_argument("--version", required=True, help="the new model's version (config.json)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=base_train.SEED)
    args = ap.parse_args()
    base, out = Path(args.base), Path(args.out)
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    t0 = time.time()

    config = json.loads((base / "config.json").read_text())
    labels = [l for _, l in sorted(config["id2label"].items(), key=lambda kv: int(kv[0]))]
    vocab = (base / "vocab.txt").read_text().split("\n")[:-1]
    tok = Tokenizer(vocab, int(config.get("max_length", 256)))
    data = read_dataset(Path(args.dataset), labels)
    held = [d for i, d in enumerate(data) if i % 5 == 4]
    fit = [d for i, d in enumerate(data) if i % 5 != 4] or data
    log(f"{len(data)} examples: {len(fit)} to train, {len(held)} held out")

    arch = {k: config[k] for k in base_train.ARCH}
    cfg = dict(arch, num_labels=len(labels))
    model = BertForSequenceClassification(cfg)
    base_train.load_onnx_weights(model, base / "onnx" / "model.onnx", cfg["num_hidden_layers"])
    enc = lambda xs: [tok.encode(t) for t, _ in xs]  # noqa: E731
    ys = lambda xs: [y for _, y in xs]  # noqa: E731
    eval_set = held or fit
    before = base_train.accuracy(base_train.predict(model, enc(eval_set)), ys(eval_set))

    base_train.BATCH = args.batch
    base_train.train(model, enc(fit), ys(fit), log_every=5, epochs=args.epochs, lr=args.lr)
    after = base_train.accuracy(base_train.predict(model, enc(eval_set)), ys(eval_set))
    log(f"accuracy on {'held-out' if held else 'training'} examples: {before:.3f} before, {after:.3f} after")

    (out / "onnx").mkdir(parents=True, exist_ok=True)
    for f in COPIED:
        shutil.copyfile(base / f, out / f)
    (out / "config.json").write_text(json.dumps({**config, "version": args.version}, indent=2) + "\n")
    fp32, int8 = out / "onnx" / "model.onnx", out / "onnx" / "model_quantized.onnx"
    base_train.export_onnx(model, fp32)
    quantize(str(fp32), str(int8))
    metrics = {"examples": len(data), "heldOut": len(held), "accuracy": round(after, 4), "baseAccuracy": round(before, 4), "epochs": args.epochs}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    log(f"wrote {out} (version {args.version}) in {time.time() - t0:.0f}s")
    print(json.dumps({"out": str(out), "version": args.version, "metrics": metrics}))


if __name__ == "__main__":
    main()
