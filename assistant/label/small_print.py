"""Small print read again, enlarged (작은 글씨 확대 재판독).

An ingredient list printed at 6-7 pt comes out of a phone photo with glyphs 8-13 px tall, and Tesseract reads
print that small badly or not at all (its LSTM models read lines normalised to about 36 px; below a glyph height
of about 14 px whole lines are dropped as noise: "Ingredients: Caffeine, Ephedrine Sulfate" read as
"Ingredients Catfeine. 10014 ulate"). The whole-page pass cannot be run on a larger image (its cost grows with the
pixels), so only the small text is enlarged:

1. only when the name reader's lines (found on a smaller copy of the photo) include a small one (under
   GATE_GLYPH_PX): the text lines are found again at the prepared image's full resolution (lines.find_lines; on the
   smaller copy the smallest glyphs are below the noise size and are lost);
2. lines with glyphs under SMALL_GLYPH_PX that the first round did not read well (checker.well_read_lines) are
   grouped into blocks (rows of one polarity, close together);
3. the blocks are cut out, scaled so that their glyphs are TARGET_GLYPH_PX tall, stretched to full contrast, light
   text inverted, and stacked into one image, which is read like a page (`kor+eng` and its follow-ups);
4. the words are moved back into the prepared image's coordinates.

Only what the line detector sees as a block of small text is read (a few glyph-sized specks are not), and the
enlarged pixels are capped (MAX_PIXELS; a block the cap would enlarge less than MIN_GAIN, a whole page of small text,
is left to the second round), so a label without small print pays for the line search alone.

Deliberate simplifications: one scale per block (its median glyph height); blocks are read in one stacked image,
top to bottom, so words are mapped back by the band of the stack they lie in.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from PIL import Image, ImageOps

from assistant.label.lines import LineBox, find_lines
from assistant.label.ocr import OcrPass, OcrResult, OcrWord

Box = tuple[int, int, int, int]
SMALL_GLYPH_PX = 15.0  # line-detector glyph height below which Tesseract reads a line poorly
GATE_GLYPH_PX = 18.0  # a line this small among the name reader's lines: the full-resolution search is worth its cost
TARGET_GLYPH_PX = 24.0  # ... and the height the enlarged glyphs get (Tesseract normalises a line to 36 px)
MAX_SCALE = 3.0  # more than this only enlarges the blur
MIN_GLYPHS = 10  # glyph-sized components a block needs: a block of text, not specks
BLOCK_GAP = 2.5  # glyph heights between the rows of one block (line spacing is about 1.5)
MAX_PIXELS = 1_200_000  # enlarged pixels read per photo at most (a page pass reads about 1.6 million)
MIN_GAIN = 1.3  # a block the pixel cap would enlarge less than this is not read again (a page of small text)
COVERED = 0.6  # share of a line's width a well-read line must span for the line to count as read


@dataclass
class Block:
    box: Box  # in the prepared image, padded
    glyph: float  # median glyph height of its lines
    polarity: str
    glyphs: int

    @property
    def area(self) -> int:
        return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])


def _read(line: LineBox, done: list[Box]) -> bool:
    """A well-read line (box of checker.well_read_lines) spans most of `line`'s width on its rows."""
    for x0, y0, x1, y1 in done:
        rows = min(y1, line.bottom) - max(y0, line.top)
        span = min(x1, line.right) - max(x0, line.left)
        if rows >= 0.5 * (line.bottom - line.top) and span >= COVERED * line.width:
            return True
    return False


def small_blocks(lines: list[LineBox], done: list[Box], size: tuple[int, int]) -> list[Block]:
    """Blocks of small lines not read well yet: rows of one polarity less than BLOCK_GAP glyph heights apart
    that overlap horizontally (an ingredient list and the warning under it), with MIN_GLYPHS or more."""
    small = sorted((b for b in lines if b.height < SMALL_GLYPH_PX and not _read(b, done)), key=lambda b: b.top)
    groups: list[list[LineBox]] = []
    for b in small:
        for g in groups:
            left, right = min(x.left for x in g), max(x.right for x in g)
            bottom = max(x.bottom for x in g)
            near = b.top - bottom <= BLOCK_GAP * b.height and b.left < right + 2 * b.height and b.right > left - 2 * b.height
            if g[0].polarity == b.polarity and near:
                g.append(b)
                break
        else:
            groups.append([b])
    out = []
    for g in groups:
        glyphs = sum(b.glyphs for b in g)
        if glyphs < MIN_GLYPHS:
            continue
        h = statistics.median(b.height for b in g)
        px, py = round(1.5 * h) + 2, round(0.8 * h) + 2
        box = (max(0, min(b.left for b in g) - px), max(0, min(b.top for b in g) - py),
               min(size[0], max(b.right for b in g) + px), min(size[1], max(b.bottom for b in g) + py))
        out.append(Block(box, h, g[0].polarity, glyphs))
    return out


def scales(blocks: list[Block]) -> list[float]:
    """Each block's enlargement (glyphs to TARGET_GLYPH_PX, at most MAX_SCALE), reduced together until the enlarged
    pixels fit MAX_PIXELS."""
    want = [min(MAX_SCALE, TARGET_GLYPH_PX / max(1.0, b.glyph)) for b in blocks]
    pixels = sum(b.area * s * s for b, s in zip(blocks, want, strict=True))
    if pixels > MAX_PIXELS:
        shrink = (MAX_PIXELS / pixels) ** 0.5
        want = [s * shrink for s in want]
    return want


def stack(img: Image.Image, blocks: list[Block], factors: list[float]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The blocks enlarged, contrast-stretched, dark text on white, one under the other with a gap; and each block's
    band (top, bottom) in the stacked image."""
    gray = img.convert("L")
    parts = []
    for b, s in zip(blocks, factors, strict=True):
        crop = gray.crop(b.box)
        crop = crop.resize((max(1, round(crop.width * s)), max(1, round(crop.height * s))), Image.Resampling.LANCZOS)
        if b.polarity == "light":
            crop = ImageOps.invert(crop)
        parts.append(ImageOps.autocontrast(crop, cutoff=1))
    gap = round(TARGET_GLYPH_PX)
    out = Image.new("L", (max(p.width for p in parts), sum(p.height for p in parts) + gap * (len(parts) - 1)), 255)
    bands, y = [], 0
    for p in parts:
        out.paste(p, (0, y))
        bands.append((y, y + p.height))
        y += p.height + gap
    return out, bands


def back_to_image(result: OcrResult, blocks: list[Block], factors: list[float], bands: list[tuple[int, int]]
                  ) -> list[OcrPass]:
    """The stacked image's passes with their words in the prepared image's pixels (region "small"); a word in no
    block's band (a gap) is dropped."""
    out = []
    for p in result.passes:
        words = []
        for w in p.words:
            centre = w.top + w.height / 2
            k = next((i for i, (t, b) in enumerate(bands) if t <= centre < b), None)
            if k is None:
                continue
            s, (x0, y0, _, _), top = factors[k], blocks[k].box, bands[k][0]
            words.append(OcrWord(w.text, w.conf, w.line, x0 + round(w.left / s), y0 + round((w.top - top) / s),
                                 round(w.width / s), round(w.height / s)))
        out.append(OcrPass(p.langs, words, region="small"))
    return out


def read_small_print(ocr: object, img: Image.Image, done: list[Box], hints: frozenset[str] = frozenset(),
                     lines: list[LineBox] | None = None) -> tuple[list[OcrPass], dict]:
    """The small print of `img` (preprocessed, upright) not read well yet (`done`: boxes of the lines read well),
    enlarged and read with `ocr.read_enlarged` (tesseract.py). `lines`: the name reader's lines of `img` (found
    here when not given). Returns the passes and what was done."""
    if not any(b.height < GATE_GLYPH_PX for b in (find_lines(img) if lines is None else lines)):
        return [], {}
    blocks = small_blocks(find_lines(img, max_side=max(img.size), small=True), done, img.size)
    kept = [(b, f) for b, f in zip(blocks, scales(blocks), strict=True) if f >= MIN_GAIN]
    if not kept:
        return [], {}
    blocks, factors = [b for b, _ in kept], [f for _, f in kept]
    stacked, bands = stack(img, blocks, factors)
    result = ocr.read_enlarged(stacked, hints=hints)  # type: ignore[attr-defined]
    info = {"blocks": len(blocks), "scale": [round(s, 2) for s in factors], "size": list(stacked.size)}
    return back_to_image(result, blocks, factors, bands), info
