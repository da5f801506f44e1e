"""The name reader (제품명 줄 판독): the tallest text lines read one by one, before the whole-page pass.

A product name is usually the largest print on the front of a package, and often the only evidence on it
(no barcode, no hazardous ingredient). Whole-page `kor+eng` reads such names worst: decorative fonts, light
letters on a dark band, Thai. So the lines found by lines.py are read tallest first, each crop on its own in
Tesseract's single-line mode (`read_lines`, psm 7), with the models that fit what `kor+eng` made of it:

- `kor+eng` always (Latin, Hangul; Vietnamese names match with their diacritics folded);
- `tha` when the product looks Thai (a Thai GS1 barcode, or the crop read as lower-case junk — what Thai
  looks like to `kor+eng`);
- `chi_sim` and `jpn` when `kor+eng` read the crop as junk that is not Thai-like (Han and kana);
- `vie` on a Vietnamese hint or when the read shows Vietnamese diacritics;
- `kor` alone when `kor+eng` read a Hangul line with a poorly read Latin word in it (`korean_lost_to_eng`): the
  Hangul word `kor` could not write (charset.py: 캡슐) went to `eng` ("we");
- a CJK model that read an earlier crop of the photo clearly (the label's script) on every later crop
  `kor+eng` does not read clearly, first.

A crop no model reads clearly is read once more in the other polarity (the detector keeps one polarity of a
row, and a drop shadow or an outline can give more pieces than the letters); that read replaces the first
only when some model reads it clearly.

After each crop the caller's `settle(passes)` is asked whether the evidence so far is decisive (a strong
product-name match, pooled with the other photos of the group); the reader stops there, and the checker
skips the page passes. Reads are returned as one pass per model (region "lines"), the crops in top-to-bottom
order, so that a name wrapped over two lines matches across them.

Deliberate simplifications: a fixed budget of crops (names are among the few tallest lines), and no script
detection of its own: the `kor+eng` read of the crop decides which other models to try.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PIL import Image, ImageOps

from assistant.label.lines import LineBox, clean_line, find_lines
from assistant.label.normalize import LATIN_FOLD, has_cjk, has_thai
from assistant.label.ocr import OcrPass, OcrWord, join_words, mean_conf
from assistant.label.tesseract import (
    CJK_MODELS,
    THAI_LINE_CONF,
    kana_count,
    korean_lost_to_eng,
    thai_like,
    vietnamese_cues,
)

MAX_CROPS = 4  # name lines read per photo at most
TALL_SHARE = 0.6  # a candidate is at least this share of the tallest line's glyph height
ABOVE_BODY = 1.2  # ... and this many times the median line (a name stands out from the body text)
GLYPH_TARGET_PX = 56  # crops with taller glyphs are scaled down to this (Tesseract gains nothing from more)
CJK_JUNK_CONF = 60.0  # below this mean confidence a kor+eng read is junk: chi_sim, jpn and tha try the crop
CONFIDENT_LINE = 80.0  # a model reading the crop this well ends the tries on it
CONFIDENT_CJK_LINE = 65.0  # ... chi_sim / jpn
# ... but the other CJK model still reads the crop unless this sure: chi_sim reads kana as simple Han glyphs with fair
# confidence (スリムビューティー as "又 UAL 了 一 于 了 一", 67), which jpn reads at 90-93
SURE_CJK_LINE = 80.0

Settle = Callable[[list[OcrPass]], bool]
_JAMO = re.compile("[\u3131-\u318e]")  # Hangul compatibility letters written on their own


@dataclass
class NameRead:
    passes: list[OcrPass] = field(default_factory=list)  # one per model, region "lines"
    settled: bool = False
    info: dict[str, Any] = field(default_factory=dict)
    scripts: set[str] = field(default_factory=set)  # "tha" / "vie" when that model read a name line clearly,
    # "jpn" when jpn read one clearly with kana
    lines: list[LineBox] = field(default_factory=list)  # every text line found in the image (lines.py)


def name_candidates(lines: list[LineBox], max_crops: int = MAX_CROPS) -> list[LineBox]:
    """The lines that can be a product name: the tallest, standing out from the body text (tallest first).
    With three lines or fewer every line is a candidate (a front photo may show only the name)."""
    if not lines:
        return []
    if len(lines) <= 3:
        return lines[:max_crops]
    body = statistics.median(b.height for b in lines)
    top = lines[0].height
    return [b for b in lines if b.height >= TALL_SHARE * top and b.height >= ABOVE_BODY * body][:max_crops]


def crop_scale(box: LineBox) -> float:
    """How much a line's crop is scaled down to GLYPH_TARGET_PX (1.0: left as it is, within 5 %)."""
    scale = min(1.0, GLYPH_TARGET_PX / max(1.0, box.height))
    return scale if scale < 0.95 else 1.0


def line_crop(img: Image.Image, box: LineBox, clean: bool = True, ends: bool = False) -> Image.Image:
    """Crop of one line, dark text on light, scaled to a glyph height Tesseract reads well: thresholded in the
    line's own polarity (lines.clean_line), or (clean=False) the grey pixels, inverted for a light line.
    ends: the line with its wrapped ends (a name's last character or word on the next row) as one line, the
    rows side by side in reading order, a glyph height of white between them."""
    if ends and box.wrapped:
        rows = sorted([replace(box, wrapped=()), *(replace(b, polarity=box.polarity) for b in box.wrapped)],
                      key=lambda b: b.top)
        crops = [_row_crop(img, b, clean, crop_scale(box)) for b in rows]
        gap = max(4, round(box.height * crop_scale(box)))
        out = Image.new("L", (sum(c.width for c in crops) + gap * (len(crops) - 1), max(c.height for c in crops)), 255)
        x = 0
        for c in crops:
            out.paste(c, (x, (out.height - c.height) // 2))
            x += c.width + gap
        return out
    return _row_crop(img, box, clean, crop_scale(box))


def _row_crop(img: Image.Image, box: LineBox, clean: bool, scale: float) -> Image.Image:
    x0, y0, x1, y1 = box.crop_box(img.size)
    crop = img.convert("L").crop((x0, y0, x1, y1))
    if clean:
        crop = clean_line(crop, box, (x0, y0))
    elif box.polarity == "light":
        crop = ImageOps.invert(crop)
    if scale < 1.0:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                           Image.Resampling.BOX)
    return crop


def _models_for(first: OcrPass, models: dict[str, Any], hints: frozenset[str], thai_suspected: bool,
                label_cjk: tuple[str, ...] = ()) -> list[str]:
    """The other models worth a try on a crop, in the order to try them, given what `kor+eng` read there.
    label_cjk: the CJK models that read an earlier crop of the photo clearly (the label's script), tried first
    on any crop `kor+eng` does not read clearly: a short kana or Han line can look like a plausible Latin word
    to `kor+eng` ("Tir" for ティー, confidence 70) and would otherwise not be shown to them."""
    words = first.words
    conf = mean_conf(first)
    thai = models.get("thai")
    cjk = list(models.get("cjk") or [])
    out: list[str] = [m for m in label_cjk if m in cjk and not confident(first)]
    # a lone Hangul letter (ㅅ, ㅏ) is no word of a name: `kor` writes one for a kana or Han stroke it cannot place
    # (スリムビュ read "ㅅ Ly Ea" at 61), however confident the rest of the read looks
    junk = not words or letter_conf(first) < CJK_JUNK_CONF or any(_JAMO.search(w.text) for w in words)
    junk_thai = bool(words) and thai_like(words) and conf < THAI_LINE_CONF
    if thai and ("tha" in hints or junk_thai or (thai_suspected and conf < THAI_LINE_CONF)):
        out.append(thai)
    if junk:  # Han, kana, or Thai that did not look Thai-like to kor+eng ("AANH wa")
        out += [m for m in (*cjk, thai) if m and m not in out]
    accented = any(ord(c) in LATIN_FOLD for w in words for c in w.text)  # "Vién Giam Can": one is enough on a name
    if models.get("vie") and ("vie" in hints or accented or (words and vietnamese_cues(first))):
        out.append(models["vie"])
    return out


def letter_conf(p: OcrPass) -> float:
    """Mean confidence of a read weighted by its letters and digits: the "?" and ":" Tesseract writes for blobs it
    cannot read carry no evidence that the line was read (a confident "?" beside "RRR." at 18 is a junk read)."""
    weights = [(sum(c.isalnum() for c in w.text), w.conf) for w in p.words if w.conf >= 0]
    total = sum(n for n, _ in weights)
    return sum(n * c for n, c in weights) / total if total else 0.0


def confident(p: OcrPass) -> bool:
    """A single-line read clear enough that the remaining models need not try the crop (chi_sim and jpn
    confidences run lower for the same quality; their read must hold Han or kana)."""
    text = "".join(w.text for w in p.words)
    if p.langs in ("chi_sim", "chi_tra", "jpn"):
        return sum(1 for c in text if has_cjk(c)) >= 2 and mean_conf(p) >= CONFIDENT_CJK_LINE
    return len(text) >= 3 and mean_conf(p) >= CONFIDENT_LINE


def _assemble(reads: dict[str, list[tuple[LineBox, OcrPass]]], box_of: dict[int, tuple[int, int, int, int]]
              ) -> list[OcrPass]:
    """One pass per model: its crops top to bottom, words moved back into the photo's coordinates (roughly:
    the crop's offset and scale), one line id per crop."""
    out = []
    for langs, items in reads.items():
        words: list[OcrWord] = []
        for n, (box, p) in enumerate(sorted(items, key=lambda it: (it[0].top, it[0].left))):
            x0, y0, _, _ = box_of[id(box)]
            scale = crop_scale(box)
            for w in p.words:
                words.append(OcrWord(w.text, w.conf, n, x0 + round(w.left / scale), y0 + round(w.top / scale),
                                     round(w.width / scale), round(w.height / scale)))
        out.append(OcrPass(langs, words, region="lines"))
    return out


def _read_crop(ocr: Any, crop: Image.Image, first_model: str, models: dict[str, Any], hints: frozenset[str],
               thai_suspected: bool, label_cjk: tuple[str, ...], raw: bool = False) -> list[tuple[str, OcrPass]]:
    """One crop read with `first_model`, then with the models that fit its read until one reads it clearly. raw: a
    read that finds no text is made again as a raw line (`read_lines(raw=True)`)."""

    def read(langs: str) -> OcrPass:
        return ocr.read_lines([crop], langs, raw=raw)[0]

    first = read(first_model)
    out = [(first_model, first)]
    if first_model != "kor" and "kor" in first_model.split("+") and korean_lost_to_eng(first.words):
        out.append(("kor", read("kor")))
    for langs in dict.fromkeys(_models_for(first, models, hints, thai_suspected, label_cjk)):
        p = read(langs)
        out.append((langs, p))
        if confident(p) and (langs not in CJK_MODELS or mean_conf(p) >= SURE_CJK_LINE):
            break
    return out


def read_name_lines(ocr: Any, img: Image.Image, settle: Settle, hints: frozenset[str] = frozenset(),
                    max_crops: int = MAX_CROPS, lines: list[LineBox] | None = None) -> NameRead:
    """Read the name candidates of `img` (preprocessed, upright), tallest first, until `settle` says the
    evidence is decisive. `ocr` needs `read_lines(crops, langs)` and `models` (tesseract.py, FakeOCR)."""
    found = find_lines(img) if lines is None else lines
    candidates = name_candidates(found, max_crops)
    models: dict[str, Any] = getattr(ocr, "models", {}) or {}
    first_model = models.get("first") or "kor+eng"
    reads: dict[str, list[tuple[LineBox, OcrPass]]] = {}
    box_of: dict[int, tuple[int, int, int, int]] = {}
    result = NameRead(info={"lines_found": len(found), "candidates": len(candidates), "crops_read": 0, "models": []},
                      lines=found)
    thai_suspected = "tha" in hints
    label_cjk: tuple[str, ...] = ()
    for box in candidates:
        box_of[id(box)] = box.crop_box(img.size)
        crop_reads = _read_crop(ocr, line_crop(img, box), first_model, models, hints, thai_suspected, label_cjk)
        box_read = box
        if not any(confident(p) for _, p in crop_reads):
            # no model reads the crop clearly: the detector may have kept the wrong polarity of the row (a drop
            # shadow or a letter's outline can give more pieces than the letters), so the other one is read too;
            # a read that replaces the first must be clear
            flipped = replace(box, polarity="dark" if box.polarity == "light" else "light")
            again = _read_crop(ocr, line_crop(img, flipped), first_model, models, hints, thai_suspected, label_cjk)
            result.info["flipped"] = result.info.get("flipped", 0) + 1
            if any(confident(p) for _, p in again):
                crop_reads, box_read = again, flipped
            elif max(letter_conf(p) for _, p in crop_reads + again) < CJK_JUNK_CONF:
                # no model made out letters in either polarity: the separation itself may have failed (the strokes of
                # a heavy Han font under a dark stripe closed up by the black-hat), so the grey pixels are read, as a
                # raw line where the single-line mode finds no text (a bold name with an outline)
                grey = _read_crop(ocr, line_crop(img, box, clean=False), first_model, models, hints, thai_suspected,
                                  label_cjk, raw=True)
                result.info["grey"] = result.info.get("grey", 0) + 1
                if any(confident(p) or letter_conf(p) >= CJK_JUNK_CONF for _, p in grey):  # letters where none were
                    crop_reads = grey
        if box.wrapped:
            # the row with its wrapped ends, read as one line by the model that read the row best (a lone 茶 read on
            # its own is often misread; in the line it ends it is not). The row's own reads stay as they are: an end
            # that is not the name's (a mark, a piece of a stripe) must not spoil them
            best = max(crop_reads, key=lambda r: (confident(r[1]), mean_conf(r[1])))[0]
            crop_reads = crop_reads + [(best, ocr.read_lines([line_crop(img, box_read, ends=True)], best)[0])]
            result.info["wrapped"] = result.info.get("wrapped", 0) + 1
        for langs, p in crop_reads:
            reads.setdefault(langs, []).append((box, p))
            if confident(p) and langs in ("tha", "vie"):  # the label's script: later crops and the page passes use it
                result.scripts.add(langs)
            if confident(p) and langs == "jpn" and kana_count(join_words(p.words)) >= 2:
                result.scripts.add("jpn")  # a Japanese label: its page follow-ups try jpn first when crowded
            if confident(p) and langs in (models.get("cjk") or []) and langs not in label_cjk:
                label_cjk += (langs,)
        thai_suspected = thai_suspected or "tha" in result.scripts
        result.info["crops_read"] += 1
        result.info["models"].append("+".join(langs for langs, _ in crop_reads))
        result.passes = _assemble(reads, box_of)
        if settle(result.passes):
            result.settled = True
            break
    return result


def reread_names(ocr: Any, img: Image.Image, lines: list[LineBox], langs: list[str], read: list[str],
                 max_crops: int = MAX_CROPS) -> list[OcrPass]:
    """The name candidates of `img` read once more with those of `langs` that did not read them yet (`read`: the
    models per crop, as `read_name_lines` reports them in info["models"], "kor+eng+tha"), one pass per model:
    for a script the photos revealed after the names were read — a Thai maker's address on the back of a group,
    a Thai barcode read from its digits — that `kor+eng` had read as confident Latin words ("aau wad", 90) and
    so never showed to that model. Only the crops read before are read again."""
    reads: dict[str, list[tuple[LineBox, OcrPass]]] = {}
    box_of: dict[int, tuple[int, int, int, int]] = {}
    for box, done in zip(name_candidates(lines, max_crops), read, strict=False):
        todo = [m for m in langs if m not in done.split("+")]
        if not todo:
            continue
        box_of[id(box)] = box.crop_box(img.size)
        crop = line_crop(img, box)
        for m in todo:
            reads.setdefault(m, []).append((box, ocr.read_lines([crop], m)[0]))
    return _assemble(reads, box_of)


def lines_text(passes: list[OcrPass]) -> str:
    """The name lines for display: the first model's reads, plus other models' lines that hold Thai or CJK."""
    if not passes:
        return ""
    base = next((p for p in passes if p.langs == "vie"), passes[0])  # vie keeps the diacritics as printed
    parts = [base.text]
    for p in passes:
        if p is not base:
            parts += [t for ln in p.lines() if (has_cjk(t := join_words(ln)) or has_thai(t))]
    return "\n".join(x for x in parts if x)
