"""Matching what was read against the lists (목록 대조): barcode → product name (+ manufacturer) → ingredients.

The `NameIndex` is built once per list snapshot (cached by `Index.generation()` in the checker):
- products by barcode (exact; UPC-A/EAN-13/UPC-E forms folded together);
- product names and manufacturers as compact keys (normalize.compact) for rapidfuzz partial matching;
- ingredient terms: every blocked-list name (Korean, English, other names incl. Chinese/Japanese) and
  every hazardous ingredient detected in listed products, widened with the built-in multilingual aliases
  (substances.py). Released entries (status N) never produce a term.

OCR text is matched as a *compact stream* (letters and digits of all words concatenated, so OCR
spacing and line breaks don't matter) with a map back to the words, so each hit carries the words
it rests on and their confidence. Tolerance grows with term length (Levenshtein edits allowed: 0 below
8 Latin letters or 5 Hangul/Han/kana characters, then 1; 2 from 11 Latin / 10 other; 3 from 16 Latin), and short terms must stand as whole words,
so "MK" in "MKL-ready" or a 2-syllable name inside a longer word does not count.

A product name read a couple of OCR slips off is that product when one of its own listed ingredients is read
too (`corroborate`).

A name read alone (no maker, no ingredient) is strong only when the read is at most 10% of the name's letters off
in *edits* (Levenshtein over the nearest window of the pass, `read_edits`; Latin OCR look-alikes such as "rn"/"m",
"v"/"y", "1"/"l"/"i", "0"/"o" cost nothing), or is the exact rest of the name with one or two letters cut off at the
edge of a line. The Indel partial ratio that finds the candidates is lenient with a dropped letter, and at the edge of
a pass it compares a shorter window: "Black Maca Energy" (a different product, "mb" → "c") scored 90.3 against
"Black Mamba Energy", as much as a real OCR slip. By edits it is 2 off 16 letters (87.5: review), while
"Blackrnamba Energv" is 0 off (hazard). Deliberate simplifications: a name of 20+ letters still allows two edits,
and folding "i" with "l" makes "Gid" one edit from "Gold"; so a near miss one word-piece apart can still be strong
(bench/name_edits.py counts how often).

Deliberate simplification: names are matched on the whole label text, not only the parsed sections;
parse.py supplies the manufacturer and the ingredient list for evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from assistant.label.barcode import Barcode, barcode_keys
from assistant.label.charset import installed_charset
from assistant.label.normalize import (
    base_normalize,
    by_neighbours,
    compact,
    compact_keep_salts,
    script_of,
    split_names,
)
from assistant.label.ocr import OcrPass, OcrWord
from assistant.label.snapshot import ListSnapshot
from assistant.label.substances import SUBSTANCE_ALIASES

NAME_STRONG = 90.0  # product name score for a hazard (with enough length / manufacturer / line coverage)
NAME_REVIEW = 82.0  # below this a name similarity is not reported
NAME_WITH_MAKER = 82.0  # a name this similar is strong when the listed manufacturer is read too ...
MAKER_VOUCHES = 85.0  # ... this well
LINE_COVERAGE = 0.6  # matched name must be most of its OCR line(s) to count as strong
POOLED_MFR_MIN_LEN = 8  # a manufacturer found in the pooled text of other passes must be at least this long
INGREDIENT_CONF = 60.0  # mean OCR word confidence for an ingredient read to be "good"
INGREDIENT_CONF_EXACT = 40.0  # ... when the read is an exact, long name
_MIN_LEN = {"latin": 3, "hangul": 2, "han": 2, "kana": 3, "thai": 4, "mixed": 3}
_WORD_SUFFIX_KO = "추출|분말|엑스|가루|잎|뿌리|줄기|성분|함유"


@dataclass
class Term:
    key: str  # compact form
    script: str
    display: str  # the name as written in the list
    canonical: str  # Korean list name (name_ko / INGR_NM_LST item)
    source: str
    locator: str
    entry: dict[str, Any]
    origin: str  # "ingredient-list" | "hazard-list"
    wild: tuple[int, ...] = ()  # positions of characters no installed OCR model can output (charset.py)

    @property
    def allowed_edits(self) -> int:
        n = len(self.key)
        if self.script == "latin" or self.script == "mixed":  # Levenshtein edits
            return 0 if n < 8 else 1 if n < 11 else 2 if n < 16 else 3
        if self.script == "thai":  # alphabetic like Latin (a syllable is 2-4 letters), look-alike glyphs (ด/ต, บ/ป)
            return 0 if n < 6 else 1 if n < 10 else 2 if n < 16 else 3
        return 0 if n < 5 else 1 if n < 10 else 2

    @property
    def needs_boundary(self) -> bool:
        return (self.script in ("latin", "mixed") and len(self.key) < 6) or (self.script == "hangul" and len(self.key) <= 2)


@dataclass
class Match:
    kind: str  # "product" | "ingredient"
    name: str  # what the list calls it (product name / ingredient name as listed)
    canonical: str  # product name / Korean ingredient name
    score: float  # 0-100
    evidence: str  # human-readable: what was read and how it matched
    source: str
    locator: str
    entry: dict[str, Any]
    via: str  # "barcode" | "name" | "ingredient"
    strength: str  # "strong" | "weak"
    confidence: float | None = None  # mean OCR confidence of the words it rests on
    read: str = ""  # the OCR words matched

    @property
    def entry_date(self) -> str | None:
        """The list entry's own date (기준일 of the entry): last update or registration of a listed product,
        designation of a blocked ingredient (ISO)."""
        from assistant.label.snapshot import iso_date

        for key in ("updated", "registered", "designated"):
            if d := iso_date(self.entry.get(key)):
                return d
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "canonical": self.canonical, "score": round(self.score, 1),
            "evidence": self.evidence, "source": self.source, "locator": self.locator, "entry": self.entry,
            "via": self.via, "strength": self.strength,
            "confidence": None if self.confidence is None else round(self.confidence, 1), "read": self.read,
            "entry_date": self.entry_date,
        }


@dataclass
class Stream:
    """Compact letters/digits of one OCR pass with a map back to words."""

    words: list[OcrWord]
    text: str = ""
    owner: list[int] = field(default_factory=list)
    spaced: str = ""
    spaced_owner: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, words: list[OcrWord]) -> Stream:
        s = cls(words)
        parts: list[str] = []
        owner: list[int] = []
        sp: list[str] = []
        sp_owner: list[int] = []
        prev_line = None
        for i, w in enumerate(words):
            c = compact_keep_salts(w.text)
            parts.append(c)
            owner += [i] * len(c)
            sep = "\n" if prev_line is not None and w.line != prev_line else " "
            if sp:
                sp.append(sep)
                sp_owner.append(-1)
            b = base_normalize(w.text)
            sp.append(b)
            sp_owner += [i] * len(b)
            prev_line = w.line
        # across words too: OCR writes Han and kana one glyph per word (by_neighbours keeps the length)
        s.text, s.owner = by_neighbours("".join(parts)), owner
        s.spaced, s.spaced_owner = by_neighbours("".join(sp)), sp_owner
        return s

    def words_at(self, start: int, end: int, spaced: bool = False) -> list[OcrWord]:
        own = self.spaced_owner if spaced else self.owner
        ids = sorted({own[i] for i in range(max(0, start), min(end, len(own))) if own[i] >= 0})
        return [self.words[i] for i in ids]


def _conf(words: list[OcrWord]) -> float | None:
    vals = [w.conf for w in words if w.conf >= 0]
    return sum(vals) / len(vals) if vals else None


def _names_from(name: str) -> list[str]:
    """A list name and its parenthesised / bracketed variants: "시부트라민(Sibutramine)" -> both."""
    out = [name]
    inner = re.findall(r"[(\[（]([^)\]）]+)[)\]）]", name)
    outer = re.sub(r"[(\[（][^)\]）]*[)\]）]", " ", name).strip()
    out += inner + ([outer] if outer and outer != name else [])
    return out


class NameIndex:
    """Everything the matcher needs from one list snapshot, precomputed."""

    def __init__(self, snapshot: ListSnapshot, readable: frozenset[str] | None = None):
        """readable: the characters OCR can output (default: every installed model's, charset.py); a list name's
        other characters match any one character of their script (`Term.wild`)."""
        self.snapshot = snapshot
        self.readable = installed_charset() if readable is None else readable
        self.by_barcode: dict[str, list[dict]] = {}
        self.names: list[tuple[str, dict, str]] = []  # (compact key, product row, display name)
        self.terms: list[Term] = []
        self.name_wild: dict[str, tuple[int, ...]] = {}  # product name key → its unreadable positions
        self._build_products(snapshot.products)
        self._build_terms(snapshot)
        self.name_keys = [k for k, _, _ in self.names]
        self.fuzzy_terms = [t for t in self.terms if t.allowed_edits > 0]
        self.fuzzy_keys = [t.key for t in self.fuzzy_terms]

    def _build_products(self, products: list[dict]) -> None:
        for row in products:
            for code in split_names(str(row.get("barcode") or "")):
                for key in barcode_keys(code):
                    self.by_barcode.setdefault(key, []).append(row)
            product = str(row.get("product") or "")
            variants = {product, *(p for p in re.split(r"\s*/\s*", product) if p)} | set(_names_from(product))
            for v in variants:
                key = compact(v)
                if len(key) >= _MIN_LEN.get(script_of(key), 3) + 1:
                    self.names.append((key, row, v))
                    if wild := self._unreadable(key):
                        self.name_wild[key] = wild

    def _build_terms(self, snap: ListSnapshot) -> None:
        blocked_canon: dict[str, dict] = {}
        released: set[str] = set()
        for row in snap.ingredients:
            status = str(row.get("status") or "Y").strip().upper()
            names = [str(row.get("name_ko") or ""), str(row.get("name_en") or "")] + split_names(str(row.get("other_names") or ""))
            names += SUBSTANCE_ALIASES.get(str(row.get("name_ko") or ""), [])
            keys = {compact(v) for n in names if n for v in _names_from(n)}
            if status == "N":
                released |= keys
                continue
            canonical = str(row.get("name_ko") or row.get("name_en") or "")
            blocked_canon[compact(canonical)] = row
            for n in names:
                for v in _names_from(n):
                    self._add_term(v, canonical, row, "ingredient-list")
        # Ingredients detected in listed products (Korean names), unless released and not re-designated.
        designated = {t.key for t in self.terms}
        seen: set[str] = set()
        for row in snap.products:
            for name in split_names(str(row.get("ingredients") or "")):
                ck = compact(name)
                if not ck or ck in seen or ck in blocked_canon:
                    continue
                if ck in released and ck not in designated:
                    continue
                seen.add(ck)
                for alias in [name, *SUBSTANCE_ALIASES.get(name, [])]:
                    entry = {"ingredient": name, "listed_in": str(row.get("seq") or ""), "product": row.get("product"),
                             **{k: row[k] for k in ("registered", "updated") if row.get(k)}}
                    self._add_term(alias, name, {**entry, "_row": row}, "hazard-list")

    def _add_term(self, name: str, canonical: str, row: dict, origin: str) -> None:
        key = compact(name)
        script = script_of(key)
        if len(key) < _MIN_LEN.get(script, 3):
            return
        if any(t.key == key and t.canonical == canonical for t in self.terms):
            return
        src_row = row.get("_row", row)
        entry = {k: v for k, v in row.items() if k != "_row"}
        self.terms.append(Term(key, script, name, canonical, str(src_row.get("source") or ""),
                               str(src_row.get("locator") or ""), entry, origin,
                               self._unreadable(key) if script in _WILD_SCRIPT else ()))

    def _unreadable(self, key: str) -> tuple[int, ...]:
        """Positions of the Han / kana / Hangul characters (one glyph each) in a name that OCR cannot output ("캡슐":
        Debian's kor has no 슐 and reads 캡술), when at most a third of the name (at least one) is such: a name
        mostly unreadable stays exact-only."""
        if not self.readable:
            return ()
        wild = tuple(i for i, c in enumerate(key) if c not in self.readable and _script_class(c))
        return wild if len(wild) <= max(1, len(key) // 3) and len(wild) < len(key) else ()


def _product_entry(row: dict) -> dict:
    keys = ("seq", "product", "manufacturer", "country", "ingredients", "barcode", "registered", "updated", "id")
    return {k: row[k] for k in keys if row.get(k) not in (None, "")}


def match_barcodes(index: NameIndex, barcodes: list[Barcode]) -> list[Match]:
    out = []
    for b in barcodes:
        rows: dict[int, dict] = {}
        for key in barcode_keys(b.text):
            for row in index.by_barcode.get(key, []):
                rows[id(row)] = row
        for row in rows.values():
            how = f"바코드 {b.text} ({b.format}) 일치" if b.source == "bars" else \
                f"바코드 숫자 {b.text} 일치 (막대 아래 숫자를 글자 판독, 검사 숫자 확인)"
            out.append(Match("product", str(row.get("product") or ""), str(row.get("product") or ""), 100.0,
                             how, str(row.get("source") or ""), str(row.get("locator") or ""),
                             _product_entry(row), "barcode", "strong", None, b.text))
    return out


def _line_coverage(stream: Stream, words: list[OcrWord], key_len: int) -> float:
    lines = {w.line for w in words}
    line_text = "".join(compact_keep_salts(w.text) for w in stream.words if w.line in lines)
    return key_len / max(1, len(line_text))


# Latin glyphs OCR reads for one another (Tesseract on phone photos): folded on both sides before counting edits, so
# such a slip costs nothing while a different letter, or a changed word-piece, still counts. Sequences first ("rn"
# before "i"). Folding only merges names that OCR cannot tell apart anyway.
_LOOKALIKE_SEQS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "5": "s", "y": "v"})


def lookalike_fold(text: str) -> str:
    """Compact text with Latin OCR look-alikes folded to one letter.

    >>> lookalike_fold("blackrnambaenergv") == lookalike_fold("blackmambaenergy")
    True
    """
    for seq, one in _LOOKALIKE_SEQS:
        text = text.replace(seq, one)
    return text.translate(_LOOKALIKE)


def read_edits(key: str, text: str, hint: int | None = None) -> int:
    """Levenshtein edits between a name and the window of `text` nearest to it, look-alikes folded or not
    (hint: where the partial ratio aligned the name as read, when the caller has it already).

    >>> read_edits("blackmambaenergy", "herbaloriginblackmacaenergy60capsules")
    2
    >>> read_edits("blackmambaenergy", "blackrnambaenergv60capsules")
    0
    """
    def edits(k: str, t: str, start: int | None = None) -> int:
        if start is None:
            al = fuzz.partial_ratio_alignment(k, t)
            start = al.dest_start if al else 0
        return best_window(k, t, start)[0]

    # folded or as read, whichever is nearer: a misread letter can make a look-alike sequence of its own
    # ("Clpsule": "cl" is no "d" in "Capsule"; "Bukn" for "Burn")
    return min(edits(key, text, hint), edits(lookalike_fold(key), lookalike_fold(text)))


def strong_name_score(key: str) -> float:
    """NAME_STRONG, relaxed to one edit for short names (CJK names are 4-8 characters)."""
    return min(NAME_STRONG, 100.0 * (len(key) - 1) / len(key) - 0.5) if len(key) >= 5 else 100.0


def long_name(key: str) -> bool:
    """Long enough that a near-exact hit is unlikely by chance: 8 Latin letters, 6 Thai, 4 Hangul/Han/kana."""
    script = script_of(key)
    return len(key) >= (8 if script in ("latin", "mixed") else 6 if script == "thai" else 4)


def manufacturer_score(mfr: str, stream: Stream, pooled: str = "") -> float:
    """How well a listed manufacturer (compact) was read: in this pass, or anywhere in `pooled` (the compact
    text of every pass of every photo of the product: the back photo names the maker of the front's name)."""
    score = fuzz.partial_ratio(mfr, stream.text) if 4 <= len(mfr) <= len(stream.text) else 0.0
    if pooled and len(mfr) >= POOLED_MFR_MIN_LEN and len(mfr) <= len(pooled):
        score = max(score, fuzz.partial_ratio(mfr, pooled))
    return score


def _line_texts(stream: Stream, words: list[OcrWord]) -> list[str]:
    """The compact text of each OCR line the words are on."""
    lines = {w.line for w in words}
    return ["".join(compact_keep_salts(w.text) for w in stream.words if w.line == n) for n in sorted(lines)]


def _name_words(key: str, stream: Stream, hint: int) -> list[OcrWord]:
    """The words a name rests on: of the windows near `hint` at most one edit worse than the nearest, the one with
    the fewest words. The partial ratio's window can borrow a letter of the neighbouring word ("Health|lack Mamba
    Energy", "Night Rest Formul|Advanced"), which would put the next line into the name's line coverage."""
    from rapidfuzz.distance import Levenshtein

    text, n = stream.text, len(key)
    windows = [(Levenshtein.distance(key, text[start:end]), len({stream.owner[i] for i in range(start, end)}), start, end)
               for start in range(max(0, hint - 2), min(len(text), hint + 3))
               for end in range(start + max(1, n - 2), min(len(text), start + n + 2) + 1)]
    if not windows:
        return stream.words_at(hint, hint + n)
    nearest = min(w[0] for w in windows)
    _, _, start, end = min((w for w in windows if w[0] <= nearest + 1), key=lambda w: (w[1], w[0], w[2]))
    return stream.words_at(start, end)


def match_names(index: NameIndex, stream: Stream, manufacturer_hint: str | None = None, pooled: str = "") -> list[Match]:
    """Fuzzy product names (+ manufacturer, also from `pooled` text of the other passes) in one OCR pass."""
    if not stream.text or not index.names:
        return []
    out = []
    for key, score, i in process.extract(stream.text, index.name_keys, scorer=fuzz.partial_ratio,
                                         score_cutoff=75, limit=20):
        if key in index.name_wild and len(key) <= len(stream.text):
            # from here on the name as it can be read: its unreadable characters as OCR wrote them here
            key = fill_unreadable(key, index.name_wild[key], stream.text)
            score = fuzz.partial_ratio(key, stream.text)
        short_edits: int | None = None  # a read shorter than the name: its edits from it, when not an exact rest of it
        if len(key) > len(stream.text):
            # a name-line read that lost its first or last letter at the crop's edge ("สลิมมีพลั"): whole-string
            # similarity, not the partial one (which scores any piece of the name 100); an exact rest of the name
            # counts, or a read within 10 % edits of the whole name ("Mass Build.:r | Anabolic", one letter lost
            # inside): "Black Maca Energy", one letter shorter than "Black Mamba Energy", is two edits from it
            if not long_name(key):
                continue
            if not (key.startswith(stream.text) or key.endswith(stream.text)):
                short_edits = read_edits(key, stream.text)
                if 100.0 * (1 - short_edits / len(key)) < NAME_STRONG:
                    continue
            elif len(key) - len(stream.text) > 1:
                continue
            score = fuzz.ratio(key, stream.text)
        if score < min(NAME_REVIEW, strong_name_score(key)):
            continue
        _, row, display = index.names[i]
        if len(key) > len(stream.text):
            words = list(stream.words)
        else:
            al = fuzz.partial_ratio_alignment(key, stream.text)
            if al is None:
                continue
            hint = al.dest_start
            words = _name_words(key, stream, hint)
        mfr = compact(str(row.get("manufacturer") or ""))
        mfr_score = manufacturer_score(mfr, stream, pooled)
        coverage = _line_coverage(stream, words, len(key))
        # alone, the name must be read within 10% edits (look-alikes folded): a whole word-piece changed
        # ("Mamba" -> "Maca") is a different product as often as an OCR slip, and goes to review
        if len(key) > len(stream.text):
            # the exact rest of the name, one edge letter lost; or the whole name read within 10 % edits
            edits, alone = (short_edits, True) if short_edits is not None else (1, score >= NAME_STRONG)
        else:
            edits = read_edits(key, stream.text, hint)
            # the same at the edge of a line: letters cut off ("rbal Viagen Plus" + the panel below; "速瘦身胶囊"),
            # as many as leave a whole-string similarity of NAME_STRONG (one of a 6-character name: 90.9; two: 80)
            cut = [k for k in (1, 2) if fuzz.ratio(key, key[k:]) >= NAME_STRONG]
            lost_edge = any(line.startswith(key[k:]) or line.endswith(key[:-k]) for line in _line_texts(stream, words)
                            for k in cut)
            alone = 100.0 * (1 - edits / len(key)) >= NAME_STRONG or lost_edge
        # a read one letter off a short name is strong only when the listed maker is read too: alone it cannot tell
        # an OCR slip from a near-miss product named one character apart (スリムティー / スリムティ一)
        strong = (alone and long_name(key) and coverage >= LINE_COVERAGE) or \
            (score >= strong_name_score(key) and mfr_score >= 85)
        # the listed maker read on the label (this photo or another of the group) vouches for a name read with a
        # couple of OCR slips (a Thai name with one letter and one vowel sign misread scores 83)
        strong = strong or (score >= NAME_WITH_MAKER and mfr_score >= MAKER_VOUCHES and long_name(key))
        read = " ".join(w.text for w in words)
        ev = f"제품명 '{display}' ≈ 판독 '{read}' (유사도 {score:.0f}, 글자 차이 {edits}"
        ev += f", 제조사 '{row.get('manufacturer')}' 일치)" if mfr_score >= 85 else ")"
        out.append(Match("product", display, str(row.get("product") or ""), float(score), ev, str(row.get("source") or ""),
                         str(row.get("locator") or ""), _product_entry(row), "name", "strong" if strong else "weak",
                         _conf(words), read))
    return out


def fill_unreadable(key: str, wild: tuple[int, ...], text: str) -> str:
    """`key` with each unreadable character (at `wild`) replaced by the character of the same script that the
    nearest window of `text` has in its place, where the alignment substitutes one there.

    >>> fill_unreadable("슬림핏캡슐", (4,), "건강슬림핏캡술60정")
    '슬림핏캡술'
    >>> fill_unreadable("슬림핏캡슐", (4,), "슬림핏캡60정")  # nothing read in its place: unchanged
    '슬림핏캡슐'
    """
    from rapidfuzz.distance import Levenshtein

    al = fuzz.partial_ratio_alignment(key, text)
    hint = al.dest_start if al else 0
    nearest, start, end = best_window(key, text, hint)
    # a window as long as the name when it is as near (a substitution there, not a letter dropped and one added)
    n = len(key)
    same = [(Levenshtein.distance(key, text[s:s + n]), s) for s in range(max(0, hint - 2), min(len(text) - n, hint + 2) + 1)]
    if same and min(same)[0] <= nearest:
        start = min(same)[1]
        end = start + n
    chars = list(key)
    for op in Levenshtein.editops(key, text[start:end]):
        if op.tag == "replace" and op.src_pos in wild and _script_class(text[start + op.dest_pos]) == \
                _script_class(key[op.src_pos]):
            chars[op.src_pos] = text[start + op.dest_pos]
    return "".join(chars)


def _script_class(c: str) -> str | None:
    """"han" / "kana" / "hangul" for one character of those scripts (the ones `_WILD_SCRIPT` covers), else None."""
    for script, cls in _WILD_SCRIPT.items():
        if re.fullmatch(f"[{cls}]", c):
            return script
    return None


def _boundary_pattern(term: Term) -> re.Pattern:
    norm_chars = [re.escape(c) for c in term.key]
    body = r"[\s\-.,·]?".join(norm_chars)
    if term.script == "hangul":
        return re.compile(rf"(?<![가-힣]){body}(?=[^가-힣]|$|{_WORD_SUFFIX_KO})")
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def best_window(key: str, text: str, start_hint: int) -> tuple[int, int, int]:
    """(edit distance, start, end) of the text window nearest to `key` around `start_hint`.

    partial_ratio compares equal-length windows, which punishes an inserted or dropped letter
    (OCR "rn" for "m"); here windows of length L-2..L+2 near the hint are compared by Levenshtein distance.
    """
    from rapidfuzz.distance import Levenshtein

    n = len(key)
    best = (n, start_hint, start_hint + n)
    for start in range(max(0, start_hint - 2), min(len(text), start_hint + 3)):
        for length in range(max(1, n - 2), n + 3):
            end = start + length
            if end > len(text):
                break
            d = Levenshtein.distance(key, text[start:end], score_cutoff=best[0])
            if d < best[0]:
                best = (d, start, end)
    return best


def match_ingredients(index: NameIndex, stream: Stream) -> list[Match]:
    """Blocked / listed-product ingredients in one OCR pass."""
    out: list[Match] = []
    if not stream.text:
        return out
    found: set[int] = set()
    for ti, term in enumerate(index.terms):
        if term.needs_boundary:
            m = _boundary_pattern(term).search(stream.spaced)
            if m:
                out.append(_ingredient_match(term, 100.0, stream.words_at(m.start(), m.end(), spaced=True)))
                found.add(ti)
            continue
        pos = stream.text.find(term.key)
        if pos >= 0:
            out.append(_ingredient_match(term, 100.0, stream.words_at(pos, pos + len(term.key))))
            found.add(ti)
        elif term.wild and (m := _wild_pattern(term).search(stream.spaced)):
            out.append(_ingredient_match(term, 100.0 * (1 - len(term.wild) / len(term.key)),
                                         stream.words_at(m.start(1), m.end(1), spaced=True), wild=len(term.wild)))
            found.add(ti)
    if index.fuzzy_keys:
        term_ids = {id(t): n for n, t in enumerate(index.terms)}
        for key, _score, i in process.extract(stream.text, index.fuzzy_keys, scorer=fuzz.partial_ratio,
                                              score_cutoff=70, limit=None):
            term = index.fuzzy_terms[i]
            if term_ids[id(term)] in found or len(key) > len(stream.text):
                continue
            al = fuzz.partial_ratio_alignment(key, stream.text)
            if al is None:
                continue
            dist, start, end = best_window(key, stream.text, al.dest_start)
            if dist > term.allowed_edits:
                continue
            out.append(_ingredient_match(term, 100.0 * (1 - dist / len(key)), stream.words_at(start, end)))
    return out


_ITEM_SEP = r":：,，、;；/()（）\[\]"
_WILD_SCRIPT = {"han": r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff", "kana": r"\u3040-\u30ff", "hangul": "가-힣"}


def _wild_pattern(term: Term) -> re.Pattern:
    """A name with unreadable characters as one item of a list: its readable characters as listed, each
    unreadable one any character of its script, between a list's separators (a colon, comma, 、, semicolon, slash
    or bracket, or a line's start or end) — not spaces, which OCR puts between Han characters of one word:
    "配料 : 酚 本 , 明胶" reads 酚酞, "茶 多 酚 含 量" does not."""
    cls = _WILD_SCRIPT[term.script]
    body = " ?".join(f"[{cls}]" if i in term.wild else re.escape(c) for i, c in enumerate(term.key))
    return re.compile(rf"(?:^|(?<=[{_ITEM_SEP}]))[ \t]*({body})[ \t]*(?=[{_ITEM_SEP}.。]|$)", re.M)


def _ingredient_match(term: Term, score: float, words: list[OcrWord], wild: int = 0) -> Match:
    conf = _conf(words)
    read = " ".join(w.text for w in words)
    # An exact read of a long name is unlikely to be an OCR accident, so it needs less confidence
    # (Tesseract's CJK confidences run low); a fuzzy read needs INGREDIENT_CONF.
    # Tesseract gives mixed digit/letter words ("2,4-Dinitrophenol,") low confidence even when read
    # perfectly; an exact read of a very long name cannot be an accident, so it needs none.
    # Han/kana: three specific characters in a row are a name, not noise (and chi_sim/jpn confidences run
    # low on phone photos even for clean reads).
    latin = term.script in ("latin", "mixed")
    exact_long = score >= 100 and len(term.key) >= (6 if latin else 3)
    very_long = 10 if latin else 3 if term.script in ("han", "kana") else 5
    exact_very_long = score >= 100 and len(term.key) >= very_long
    need = 0.0 if exact_very_long else INGREDIENT_CONF_EXACT if exact_long or wild else INGREDIENT_CONF
    strong = conf is None or conf >= need  # None: text given directly, not read by OCR
    what = "반입차단 성분" if term.origin == "ingredient-list" else "위해식품 검출 성분"
    ev = f"{what} '{term.display}' ≈ 판독 '{read}' (유사도 {score:.0f}, 인식 신뢰도 {conf:.0f})" if conf is not None else \
        f"{what} '{term.display}' ≈ 판독 '{read}' (유사도 {score:.0f})"
    if wild:  # the rest read exactly, as one item; the glyph OCR cannot write read as another of its script
        ev += f"; OCR 모델에 없는 글자 {wild}자는 같은 문자 체계의 다른 글자로 판독되어 제외하고 대조"
    return Match("ingredient", term.display, term.canonical, score, ev, term.source, term.locator, term.entry,
                 "ingredient", "strong" if strong else "weak", conf, read)


def corroborate(matches: list[Match]) -> list[Match]:
    """A product name read a couple of OCR slips off (weak, >= NAME_WITH_MAKER) is that listed product when one
    of the product's own listed ingredients is read on the label too (strong): two independent reads agree, so
    the verdict names the product entry, not only the ingredient ("男のカプレミアム" for 男の力プレミアム with
    タダラフィル on its panel). The verdict was a hazard on the ingredient either way; only the entry changes."""
    read = {compact(m.canonical) for m in matches if m.kind == "ingredient" and m.strength == "strong"}
    if not read:
        return matches
    for m in matches:
        if m.kind != "product" or m.via != "name" or m.strength == "strong" or m.score < NAME_WITH_MAKER:
            continue
        if not long_name(compact(m.name)):
            continue
        own = [x for x in split_names(str(m.entry.get("ingredients") or "")) if compact(x) in read]
        if own:
            m.strength = "strong"
            m.evidence += f"; 등재 성분 '{own[0]}'도 판독"
    return matches


def match_all(index: NameIndex, passes: list[OcrPass], barcodes: list[Barcode]) -> list[Match]:
    """All matches, best per list entry, products first then ingredients, strongest first."""
    matches = match_barcodes(index, barcodes)
    streams = [Stream.build(p.words) for p in passes]
    pooled = " ".join(s.text for s in streams if s.text) if len(streams) > 1 else ""
    for stream in streams:
        matches += match_names(index, stream, pooled=pooled)
        matches += match_ingredients(index, stream)
    best: dict[tuple, Match] = {}
    rank = {"barcode": 0, "name": 1, "ingredient": 2}
    for m in matches:
        k = (m.kind, m.source, m.locator, m.canonical)
        cur = best.get(k)
        order = (m.strength == "strong", rank[m.via] == 0, m.score, m.confidence or 0)
        if cur is None or order > (cur.strength == "strong", rank[cur.via] == 0, cur.score, cur.confidence or 0):
            best[k] = m
    return sorted(corroborate(list(best.values())),
                  key=lambda m: (m.kind != "product", m.strength != "strong", rank[m.via], -m.score))
