"""Image preprocessing before OCR (전처리). Each step is switchable so the benchmark can show it helps.

Steps (in order): grayscale; resize so the longer side falls in [min_side, max_side] (upscale small
text, downscale big photos: Tesseract time grows with pixels); inversion when the label is mostly
dark (light text on a dark background); CLAHE contrast for dim or unevenly lit photos; deskew by
projection profile (rotations up to about ±15°).

Deliberate simplifications: global inversion only (a dark band on a light label is left to
Tesseract's own per-line inversion); deskew searches a fixed angle grid instead of fitting lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class PreprocessOptions:
    grayscale: bool = True
    min_side: int = 1100
    max_side: int = 1600
    invert_dark: bool = True
    clahe: bool = False
    deskew: bool = True
    deskew_max_deg: float = 20.0
    deskew_step_deg: float = 1.0
    retry_flattened: bool = True  # second OCR round on background-flattened images when the first finds nothing strong
    retry_max_side: int = 1250  # the flattened images are clean dark-on-white: fewer pixels read as well


def resize_for_ocr(img: Image.Image, opts: PreprocessOptions) -> Image.Image:
    w, h = img.size
    side = max(w, h)
    if side > opts.max_side:
        scale = opts.max_side / side
    elif side < opts.min_side:
        scale = min(opts.min_side / side, 3.0)
    else:
        return img
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return img.resize(size, Image.Resampling.LANCZOS if scale > 1 else Image.Resampling.BILINEAR)


def int_percentile(a: np.ndarray, q: float) -> float:
    """`np.percentile(a, q)` (its default linear interpolation, the same float) of an array of non-negative
    integers, from their histogram: no sort of a photo's pixels (a partial sort of 1.6 M values takes longer
    than counting them).

    >>> a = np.array([[0, 3, 3], [7, 250, 9]], dtype=np.uint8)
    >>> int_percentile(a, 99.5) == float(np.percentile(a, 99.5)), int_percentile(a, 50)
    (True, 5.0)
    """
    import cv2

    flat = a.ravel()
    if flat.dtype == np.uint8 and flat.size < 1 << 24:  # counts exact in calcHist's float32; 4x faster than bincount
        cum = np.cumsum(cv2.calcHist([flat], [0], None, [256], [0, 256]).ravel().astype(np.int64))
    else:
        cum = np.cumsum(np.bincount(flat))
    pos = q / 100 * (flat.size - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, flat.size - 1)
    below, above = (float(np.searchsorted(cum, i, side="right")) for i in (lo, hi))
    t = pos - lo
    # numpy's lerp, step for step, so that the result is the same float
    return above - (above - below) * (1 - t) if t >= 0.5 else below + (above - below) * t


def _text_mask(gray: np.ndarray) -> np.ndarray:
    """Stroke edges (morphological gradient, Otsu): text lines, not large filled regions."""
    import cv2

    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, mask = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask


def is_dark(gray: np.ndarray) -> bool:
    """Light text on a dark background: judged around the text, not over the whole photo
    (a dark label on a light table is still a dark label)."""
    import cv2

    mask = _text_mask(gray)
    near = cv2.dilate(mask, np.ones((9, 9), np.uint8)) > 0
    if near.sum() < 100:
        return int_percentile(gray, 50) < 110
    return int_percentile(gray[near], 50) < 110


def apply_clahe(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def estimate_skew(gray: np.ndarray, max_deg: float, step: float) -> float:
    """Angle (degrees, counter-clockwise) that makes text rows horizontal: maximises the variance of the
    row profile of stroke edges (so a dark label block or the table edge does not dominate).

    Each angle's profile counts the edge pixels by the row they land on when turned (those turned out of the
    frame dropped): the edge points are turned, not the image (a tenth as many values to move; the angle found
    differs from turning the image by at most a fine step, on 10 of 517 tuning and dev photos)."""
    import cv2

    h, w = gray.shape
    scale = 600 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    edges = _text_mask(small)
    sh, sw = edges.shape
    ys, xs = np.nonzero(edges)
    dx, dy = xs - sw / 2, ys - sh / 2

    def score(angle: float) -> float:
        a = np.deg2rad(angle)
        c, s = np.cos(a), np.sin(a)
        x2 = np.floor(c * dx + s * dy + sw / 2 + 0.5).astype(np.int64)  # as cv2.getRotationMatrix2D turns them
        y2 = np.floor(-s * dx + c * dy + sh / 2 + 0.5).astype(np.int64)
        inside = (x2 >= 0) & (x2 < sw) & (y2 >= 0) & (y2 < sh)
        return float(np.var(np.bincount(y2[inside], minlength=sh).astype(np.float64)))

    coarse = max(step, 1.0)
    best = max(np.arange(-max_deg, max_deg + 1e-6, coarse), key=score)
    fine = max(np.arange(best - coarse, best + coarse + 1e-6, coarse / 4), key=score)
    return float(fine)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = int(int_percentile(gray, 50))
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def flatten_background(gray: np.ndarray, text_dark: bool) -> np.ndarray:
    """Glare and uneven light removed (배경 평탄화): morphological black-hat (dark text) or top-hat (light text)
    with a kernel wider than a stroke, stretched and returned as dark text on white.

    Glare on a dark label lifts the background to the brightness of the text, so neither the global
    polarity nor Tesseract's binarisation separates them; the hat transform keeps only strokes thinner
    than the kernel whatever the local background level. A curved bottle's shading goes the same way.
    """
    import cv2

    side = max(gray.shape)
    k = max(15, round(side / 50)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    hat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT if text_dark else cv2.MORPH_TOPHAT, kernel)
    # local contrast: strokes under glare differ less from their background, so each stroke is scaled by
    # the strongest response around it (floored, so that empty regions' noise is not blown up); the maximum is
    # taken on the 8-bit response (the same values, a third of the time of float pixels)
    hat_f = hat.astype(np.float32)
    local = cv2.blur(cv2.dilate(hat, np.ones((3 * k, 3 * k), np.uint8)).astype(np.float32), (3 * k, 3 * k))
    floor = max(8.0, 0.5 * int_percentile(hat, 99.5))
    stretched = np.clip(255.0 * hat_f / np.maximum(local, floor), 0, 255).astype(np.uint8)
    return 255 - stretched


def _line_is_whole(flat: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """No ink just left or right of a line's box: the first round read the whole line, not the part of it
    outside the glare ("Sugar Balanc" of "Sugar Balance Plus")."""
    x0, y0, x1, y1 = (max(0, v) for v in box)
    reach = 3 * max(1, y1 - y0)
    for strip in (flat[y0:y1, max(0, x0 - reach):x0], flat[y0:y1, x1:x1 + reach]):
        if strip.size and float((strip < 128).mean()) > 0.01:
            return False
    return True


def retry_images(prepared: Image.Image, blank: list[tuple[int, int, int, int]] | None = None,
                 polarities: set[str] | frozenset[str] = frozenset({"dark", "light"})) -> list[tuple[str, Image.Image]]:
    """The alternatives for the second OCR round: the prepared image flattened for both text polarities
    (the polarity judged in `preprocess` is what glare most often gets wrong). OCR keeps the one it reads
    with more confidence. `blank`: boxes (left, top, right, bottom) the first round already read well,
    painted white so the second round spends its time only on what is left. `polarities`: the text
    polarities to flatten for ("dark", "light"; the checker passes those the line detector found)."""
    gray = np.asarray(prepared.convert("L"))
    out = []
    for name, dark in (("flat-dark-text", True), ("flat-light-text", False)):
        if ("dark" if dark else "light") not in polarities:
            continue
        flat = flatten_background(gray, dark)
        for box in blank or []:
            if _line_is_whole(flat, box):
                x0, y0, x1, y1 = (max(0, v) for v in box)
                flat[y0:y1, x0:x1] = 255
        out.append((name, Image.fromarray(flat)))
    return out


def shrink(img: Image.Image, max_side: int) -> tuple[Image.Image, float]:
    """The image with its longer side at most `max_side`, and the scale applied."""
    side = max(img.size)
    if side <= max_side:
        return img, 1.0
    scale = max_side / side
    return img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.BOX), scale


def preprocess(img: Image.Image, opts: PreprocessOptions | None = None) -> tuple[Image.Image, dict]:
    """Return the image to OCR and a dict describing what was done (for evidence and the benchmark)."""
    opts = opts or PreprocessOptions()
    info: dict = {}
    img = img.convert("L") if opts.grayscale else img.convert("RGB")
    img = resize_for_ocr(img, opts)
    info["size"] = list(img.size)
    if not opts.grayscale:
        return img, info
    gray = np.asarray(img)
    if opts.invert_dark and is_dark(gray):
        gray = 255 - gray
        info["inverted"] = True
    if opts.clahe:
        gray = apply_clahe(gray)
    if opts.deskew:
        angle = estimate_skew(gray, opts.deskew_max_deg, opts.deskew_step_deg)
        if abs(angle) >= opts.deskew_step_deg:
            gray = rotate(gray, angle)
            info["deskew_deg"] = angle
    return Image.fromarray(gray), info
