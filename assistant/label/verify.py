"""Near misses read again, enlarged (한 글자 차이 재판독): a listed Han or kana name read one character off.

`chi_sim` writes some glyphs of small print as a look-alike: 育亨宾 (yohimbine) read 育六宾, 格列苯脲 (glibenclamide)
read 格列茶脲, on one label after another at the same size. A name of three or more Han or kana characters is never
matched with a character swapped (格列苯脲 and 格列美脲 are both real drugs). Instead, where a page or row pass read a
listed name with exactly one character of the same script different, those words' box is cropped from the image the
pass read and read again as one line by the same model, at other sizes one after the other (2×, 1.5×, 1× alone, 2.5×:
the model's look-alike changes with the size, 格列苯脲 read 格列葵脲 at 2× and 1.5× and exactly at 1×). Only an exact read of the listed name in that crop
is evidence (the matcher then treats it like any other pass); a crop that reads the same look-alike again adds nothing.

When the same model reads a look-alike at every size, the other Chinese model (chi_sim ↔ chi_tra) reads the crop too.
Two models each one glyph off the listed name, at different glyphs, have between them read every glyph of it as
listed (chi_sim 格列茶脲 and chi_tra 格列苯脾 for 格列苯脲): that counts as a read of the name. A different real drug one
glyph away (格列美脲, 育亨宁, 西布曲敏: both models read the same differing glyph) never meets this on renders in two
fonts at three sizes.

The trigger is rare (a listed name one glyph off), so the extra reads cost nothing on most labels; at most
MAX_CROPS crops are read per check, each at most len(SCALES) times (a small crop: ≈ 10–30 ms a read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from assistant.label.match import NameIndex, Stream, _script_class
from assistant.label.ocr import OcrPass, OcrWord

PARTNER = {"chi_sim": "chi_tra", "chi_tra": "chi_sim"}  # the other reader of the same script
SCALES = (2.0, 1.5, 1.0, 2.5)  # the crop at other sizes: 2x read 育亨宾 where the page pass and 1x read 育六宾; 1x read 格列苯脲 where 2x and 1.5x read 格列葵脲 (dev renders)
MAX_CROPS = 3
MIN_LEN, MAX_LEN = 3, 12
READ_AGAIN = ("page", "rows")  # passes whose word boxes are in the prepared image's pixels
_CJK_RUN = re.compile(rf"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]{{{MIN_LEN},}}")


@dataclass
class NearMiss:
    key: str  # the listed name (compact)
    start: int
    end: int
    langs: str


def one_off_keys(index: NameIndex) -> dict[str, list[str]]:
    """Han / kana ingredient names of MIN_LEN..MAX_LEN characters by their one-wildcard forms ("育?宾" → 育亨宾),
    cached on the index."""
    cached = getattr(index, "_one_off", None)
    if cached is not None:
        return cached
    table: dict[str, list[str]] = {}
    for t in index.terms:
        if t.script in ("han", "kana") and MIN_LEN <= len(t.key) <= MAX_LEN:
            for i in range(len(t.key)):
                table.setdefault(t.key[:i] + "\0" + t.key[i + 1:], []).append(t.key)
    index._one_off = table  # type: ignore[attr-defined]
    return table


def near_misses(index: NameIndex, stream: Stream, langs: str) -> list[NearMiss]:
    """Windows of the pass's text that read a listed Han / kana name with one character swapped for another of the
    same script, where the name itself was not read."""
    table = one_off_keys(index)
    if not table or not stream.text:
        return []
    text = stream.text
    sizes = sorted({len(k) for k in table})
    out: list[NearMiss] = []
    seen: set[str] = set()
    for run in _CJK_RUN.finditer(text):  # a swapped glyph of the same script: the window is Han / kana throughout
        for size in sizes:
            for start in range(run.start(), run.end() - size + 1):
                window = text[start:start + size]
                for i in range(size):
                    for key in table.get(window[:i] + "\0" + window[i + 1:], ()):
                        if key in seen or key == window or key in text or _script_class(window[i]) != _script_class(key[i]):
                            continue
                        seen.add(key)
                        out.append(NearMiss(key, start, start + size, langs))
    return out


def one_off_positions(text: str, key: str) -> set[int]:
    """Positions i at which a window of `text` differs from `key` at i alone (-1: `key` itself is in the text)."""
    out: set[int] = set()
    for start in range(len(text) - len(key) + 1):
        diff = [i for i, (a, b) in enumerate(zip(text[start:start + len(key)], key, strict=True)) if a != b]
        if len(diff) <= 1:
            out.add(diff[0] if diff else -1)
    return out


def _box(words: list[Any], img: Image.Image) -> tuple[int, int, int, int] | None:
    if not words:
        return None
    h = sorted(w.height for w in words)[len(words) // 2] or 1  # the median glyph: a split-off radical is shorter
    left = min(w.left for w in words) - h // 2
    top = min(w.top for w in words) - h // 5  # the line's own band: the lines above and below stay out
    right = max(w.left + w.width for w in words) + h // 2
    bottom = max(w.top + w.height for w in words) + h // 5
    box = (max(0, left), max(0, top), min(img.width, right), min(img.height, bottom))
    return box if box[2] - box[0] > 4 and box[3] - box[1] > 4 else None


def reread_near_misses(ocr: Any, index: NameIndex, sources: list[tuple[Image.Image, list[OcrPass]]],
                       info: dict | None = None) -> list[OcrPass]:
    """Reads of listed names that a pass read one character off, from their crops at other sizes and by the
    partner model (module docstring)."""
    if not hasattr(ocr, "read_lines"):
        return []
    found: list[OcrPass] = []
    tried: set[tuple[str, tuple[int, int, int, int]]] = set()
    crops = 0
    for img, passes in sources:
        for p in passes:
            if p.region not in READ_AGAIN or p.langs not in ("chi_sim", "jpn", "chi_tra"):
                continue
            stream = Stream.build(p.words)
            for miss in near_misses(index, stream, p.langs):
                box = _box(stream.words_at(miss.start, miss.end), img)
                if box is None or (miss.key, box) in tried:
                    continue
                tried.add((miss.key, box))
                if crops >= MAX_CROPS:
                    return found
                crops += 1
                crop = img.crop(box)
                # the glyph the pass read otherwise, then those of every re-read one glyph off
                swapped = one_off_positions(stream.text[miss.start:miss.end], miss.key) - {-1}
                got = _read_sizes(ocr, crop, box, miss.key, miss.langs, swapped)
                partner = PARTNER.get(miss.langs)
                if got is None and partner and partner in getattr(ocr, "configured", ()):
                    got = _read_sizes(ocr, crop, box, miss.key, partner, set(), swapped)
                if got is not None:
                    found.append(got[0])
                    if info is not None:
                        info.setdefault("reread", []).append(f"{miss.key} {got[1]}")
    return found


def _read_sizes(ocr: Any, crop: Image.Image, box: tuple[int, int, int, int], key: str, langs: str,
                swapped: set[int], other_swapped: set[int] | None = None) -> tuple[OcrPass, str] | None:
    """The crop read by `langs` at each of SCALES until it reads `key` exactly (a "verify" pass in the image's pixels)
    or, given `other_swapped` (where another model read a look-alike), one glyph off at another place. `swapped`
    collects the places this model read a look-alike."""
    for scale in SCALES:
        big = crop.resize((round(crop.width * scale), round(crop.height * scale)), Image.Resampling.LANCZOS)
        read = ocr.read_lines([big], langs)[0]
        text = Stream.build(read.words).text
        if key in text:
            for w in read.words:  # back to the image's pixels
                w.left, w.top = box[0] + round(w.left / scale), box[1] + round(w.top / scale)
                w.width, w.height = round(w.width / scale), round(w.height / scale)
            read.region = "verify"
            return read, f"×{scale:g}"
        here = one_off_positions(text, key) - {-1}
        if other_swapped and any(i != j for i in here for j in other_swapped):
            # the two models' look-alikes at different glyphs: every glyph of the name was read as listed
            conf = min((w.conf for w in read.words), default=0.0)
            word = OcrWord(key, conf, 0, box[0], box[1], box[2] - box[0], box[3] - box[1])
            return OcrPass(langs, [word], region="verify"), f"×{scale:g} {langs}"
        swapped |= here
    return None
