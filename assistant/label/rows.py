"""The rows a follow-up model reads (재판독 행): the lines `kor+eng` read poorly, cut out full width, with the
lines it read well painted over.

A follow-up pass (chi_sim, jpn, tha; tesseract.py) reads one full-width crop spanning every poorly read line,
which keeps the layout Tesseract segments on. The lines between them that `kor+eng` already read well (a Latin
or Korean line between two Chinese ones) would be read again by a model that cannot read them: they cost
recognition time and their glyphs, segmented as Han or Thai, disturb the rows around them. So those lines are
painted in the crop's background colour first: only lines every word of which was read confidently (a line
mixing scripts keeps its pixels), and not when its box touches a line to read (a Thai vowel mark or a tall Han
glyph can reach into the neighbouring line's box).

>>> from assistant.label.ocr import OcrWord
>>> low = [[OcrWord("x", 20, 0, 10, 10, 50, 20)], [OcrWord("y", 30, 2, 10, 110, 50, 20)]]
>>> rows_box(low, 300, 200)
(0, 0, 300, 150)
"""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw, ImageStat

from assistant.label.ocr import OcrPass, OcrWord

Box = tuple[int, int, int, int]
KEEP_PAD = 0.3  # share of a kept line's glyph height around it that is never painted
PAINT_CONF = 85.0  # every word of a line at least this confident: painted (one junk word keeps the line: mixed
# scripts, "제조사: 廣州 …" whose Han part only chi_sim reads)


def low_lines(first: OcrPass, low_conf: float) -> list[list[OcrWord]]:
    """The lines of `first` read with a mean word confidence below `low_conf` (at least 3 characters)."""
    return [ln for ln in first.lines()
            if sum(w.conf for w in ln) / len(ln) < low_conf and sum(len(w.text) for w in ln) >= 3]


def rows_box(lines: list[list[OcrWord]], width: int, height: int) -> Box:
    """Full width, only the rows holding those lines (padded): keeps the layout Tesseract segments on."""
    words = [w for ln in lines for w in ln]
    pad = max(20, max(w.height for w in words))
    return 0, max(0, min(w.top for w in words) - pad), width, min(height, max(w.top + w.height for w in words) + pad)


def line_box(line: list[OcrWord], pad: int = 0) -> Box:
    return (min(w.left for w in line) - pad, min(w.top for w in line) - pad,
            max(w.left + w.width for w in line) + pad, max(w.top + w.height for w in line) + pad)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def rows_crop(img: Image.Image, box: Box, keep: list[list[OcrWord]], lines: list[list[OcrWord]]) -> Image.Image:
    """`img` cut to `box`, every line of `lines` read well (PAINT_CONF), not in `keep` and not touching one,
    painted in the crop's median colour (its background: text covers less of a row band than the paper does)."""
    crop = img.crop(box)
    kept_ids = {ln[0].line for ln in keep if ln}
    kept = [line_box(ln, max(3, round(KEEP_PAD * max(w.height for w in ln)))) for ln in keep]
    draw: Any = None
    fill: Any = None
    for ln in lines:
        if not ln or ln[0].line in kept_ids or min(w.conf for w in ln) < PAINT_CONF:
            continue
        b = line_box(ln, 2)
        if any(_overlaps(b, k) for k in kept) or b[3] <= box[1] or b[1] >= box[3]:
            continue
        if draw is None:
            median = ImageStat.Stat(crop).median
            fill = median[0] if len(median) == 1 else tuple(median)
            draw = ImageDraw.Draw(crop)
        draw.rectangle((b[0] - box[0], b[1] - box[1], b[2] - box[0], b[3] - box[1]), fill=fill)
    return crop
