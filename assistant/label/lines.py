"""Text-line detection by image analysis (글줄 찾기), independent of any OCR model's confidences.

Product names are printed largest, often in a decorative font or light on a dark band, and they are what
`kor+eng` over the whole photo reads worst. This module finds the text lines themselves so that the name
reader (name_lines.py) can read the tallest ones with the model that fits:

1. the background is estimated by a wide median filter (on a half-size copy), so a dark band keeps a dark
   background and the gaps between letters stay background;
2. ink is what differs from that background by more than a contrast threshold, in both polarities: darker
   (dark text) and lighter (light text on a dark band);
3. connected components of plausible glyph size are grouped into lines: a component joins a line when it
   overlaps the line's rows and is close to its right end (gaps scale with the glyph height);
4. components with soft edges are not ink: the dark flanks of a specular stripe across a band (or of a shadow's
   edge) differ from the median background as much as letters do, but fade over many pixels where letters have a
   crisp edge (`SOFT_EDGE`); pieces of one row split by such shading (the letters under a stripe washed out) are
   merged across it, and a row ending at it is taken through it;
5. lines of too few glyphs (unless next to, under or over a line of the same height: a piece past a specular
   stripe, a wrapped name's last character or word), barcode bars (only thin tall strokes) and lines found in both polarities (the
   weaker copy) are dropped; lines come back tallest first.

Deliberate simplifications: lines are assumed roughly horizontal (preprocess.py deskews the photo first);
a line broken by a wide gap (two columns) comes back as two lines.

>>> from PIL import Image, ImageDraw
>>> img = Image.new("L", (300, 120), 255)
>>> ImageDraw.Draw(img).rectangle((20, 40, 280, 80), fill=0)  # one wide block: not a glyph row
>>> find_lines(img)
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from assistant.label.preprocess import int_percentile

MIN_GLYPH_PX = 6  # glyph height in the analysed image below which a component is noise
MIN_GLYPHS = 2  # components in a line
CONTRAST = 28.0  # grey levels between ink and its local background
MERGE_GAP = 2.5  # pieces of a row closer than this many glyph heights are one line
SIZE_BREAK = 2.0  # a line's print this many times taller on one side of a gap than on the other: two lines ...
SIZE_BREAK_GAP = 0.5  # ... when the gap is wider than this many glyph heights (a word space at least)
WRAP_GAP = 0.9  # a short row at most this many glyph heights under or over a line continues it
STRIPE_GAP = 6.0  # ... and pieces this far apart when shading lies between them (a specular stripe's width)
STRIPE_REACH = 3.0  # shading within this many glyph heights above or below a row counts as lying across it
SOFT_MIN_PX = 3 * MIN_GLYPH_PX  # components this tall or more (analysed pixels) are tested for soft edges
SOFT_EDGE = 0.06  # a component whose median edge step (grey levels per pixel) is below this share of its contrast
# is shading, not ink: text lines measure mostly 0.17-0.45 and the softest real ones (blurred, dim, low resolution)
# 0.07-0.10; a stripe's flanks 0.02-0.06 (dev21 and dev41 renders, docs/BENCHMARKS.md)


Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class LineBox:
    left: int
    top: int
    right: int
    bottom: int
    height: float  # typical glyph height (px): the ranking key
    polarity: str  # "dark" (dark text on light) | "light" (light text on dark)
    glyphs: int  # components grouped into the line
    wrapped: tuple[LineBox, ...] = ()  # short rows right under or over it that continue it (a wrapped name's end)

    @property
    def width(self) -> int:
        return self.right - self.left

    def crop_box(self, size: tuple[int, int], pad: float = 0.45) -> tuple[int, int, int, int]:
        """The box padded by a share of the glyph height (Thai vowel and tone marks sit above and below the
        letters and are small components of their own), clipped to the image."""
        p = round(pad * self.height) + 4
        return max(0, self.left - p), max(0, self.top - p), min(size[0], self.right + p), min(size[1], self.bottom + p)


def _ink_masks(gray: np.ndarray, coarse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dark, light) ink masks, and each pixel's contrast with its background (grey levels). coarse: the
    background is estimated on a half-size copy and scaled back (a wide median is smooth; a quarter of the pixels
    costs a quarter of the time on a full-resolution image)."""
    import cv2

    h, w = gray.shape
    src = cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA) if coarse else gray
    k = max(15, round(max(src.shape) / 12)) | 1
    if k > 255:  # medianBlur on uint8 accepts any odd size, but keep it bounded for speed
        k = 255
    bg = cv2.medianBlur(src, k)
    if coarse:
        bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    bg = bg.astype(np.int16)
    g = gray.astype(np.int16)
    diff = bg - g  # positive: darker than the background
    spread = int_percentile(np.abs(diff).astype(np.uint8), 99.5)  # |diff| <= 255
    t = max(12.0, min(CONTRAST, 0.35 * spread))
    dark = (diff > t).astype(np.uint8)
    light = (diff < -t).astype(np.uint8)
    return dark, light, np.abs(diff)


def _soft(comp: np.ndarray, gray: np.ndarray, contrast: np.ndarray) -> bool:
    """One component (its mask, grey pixels and contrast in its box, padded by a pixel) has a soft edge: the median
    grey-level step along its boundary (Sobel magnitude / 8) is below SOFT_EDGE × its strongest contrast. A crisp
    letter edge steps by about its contrast over 2-3 pixels, a shading gradient by a small share of it."""
    import cv2

    edge = (comp > 0) & (cv2.erode(comp, np.ones((3, 3), np.uint8)) == 0)
    if not edge.any():
        return False
    g = gray.astype(np.float32)
    step = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 8.0
    return float(np.median(step[edge])) < SOFT_EDGE * max(1.0, float(contrast[comp > 0].max()))


def _components(mask: np.ndarray, small: bool = False, gray: np.ndarray | None = None,
                contrast: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Glyph-sized components as rows (x, y, w, h, area), and the glyph-sized ones dropped for soft edges. small:
    wide components that are not filled bars are kept (small print's letters touch one another:
    "1,3-Dimethylamylamine" can be one blob eight glyphs wide).
    gray, contrast (`_ink_masks`): components SOFT_MIN_PX tall or more with soft edges are dropped (`_soft`); smaller
    ones cannot pass for a name line, and testing them all cost 5-7 ms a photo (a quarter of the detection)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return np.zeros((0, 5), dtype=np.int32), np.zeros((0, 5), dtype=np.int32)
    s = stats[1:]
    h_img, w_img = mask.shape
    w, h, area = s[:, 2], s[:, 3], s[:, 4]
    fill = area / np.maximum(1, w * h)
    keep = (h >= MIN_GLYPH_PX) & (h <= h_img / 4) & (w <= w_img / 3) & (area >= 12)
    keep &= ~((fill > 0.9) & (w > 2 * h) & (h > 2 * MIN_GLYPH_PX))  # filled bars and boxes, not glyphs
    keep &= (w <= 6 * h) | (small & (fill < 0.6))  # rules and underlines
    if gray is None or contrast is None:
        return s[keep], s[:0]
    soft = np.zeros(len(s), dtype=bool)
    for i in np.flatnonzero(keep & (h >= SOFT_MIN_PX)):
        x, y, cw, ch = (int(v) for v in s[i, :4])
        y0, x0, y1, x1 = max(0, y - 1), max(0, x - 1), min(h_img, y + ch + 1), min(w_img, x + cw + 1)
        comp = (labels[y0:y1, x0:x1] == i + 1).astype(np.uint8)
        soft[i] = _soft(comp, gray[y0:y1, x0:x1], contrast[y0:y1, x0:x1])
    return s[keep & ~soft], s[keep & soft]


def _group(comps: np.ndarray) -> list[list[int]]:
    """Indices of components per line (left to right). A line whose print changes size after a word gap keeps its
    largest print (`_size_runs`); the smaller print cut off it is grouped again with the lines near it, without the
    large print: its small letters had made lines of their own (too small to join the large print's line), its
    capitals had joined the large line."""
    lines = _group_once(comps, [int(i) for i in np.argsort(comps[:, 0], kind="stable")])
    kept: list[list[int]] = []
    loose: list[int] = []
    for ids in lines:
        runs = _size_runs(comps, ids)
        largest = max(runs, key=lambda r: _rows_spanned(comps, r))
        kept.append(largest)
        loose += [i for r in runs if r is not largest for i in r]
    if not loose:
        return kept
    x0, y0 = comps[loose, 0].min(), comps[loose, 1].min()
    x1, y1 = (comps[loose, 0] + comps[loose, 2]).max(), (comps[loose, 1] + comps[loose, 3]).max()
    small = max(_rows_spanned(comps, loose), 1) * SIZE_BREAK
    rest: list[list[int]] = []
    again = list(loose)
    for ids in kept:
        c = comps[ids]
        near = c[:, 0].min() < x1 and (c[:, 0] + c[:, 2]).max() > x0 and c[:, 1].min() < y1 \
            and (c[:, 1] + c[:, 3]).max() > y0
        if near and _rows_spanned(comps, ids) < small:
            again += ids
        else:
            rest.append(ids)
    return rest + _group_once(comps, sorted(again, key=lambda i: (int(comps[i, 0]), i)))


def _group_once(comps: np.ndarray, order: list[int]) -> list[list[int]]:
    """Components (indices, in order of their left edge) grouped into lines."""
    lines: list[dict] = []
    for i in order:
        x, y, w, h, _ = (int(v) for v in comps[i])
        best, best_overlap = None, 0.0
        for ln in lines:
            gap = x - ln["right"]
            lh = ln["h"]
            if gap > 1.3 * max(lh, h) or gap < -0.5 * max(lh, h):
                continue
            if not (0.4 * lh <= h <= 2.5 * lh) and h >= MIN_GLYPH_PX * 2:
                continue
            overlap = min(ln["bottom"], y + h) - max(ln["top"], y)
            share = overlap / max(1, min(h, ln["bottom"] - ln["top"]))
            if share >= 0.55 and share > best_overlap:
                best, best_overlap = ln, share
        if best is None:
            lines.append({"ids": [i], "right": x + w, "top": y, "bottom": y + h, "h": float(h)})
            continue
        best["ids"].append(i)
        best["right"] = max(best["right"], x + w)
        best["h"] = _glyph_height(comps[best["ids"]])  # tall glyphs set the line, small marks do not
        # the row band follows the main glyphs only, so that a line does not swallow the one below it
        if h >= 0.6 * best["h"]:
            best["top"], best["bottom"] = min(best["top"], y), max(best["bottom"], y + h)
    return [ln["ids"] for ln in lines]


def _size_runs(comps: np.ndarray, ids: list[int]) -> list[list[int]]:
    """A grouped line cut where, after a word gap, the print changes size: the rows the runs on either side span
    differ SIZE_BREAK times or more (a large name, then a line of body text beside it on the same rows: スリムビュ |
    製造者: 株式会社…). The rows a run spans, not its components' heights: a Hangul syllable is several small pieces."""
    height = _glyph_height(comps[ids])
    out: list[list[int]] = []
    start, right = 0, int(comps[ids[0], 0] + comps[ids[0], 2])
    for n in range(1, len(ids)):
        x = int(comps[ids[n], 0])
        if x - right > SIZE_BREAK_GAP * height:
            left_rows, right_rows = _rows_spanned(comps, ids[start:n]), _rows_spanned(comps, ids[n:])
            if max(left_rows, right_rows) >= SIZE_BREAK * max(1, min(left_rows, right_rows)):
                out.append(ids[start:n])
                start = n
        right = max(right, x + int(comps[ids[n], 2]))
    out.append(ids[start:])
    return out


def _glyph_height(c: np.ndarray) -> float:
    """A line's glyph height: the upper quartile of its components' heights."""
    hs = np.sort(c[:, 3])
    return float(hs[(3 * len(hs)) // 4])


def _rows_spanned(comps: np.ndarray, ids: list[int]) -> int:
    c = comps[ids]
    return int((c[:, 1] + c[:, 3]).max() - c[:, 1].min())


def _lines_of(mask: np.ndarray, polarity: str, scale: float, small: bool = False, gray: np.ndarray | None = None,
              contrast: np.ndarray | None = None) -> tuple[list[LineBox], list[LineBox], list[Box]]:
    """(lines, short rows, soft components' boxes in the image's pixels): a short row is one glyph-sized piece or a
    row narrower than a word ("茶", "MAX" with its letters touching), kept apart: on its own it is noise, under or
    over a line it is a wrapped name's end."""
    comps, soft = _components(mask, small, gray, contrast)
    out: list[LineBox] = []
    short: list[LineBox] = []
    for ids in _group(comps):
        c = comps[ids]
        height = _glyph_height(c)
        main = c[c[:, 3] >= 0.5 * height]
        # barcode bars: every stroke much taller than wide, evenly tall
        if float(np.median(main[:, 3] / np.maximum(1, main[:, 2]))) > 5 and len(main) >= 8:
            continue
        # pieces of a band between light letters are solid, glyph strokes are not
        if float(np.mean(main[:, 4] / np.maximum(1, main[:, 2] * main[:, 3]))) > 0.8:
            continue
        left, right = int(c[:, 0].min()), int((c[:, 0] + c[:, 2]).max())
        # rows of every component: Hangul jamo and Thai marks sit above and below the tallest components
        top, bottom = int(c[:, 1].min()), int((c[:, 1] + c[:, 3]).max())
        box = LineBox(round(left / scale), round(top / scale), round(right / scale), round(bottom / scale),
                      height / scale, polarity, len(ids))
        if len(ids) < MIN_GLYPHS or len(main) < MIN_GLYPHS or right - left < 1.2 * height:
            short.append(box)
        else:
            out.append(box)
    shading = [(round(x / scale), round(y / scale), round((x + w) / scale), round((y + h) / scale))
               for x, y, w, h, _ in soft.tolist()]
    return out, short, shading


def _with_wrapped_ends(lines: list[LineBox], short: list[LineBox]) -> list[LineBox]:
    """`lines`, each with the short rows that continue it (same polarity and glyph height): on its own rows
    within MERGE_GAP of an end, the line is widened to take it in; right under or over it (a line's spacing)
    and centred within its width, it is a wrapped end. A name wrapped onto a second line often ends in one
    character or one word (蜂王浆纤体 / 茶, FAT BLASTER / MAX) that is no line of its own, and without that end
    the name cannot be matched; the name reader also reads the line and its ends as one (name_lines.line_crop)."""
    lines = list(lines)
    ends: dict[int, list[LineBox]] = {}

    def alike(s: LineBox, ln: LineBox) -> bool:
        return ln.polarity == s.polarity and 0.75 <= s.height / max(1e-6, ln.height) <= 1.33

    for s in short:
        for i, ln in enumerate(lines):  # on a line's own rows first: past a specular stripe ("Rhino Gold" | "9000")
            rows = min(ln.bottom, s.bottom) - max(ln.top, s.top)
            side_gap = max(s.left - ln.right, ln.left - s.right)
            if alike(s, ln) and rows >= 0.6 * min(ln.bottom - ln.top, s.bottom - s.top) and \
                    -ln.height < side_gap < MERGE_GAP * ln.height:
                lines[i] = replace(ln, left=min(ln.left, s.left), top=min(ln.top, s.top), right=max(ln.right, s.right),
                                   bottom=max(ln.bottom, s.bottom), glyphs=ln.glyphs + s.glyphs)
                break
        else:
            centre = (s.left + s.right) / 2
            for i, ln in enumerate(lines):
                gap = max(s.top - ln.bottom, ln.top - s.bottom)
                if alike(s, ln) and -0.2 * ln.height <= gap <= WRAP_GAP * ln.height and ln.left <= centre <= ln.right:
                    ends.setdefault(i, []).append(s)
                    break
    return [replace(ln, wrapped=tuple(sorted(ends[i], key=lambda b: b.top))) if i in ends else ln
            for i, ln in enumerate(lines)]


def _shaded_gap(a: LineBox, b: LineBox, shading: Sequence[Box]) -> bool:
    """The columns between `a` and `b` hold shading (a soft component within STRIPE_REACH glyph heights of the row):
    a specular stripe lies across the row and washed out the letters under it."""
    reach = STRIPE_REACH * a.height
    return any(s[0] < b.left and s[2] > a.right and s[1] < a.bottom + reach and s[3] > a.top - reach for s in shading)


def _merge_pieces(lines: list[LineBox], shading: Sequence[Box] = ()) -> list[LineBox]:
    """Pieces of one row split by a specular stripe or a wide letter gap: same polarity, same glyph height,
    same rows, less than MERGE_GAP glyph heights apart, or STRIPE_GAP when shading lies between them."""
    out: list[LineBox] = []
    for b in sorted(lines, key=lambda b: b.left):
        for i, a in enumerate(out):
            same = a.polarity == b.polarity and 0.75 <= b.height / max(1e-6, a.height) <= 1.33
            rows = min(a.bottom, b.bottom) - max(a.top, b.top)
            gap = b.left - a.right
            near = gap < MERGE_GAP * a.height or (gap < STRIPE_GAP * a.height and _shaded_gap(a, b, shading))
            if same and rows >= 0.6 * min(a.bottom - a.top, b.bottom - b.top) and -a.height < gap and near:
                out[i] = LineBox(a.left, min(a.top, b.top), max(a.right, b.right), max(a.bottom, b.bottom),
                                 max(a.height, b.height), a.polarity, a.glyphs + b.glyphs)
                break
        else:
            out.append(b)
    return [_into_shading(b, shading) for b in out]


def _into_shading(b: LineBox, shading: Sequence[Box]) -> LineBox:
    """A row that ends at shading lying across it (a specular stripe: the letters under it washed out) is taken on
    to the shading's far edge, at most STRIPE_GAP glyph heights ("SUGAR BALANCE" / "PL" + the "US" under the stripe)."""
    reach, h = STRIPE_REACH * b.height, b.height
    left, right = b.left, b.right
    for s in shading:
        if not (s[1] < b.bottom + reach and s[3] > b.top - reach):
            continue
        if s[0] <= b.right + h and s[2] > b.right:
            right = max(right, min(s[2], round(b.right + STRIPE_GAP * h)))
        if s[2] >= b.left - h and s[0] < b.left:
            left = min(left, max(s[0], round(b.left - STRIPE_GAP * h)))
    return b if (left, right) == (b.left, b.right) else replace(b, left=left, right=right)


def _intersection(a: LineBox, b: LineBox) -> int:
    return max(0, min(a.right, b.right) - max(a.left, b.left)) * max(0, min(a.bottom, b.bottom) - max(a.top, b.top))


def _area(a: LineBox) -> int:
    return a.width * (a.bottom - a.top)


def _overlap(a: LineBox, b: LineBox) -> float:
    """Intersection over the smaller box."""
    return _intersection(a, b) / max(1, min(_area(a), _area(b)))


def find_lines(img: Image.Image | np.ndarray, max_side: int = 900, small: bool = False) -> list[LineBox]:
    """Text lines in the (preprocessed, upright) image, tallest first, in its pixel coordinates. max_side: the
    image is analysed at most this large (glyphs under MIN_GLYPH_PX there are lost). small: for small print at
    full resolution (small_print.py): letters touching in runs kept (`_components`), the background estimated
    coarsely (`_ink_masks`)."""
    import cv2

    gray = np.asarray(img.convert("L")) if isinstance(img, Image.Image) else img
    h, w = gray.shape
    scale = min(1.0, max_side / max(h, w))
    analysed = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA) \
        if scale < 1 else gray
    dark, light, contrast = _ink_masks(analysed, coarse=small)
    found: list[LineBox] = []
    rows = [_lines_of(mask, polarity, scale, small, analysed, contrast) for mask, polarity in ((dark, "dark"), (light, "light"))]
    shading = [box for _, _, soft in rows for box in soft]  # a stripe's flanks are of either polarity
    for lines, short, _ in rows:
        found += _with_wrapped_ends(_merge_pieces(lines, shading), short)
    return sorted(one_polarity_per_row(found), key=lambda b: (-b.height, b.top))


def one_polarity_per_row(found: list[LineBox]) -> list[LineBox]:
    """Each row once: of a row found in both polarities, the copy with the letters; a line lying over rows of the
    other polarity, not at all."""
    # the same row seen in both polarities (counters and gaps of bold letters, a drop shadow): keep the one with
    # more glyphs, unless the other copy spans it and is as tall (the letters; the shadow or the counters are
    # pieces within them: "꿀잠 수면젤리" light on a band, its black shadow read only under 수면젤리)
    found = sorted(found, key=lambda b: -b.glyphs)
    kept: list[LineBox] = []
    for b in found:
        rivals = [k for k in kept if _overlap(b, k) >= 0.5 and b.polarity != k.polarity]
        if not rivals:
            across = [k for k in kept if b.polarity != k.polarity and _intersection(b, k) > 0]
            if len(across) >= 2 and sum(_intersection(b, k) for k in across) >= 0.5 * _area(b):
                # lying mostly over several rows of the other polarity, each covering less than half of it: the band
                # between two lines of light letters, cut in pieces by a specular stripe, as one tall "line" of dark
                # pieces that outranked the name. Never kept: one line is not the letters of two rows
                continue
        if rivals and all(_spans(b, k) and not _spans(k, b) for k in rivals):
            kept = [k for k in kept if all(k is not r for r in rivals)]
            rivals = []
        if not rivals:
            kept.append(b)
    return kept


def _spans(a: LineBox, b: LineBox) -> bool:
    """`a` reaches over `b`'s whole width (within a quarter glyph) and is at least about as tall."""
    slack = 0.25 * a.height
    return a.left <= b.left + slack and a.right >= b.right - slack and a.height >= 0.9 * b.height


def polarities(lines: list[LineBox]) -> set[str]:
    """The text polarities `lines` show: {"dark"}, {"light"} or both; both when there is no line to go by.

    >>> polarities([LineBox(0, 0, 90, 20, 20.0, "dark", 5)]), sorted(polarities([]))
    ({'dark'}, ['dark', 'light'])
    """
    return {b.polarity for b in lines} or {"dark", "light"}


LOCAL_WINDOW = 2.0  # glyph heights: the neighbourhood whose strongest stroke sets the local contrast
LOCAL_FLOOR = 0.25  # share of the line's strongest response below which a neighbourhood is not stretched


def _local_contrast(hat: np.ndarray, glyph: float) -> np.ndarray:
    """The hat response scaled by the strongest response within a couple of glyph heights: under glare or
    in a shadow the strokes of part of a line differ less from their background, and one Otsu threshold for
    the whole line would drop them ("Green Coffe ... 800" of "Green Coffee Slim 800"). Neighbourhoods whose
    strongest response is below a share of the line's are not stretched (noise between the letters)."""
    import cv2

    h = hat.astype(np.float32)
    w = max(3, round(LOCAL_WINDOW * glyph)) | 1
    local = cv2.blur(cv2.dilate(hat, np.ones((w, w), np.uint8)).astype(np.float32), (w, w))
    floor = max(12.0, LOCAL_FLOOR * int_percentile(hat, 99.5))
    return np.clip(255.0 * h / np.maximum(local, floor), 0, 255).astype(np.uint8)


def clean_line(crop: Image.Image, box: LineBox, offset: tuple[int, int]) -> Image.Image:
    """The line as black glyphs on white. Strokes are separated from their background by a morphological
    top-hat (light text) or black-hat (dark text) with a kernel about half the glyph height — wider than a
    stroke, narrower than a band's gradient or a specular stripe — then thresholded (Otsu inside the line's
    own box, after scaling each stroke by the strongest response around it: glare or a shadow over part of the
    line); what cannot be a glyph is removed (regions much taller than the line, blobs cut by the crop's
    edge). Band edges, gradients and glare then no longer reach Tesseract's binarisation, which a
    single-line read is sensitive to."""
    import cv2

    g = np.asarray(crop.convert("L"))
    k = max(7, round(0.45 * box.height)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    hat = cv2.morphologyEx(g, cv2.MORPH_TOPHAT if box.polarity == "light" else cv2.MORPH_BLACKHAT, kernel)
    hat = _local_contrast(hat, box.height)
    x0, y0 = max(0, box.left - offset[0]), max(0, box.top - offset[1])
    inner = hat[y0:y0 + max(1, box.bottom - box.top), x0:x0 + max(1, box.width)]
    if inner.size < 16:
        return crop.convert("L")
    t, _ = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = hat > max(float(t), 12.0)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    h, w = g.shape
    bad = np.zeros(n, dtype=bool)
    rows = max(box.height, box.bottom - box.top)
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        tall = ch > 1.5 * rows
        edge = (x == 0 or y == 0 or x + cw >= w or y + ch >= h) and area > 0.5 * rows ** 2
        bad[i] = tall or edge
    keep = ink & ~bad[labels]
    share = float(keep[y0:y0 + max(1, box.bottom - box.top), x0:x0 + max(1, box.width)].mean())
    if not 0.03 <= share <= 0.5:  # dense glyphs (bold Han) or a failed separation: the grey pixels instead
        grey = crop.convert("L")
        return Image.fromarray(255 - g) if box.polarity == "light" else grey
    return Image.fromarray(np.where(keep, 0, 255).astype(np.uint8))
