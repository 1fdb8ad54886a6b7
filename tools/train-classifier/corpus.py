"""The real corpus (../shared/corpus): which documents train, which are held out, and their text.

Text is what the pipeline would see: SROIE transcripts, `pdftotext -layout` for digital PDFs, and OCR
for scans and for odd files without a text layer. OCR is the app's own reader by default (`countersign
text --jsonl`: PP-OCRv4 on ONNX Runtime, the first two pages as the classifier reads them), or tesseract
(page 1, 150 dpi) with READER = "tesseract". OCR output is cached under /tmp, keyed on the reader's code
and model files, so a rerun does not repeat it; both readers are deterministic for the same input.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "countersign-train-classifier-cache"
REPO = Path(__file__).resolve().parents[2]
# "countersign": the app's reader (what the classifier sees in use); "tesseract": the native CLI.
READER = "countersign"

# Chosen for diversity of language and layout: a German layout-heavy invoice, a Dutch webshop invoice and
# an Indian hotel "payment receipt" that the source labels as an invoice. The other four are held out.
TRAIN_INVOICES = ["QualityHosting", "coolblue1", "oyo"]
# The e-invoices (20 producers' samples; a flattened PDF, its scan and the PDF with XML share one id): every
# second id by sorted name trains, the other half is held out for the evaluation.
EINVOICE_PREFIXES = ("einvoice/", "einvoice-flat/", "einvoice-scan/")


def einvoice_base(doc_id: str) -> str:
    return doc_id.split("/", 1)[1]


def load_labels(root: Path) -> list[dict]:
    return [json.loads(l) for l in (root / "labels.jsonl").read_text().splitlines() if l.strip()]


def _run(cmd: list[str], timeout: int = 120) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, check=False).stdout.decode("utf-8", "replace")
    except (subprocess.TimeoutExpired, FileNotFoundError):
        return ""


def _cached(key: str, fn) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    f = CACHE / (hashlib.sha256(key.encode()).hexdigest() + ".txt")
    if f.exists():
        return f.read_text()
    text = fn()
    f.write_text(text)
    return text


def pdf_text(path: Path, layout: bool = True) -> str:
    return _run(["pdftotext", *(["-layout"] if layout else []), "-q", str(path), "-"])


def ocr(path: Path) -> str:
    """OCR of a scan or image-only PDF by READER; '' when the reader is missing."""
    if READER == "countersign":
        return app_ocr([path])[0]
    return tesseract_ocr(path)


def tesseract_ocr(path: Path) -> str:
    """tesseract on an image, or on page 1 of a PDF rendered at 150 dpi; '' when the tools are missing."""
    if not shutil.which("tesseract"):
        return ""
    key = f"ocr:{path}:{hashlib.sha256(path.read_bytes()).hexdigest()}"

    def run() -> str:
        if path.suffix.lower() != ".pdf":
            return _run(["tesseract", str(path), "-", "--psm", "3"])
        with tempfile.TemporaryDirectory() as d:
            _run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-gray", "-png", str(path), os.path.join(d, "p")], timeout=60)
            pages = sorted(Path(d).glob("p*.png"))
            return _run(["tesseract", str(pages[0]), "-", "--psm", "3"]) if pages else ""

    return _cached(key, run)


@functools.cache  # hashing the model files once a run, not once a document
def _reader_fingerprint() -> str:
    """The app reader's code and model files: a change to either reads every page again."""
    h = hashlib.sha256()
    for f in sorted([*(REPO / "src-main" / "ocr").rglob("*.ts"), *(REPO / "src-main" / "text").rglob("*.ts"), *(REPO / "models" / "ocr-ppocrv4").iterdir()]):
        if f.is_file() and not f.name.endswith(".test.ts"):
            h.update(f.name.encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:16]


def app_ocr(paths: list[Path], pages: int = 2) -> list[str]:
    """The text the app's reader gives each file (its first `pages` pages joined, as the classifier reads them),
    read by one `countersign text --jsonl` process for every file not yet cached; '' for a file it cannot read."""
    fp = _reader_fingerprint()
    CACHE.mkdir(parents=True, exist_ok=True)
    keyed = [(p, CACHE / (hashlib.sha256(f"app:{fp}:{pages}:{hashlib.sha256(p.read_bytes()).hexdigest()}".encode()).hexdigest() + ".txt")) for p in paths]
    todo = [p for p, f in keyed if not f.exists()]
    if todo:
        cli = REPO / "bin" / "countersign.mjs"
        out = _run(["node", str(cli), "text", "--jsonl", "--workers", "2", *map(str, todo)], timeout=120 + 30 * len(todo))
        by_file = {}
        for line in out.splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            by_file[row["file"]] = "\n".join(pg["text"] for pg in row.get("pages", [])[:pages])
        for p, f in keyed:
            if p in todo and str(p) in by_file:
                f.write_text(by_file[str(p)])
    return [f.read_text() if f.exists() else "" for _, f in keyed]


def prefetch_ocr(root: Path, docs: list[dict]) -> None:
    """Read every scan among `docs` (transcribed receipts too: training uses both readings) in one reader process,
    so the app's reader starts once, not per file."""
    if READER != "countersign":
        return
    paths = []
    for d in docs:
        path = root / d["file"] if d.get("file") else None
        if not path or d["kind"] == "digital":
            continue
        if d["id"].startswith("odd/") and path.suffix.lower() == ".pdf" and len(pdf_text(path).strip()) >= 40:
            continue
        paths.append(path)
    if paths:
        app_ocr(paths)


def doc_text(root: Path, d: dict) -> str:
    """The text the classifier sees for one labelled corpus document."""
    if d.get("text"):
        return (root / d["text"]).read_text(errors="replace")
    path = root / d["file"]
    if d["kind"] == "digital":
        return pdf_text(path)
    if d["id"].startswith("odd/") and path.suffix.lower() == ".pdf":
        t = pdf_text(path)
        return t if len(t.strip()) >= 40 else ocr(path)
    return ocr(path)


def split(labels: list[dict]) -> dict[str, list[dict]]:
    """Deterministic split. SROIE: every second receipt by id trains (of those, every fifth validates);
    invoices: TRAIN_INVOICES (PDF and scan); odd files labelled 'other': every second by id; e-invoices: every
    second id (its flattened PDF, scan and XML PDF together)."""
    out: dict[str, list[dict]] = {"train": [], "val": [], "heldout": []}
    sroie = sorted((d for d in labels if d["id"].startswith("sroie/")), key=lambda d: d["id"])
    for i, d in enumerate(sroie):
        if i % 2 == 0:
            out["val" if (i // 2) % 5 == 4 else "train"].append(d)
        else:
            out["heldout"].append(d)
    for d in sorted((d for d in labels if d["id"].startswith("invoice2data")), key=lambda d: d["id"]):
        out["train" if d["id"].split("/", 1)[1] in TRAIN_INVOICES else "heldout"].append(d)
    odd = sorted((d for d in labels if d["id"].startswith("odd/") and d.get("docType") == "other"), key=lambda d: d["id"])
    for i, d in enumerate(odd):
        out["train" if i % 2 == 0 else "heldout"].append(d)
    einv = [d for d in labels if d["id"].startswith(EINVOICE_PREFIXES) and d.get("docType")]
    bases = sorted({einvoice_base(d["id"]) for d in einv})
    train_bases = set(bases[::2])
    for d in sorted(einv, key=lambda d: d["id"]):
        out["train" if einvoice_base(d["id"]) in train_bases else "heldout"].append(d)
    return out
