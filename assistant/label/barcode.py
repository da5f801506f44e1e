"""Barcode reading (바코드): EAN-13, EAN-8, UPC-A, UPC-E and QR with zxing-cpp.

zxing-cpp already tries 90° rotations, inversion and a downscale pyramid; when it finds nothing in the
whole photo, the places that look like bars are cropped upright and given second looks (enlarged,
sharpened, local contrast, un-bent round a bottle: `barcode_tries.py`). EAN/UPC check digits are
validated again here: a number that fails is dropped.

>>> ean_checksum_ok("8801234567893")
True
>>> ean_checksum_ok("8801234567890")
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image

from assistant.label.barcode_tries import hard_tries

RETAIL = ("EAN13", "EAN8", "UPCA", "UPCE")


@dataclass(frozen=True)
class Barcode:
    text: str
    format: str  # "EAN13", "QRCode", ...
    valid: bool  # check digit verified (always True for QR)
    source: str = "bars"  # "bars" (decoded from the bars) | "text" (the digits printed under them, read by OCR)

    def to_json(self) -> dict:
        return {"text": self.text, "format": self.format, "valid": self.valid, "source": self.source}


def ean_checksum_ok(digits: str) -> bool:
    """GS1 mod-10 check digit for EAN-8/EAN-13/UPC-A (12)/GTIN-14."""
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def upce_to_upca(upce: str) -> str:
    """Expand an 8-digit UPC-E to its 12-digit UPC-A form (for check-digit validation and lookup)."""
    if len(upce) != 8 or not upce.isdigit():
        return upce
    ns, d, check = upce[0], upce[1:7], upce[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def barcode_keys(text: str) -> set[str]:
    """Lookup keys for a barcode number: itself, EAN-13 form of a UPC-A, UPC-A form of a UPC-E."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    if not digits:
        return set()
    keys = {digits}
    if len(digits) == 12:
        keys.add("0" + digits)
    if len(digits) == 13 and digits.startswith("0"):
        keys.add(digits[1:])
    if len(digits) == 8:
        upca = upce_to_upca(digits)
        keys |= {upca, "0" + upca}
    return keys


_DIGIT_RUN_RE = re.compile(r"(?<![\d.,])\d(?:[ ]?\d){7,13}(?![\d.,])")
_TEXT_FORMATS = {8: "EAN8", 12: "UPCA", 13: "EAN13"}


def barcodes_in_text(lines: list[str]) -> list[Barcode]:
    """Retail numbers printed under the bars (the human-readable line "6 901234 000016"), read by OCR: the
    spaces between digit groups dropped, the check digit verified. For bars that glare or a curved bottle
    keeps the decoder from reading; a misread digit fails the check digit nine times in ten.

    >>> [b.text for b in barcodes_in_text(["Net 60 caps", "8 801234 567893"])]
    ['8801234567893']
    """
    out: list[Barcode] = []
    for line in lines:
        for m in _DIGIT_RUN_RE.finditer(line):
            digits = m.group(0).replace(" ", "")
            fmt = _TEXT_FORMATS.get(len(digits))
            if fmt and ean_checksum_ok(digits) and digits not in {b.text for b in out}:
                out.append(Barcode(digits, fmt, True, "text"))
    return out


def _fmt_name(fmt: object) -> str:
    return str(fmt).split(".")[-1].replace("-", "")


_FORMATS = None


def _formats():
    """Only the symbologies on a retail package: searching every format costs about ten times as much."""
    global _FORMATS
    if _FORMATS is None:
        import zxingcpp

        f = zxingcpp.BarcodeFormat
        _FORMATS = (f.EAN13, f.EAN8, f.UPCA, f.UPCE, f.QRCode)
    return _FORMATS


def _box(r) -> tuple[float, float, float, float]:
    p = r.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Same symbol: the boxes meet once each grows along its bars by half its length across them (a
    reading's box covers only the scan lines that decoded; two readings of one symbol may come from rows
    apart, while two codes side by side stay apart)."""

    def grown(r: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        w, h = r[2] - r[0], r[3] - r[1]
        if w >= h:  # bars upright: scan lines are rows, the symbol extends up and down
            return r[0], r[1] - w / 2, r[2], r[3] + w / 2
        return r[0] - h / 2, r[1], r[2] + h / 2, r[3]

    a, b = grown(a), grown(b)
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _decode(img: Image.Image) -> list[Barcode]:
    """Decoded codes with their check digits verified. Two different retail numbers read where one symbol
    is (overlapping places: scan lines crossing soft, curved or glared bars can decode a second, wrong
    number whose check digit happens to hold) are both dropped: which is right cannot be told here, and a
    wrong number must never pass for a listed product; the next try or the printed digits decide."""
    import zxingcpp

    kept: list[tuple[Barcode, tuple[float, float, float, float]]] = []
    for r in zxingcpp.read_barcodes(img, formats=_formats()):
        fmt = _fmt_name(r.format)
        text = r.text.strip()
        if not text:
            continue
        if fmt in RETAIL:
            valid = ean_checksum_ok(upce_to_upca(text) if fmt == "UPCE" else text)
            if not valid:
                continue
        else:
            valid = True
        kept.append((Barcode(text, fmt, valid), _box(r)))
    retail = [(b, box) for b, box in kept if b.format in RETAIL]
    ambiguous = {b.text for b, box in retail for o, obox in retail
                 if o.text != b.text and barcode_keys(o.text).isdisjoint(barcode_keys(b.text)) and _overlap(box, obox)}
    return [b for b, _ in kept if b.text not in ambiguous]


def bar_regions(gray: Image.Image, max_regions: int = 3) -> list[tuple[Image.Image, float]]:
    """Crops of the places that look like a 1-D barcode (many parallel edges in one direction), turned so
    the bars stand upright, each with its angle. Found on a 640 px copy: strong gradient across the bars and
    little along them, blurred, closed into blobs; a blob must be wide and solid enough to be bars."""
    import cv2
    import numpy as np

    a = np.asarray(gray)
    scale = 640 / max(a.shape)
    small = cv2.resize(a, (max(1, int(a.shape[1] * scale)), max(1, int(a.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    gx = np.abs(cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3))
    gy = np.abs(cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3))
    out: list[tuple[Image.Image, float, float]] = []
    for grad in (gx - gy, gy - gx):  # vertical bars, horizontal bars (a sideways barcode)
        g = cv2.blur(np.clip(grad, 0, None), (7, 7))
        if g.max() <= 0:
            continue
        g8 = (255 * g / g.max()).astype(np.uint8)
        _, mask = cv2.threshold(g8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
        cross = np.ones((3, 3), np.uint8)
        mask = cv2.erode(mask, cross, iterations=2)
        mask = cv2.dilate(mask, cross, iterations=3)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            (cx, cy), (w, h), angle = cv2.minAreaRect(c)
            area = w * h
            if area < 0.004 * small.size or min(w, h) < 12:
                continue
            fill = cv2.contourArea(c) / max(area, 1)
            if fill < 0.6:
                continue
            # crop around the blob in full resolution, turned upright (bars vertical): only the crop's pixels
            # are computed (the turn's destination shifted to the crop's corner), not the whole photo turned
            pad = 1.25
            m = cv2.getRotationMatrix2D((cx / scale, cy / scale), angle, 1.0)
            bw, bh = w * pad / scale, h * pad / scale
            x0, y0 = int(max(0, cx / scale - bw / 2)), int(max(0, cy / scale - bh / 2))
            x1, y1 = min(a.shape[1], int(cx / scale + bw / 2)), min(a.shape[0], int(cy / scale + bh / 2))
            if x1 <= x0 or y1 <= y0:
                continue
            m[0, 2] -= x0
            m[1, 2] -= y0
            crop = cv2.warpAffine(a, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderValue=255)
            if crop.size:
                out.append((Image.fromarray(crop), float(angle), area))
    out.sort(key=lambda r: -r[2])
    return [(im, ang) for im, ang, _ in out[:max_regions]]


def _agreed(reads: Iterable[list[Barcode]]) -> list[Barcode]:
    """The first reading two tries agree on, or the only one if the tries read nothing else. Many warped
    and sharpened copies of soft bars give many chances to misread: on drawn and dev-rendered photos,
    taking the first reading let 3 wrong numbers (valid check digits) through in 125 hard photos, this 1,
    with the same right ones; a right reading costs one or two more tries."""
    votes: dict[tuple[str, ...], int] = {}
    first: dict[tuple[str, ...], list[Barcode]] = {}
    for found in reads:
        if not found:
            continue
        key = tuple(sorted(b.text for b in found))
        votes[key] = votes.get(key, 0) + 1
        first.setdefault(key, found)
        if votes[key] >= 2:
            return found
    return next(iter(first.values())) if len(first) == 1 else []


def read_barcodes(img: Image.Image) -> list[Barcode]:
    """All barcodes found in the image, deduplicated. When the whole image gives nothing, the places that
    look like bars are cropped, turned upright and tried again (`hard_tries`: soft, glared or curved
    bars); a photo decoded at once, or without bar-like places, pays for nothing more."""
    gray = img.convert("L")
    found = _decode(gray)
    if not found:
        for crop, _angle in bar_regions(gray):
            found = _agreed(_decode(attempt) for attempt in hard_tries(crop))
            if found:
                break
    seen: set[str] = set()
    unique = []
    for b in found:
        if b.text not in seen:
            seen.add(b.text)
            unique.append(b)
    return unique
