"""Near-miss names against OCR slips, without OCR (이름 유사 제품 대 판독 오류): how often a listed Latin name
changed in one of these ways is a strong (hazard) product match on its own.

    .venv/bin/python bench/name_edits.py [--per-name 10] [--seed 7] [-v]

- word-piece, 2 -> 1: two letters inside a word become one other letter ("Black Mamba" -> "Black Maca"):
  a different product, should not be strong;
- word-piece, 2 new: two adjacent letters inside a word replaced ("Slim" -> "Suvm"): the same;
- OCR slip: one look-alike ("rn" for "m", "v" for "y", "1"/"I" for "l", "0" for "o", "vv" for "w", "cl" for "d",
  "5" for "s"), a letter lost at either end, one letter misread, or one letter lost inside: should be strong.

Each read is one line of a pass with a brand line above it, a line below and an ingredient line (random), as a
full-page pass reads a label; the lists are every sample list (bench/labels/lists), products and ingredients.
Deliberate simplification: single-pass, no maker and no ingredient of the product read, so only the name counts.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

VOWELS, CONSONANTS = "aeiou", "bcdfghklmnprstvwz"
LOOKALIKES = [("m", "rn"), ("y", "v"), ("l", "1"), ("l", "I"), ("o", "0"), ("w", "vv"), ("d", "cl"), ("s", "5")]


def _word(name: str, rng: random.Random) -> tuple[list[str], int]:
    words = name.split()
    return words, rng.choice([i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()])


def piece_two_to_one(name: str, rng: random.Random) -> str:
    words, i = _word(name, rng)
    w = words[i]
    j = rng.randint(1, len(w) - 3)
    pool = VOWELS if w[j].lower() in VOWELS else CONSONANTS
    words[i] = w[:j] + rng.choice([c for c in pool if c not in w[j:j + 2].lower()]) + w[j + 2:]
    return " ".join(words)


def piece_two_new(name: str, rng: random.Random) -> str:
    words, i = _word(name, rng)
    w = words[i]
    j = rng.randint(1, len(w) - 2)
    a = rng.choice([c for c in VOWELS if c != w[j].lower()])
    b = rng.choice([c for c in CONSONANTS if c != w[j + 1].lower()])
    words[i] = w[:j] + a + b + w[j + 2:]
    return " ".join(words)


def ocr_slip(name: str, rng: random.Random) -> str:
    kind = rng.choice(["lookalike", "edge", "misread", "lost"])
    if kind == "lookalike" and (pairs := [(a, b) for a, b in LOOKALIKES if a in name]):
        a, b = rng.choice(pairs)
        k = rng.choice([i for i, c in enumerate(name) if c == a])
        return name[:k] + b + name[k + 1:]
    if kind in ("lookalike", "edge"):
        return name[1:] if rng.random() < 0.5 else name[:-1]
    k = rng.choice([i for i in range(1, len(name) - 1) if name[i].isalpha()])
    if kind == "misread":
        return name[:k] + rng.choice([c for c in "abcdefghiklmnoprstu" if c != name[k].lower()]) + name[k + 1:]
    return name[:k] + name[k + 1:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-name", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every read that ends the wrong way")
    args = ap.parse_args(argv)
    from make_labels import load_all_lists

    from assistant.label.match import NameIndex, match_all
    from assistant.label.ocr import OcrPass, OcrWord
    from assistant.label.snapshot import ListSnapshot

    products, ingredients = load_all_lists()
    index = NameIndex(ListSnapshot.from_rows(products, ingredients))
    rng = random.Random(args.seed)
    latin = [p["product"] for p in products if p["product"].isascii()]

    def strong(read: str, name: str) -> bool:
        lines = [rng.choice(["Premium Health", "Herbal Origin", "Dr. Natural", ""]), read,
                 rng.choice(["60 capsules", "Advanced formula", "Net 500 mg", ""]), "Ingredients: rice flour, gelatin"]
        words = [OcrWord(t, 92.0, i) for i, line in enumerate(x for x in lines if x) for t in line.split()]
        return any(m.kind == "product" and m.strength == "strong" and m.canonical == name
                   for m in match_all(index, [OcrPass("kor+eng", words)], []))

    for label, change, want in (("word-piece, 2 -> 1", piece_two_to_one, False), ("word-piece, 2 new", piece_two_new, False),
                                ("OCR slip", ocr_slip, True)):
        hits = total = 0
        for name in latin:
            for _ in range(args.per_name):
                read = change(name, rng)
                hit = strong(read, name)
                hits, total = hits + hit, total + 1
                if args.verbose and hit != want:
                    print(f"  {label}: {name!r} read {read!r} -> {'strong' if hit else 'not strong'}")
        print(f"{label:20} strong {hits}/{total} ({len(latin)} Latin names x {args.per_name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
