"""Detect sentences copied from ../shared/sources without needing the sources at test time.

The sources are damaged web copies kept outside the repository. Every run of WINDOW
characters in them (whitespace, punctuation and symbols removed) is stored as a 40-bit
BLAKE2b fingerprint in tests/data/source_fingerprints.txt: no source text is committed,
and the copy test runs on any checkout. With the sources beside the checkout a test
checks the file is current; regenerate it with

    .venv/bin/python tests/source_copy.py
"""
from __future__ import annotations

import hashlib
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
FINGERPRINTS = ROOT / "tests" / "data" / "source_fingerprints.txt"
WINDOW = 20


def normalise(text: str) -> str:
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch).startswith(("P", "S"))))


def fingerprint(window: str) -> str:
    return hashlib.blake2b(window.encode("utf-8"), digest_size=5).hexdigest()


def windows(text: str) -> Iterator[tuple[int, str]]:
    text = normalise(text)
    for i in range(len(text) - WINDOW + 1):
        yield i, text[i:i + WINDOW]


def source_fingerprints(sources: Path = SOURCES) -> list[str]:
    found = set()
    for path in sorted(sources.glob("*.txt")):
        found.update(fingerprint(w) for _, w in windows(path.read_text(encoding="utf-8", errors="ignore")))
    return sorted(found)


def stored_fingerprints() -> set[str]:
    lines = FINGERPRINTS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def write_fingerprints() -> int:
    prints = source_fingerprints()
    header = (f"# {WINDOW}-character runs of ../shared/sources (whitespace, punctuation and symbols removed), "
              "40-bit BLAKE2b each; regenerate: .venv/bin/python tests/source_copy.py\n")
    FINGERPRINTS.write_text(header + "\n".join(prints) + "\n", encoding="utf-8")
    return len(prints)


if __name__ == "__main__":
    if not SOURCES.is_dir():
        sys.exit(f"{SOURCES} not found")
    print(f"{write_fingerprints()} fingerprints written to {FINGERPRINTS.relative_to(ROOT)}")
