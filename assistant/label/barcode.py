"""Barcode reading (바코드): EAN-13, EAN-8, UPC-A, UPC-E and QR with zxing-cpp.

zxing-cpp already tries 90° rotations, inversion and a downscale pyramid; when it finds nothing we
also try a copy rotated by ±12° (labels photographed at a slant beyond what its linear scan tolerates)
and a half-size copy. EAN/UPC check digits are validated again here: a number that fails is dropped.

>>> ean_checksum_ok("8801234567893")
True
>>> ean_checksum_ok("8801234567890")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

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


def _decode(img: Image.Image) -> list[Barcode]:
    import zxingcpp

    out: list[Barcode] = []
    for r in zxingcpp.read_barcodes(img):
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
        out.append(Barcode(text, fmt, valid))
    return out


def read_barcodes(img: Image.Image) -> list[Barcode]:
    """All barcodes found in the image, deduplicated; extra tries only when the first finds nothing."""
    gray = img.convert("L")
    found = _decode(gray)
    if not found:
        for angle in (12, -12):
            found = _decode(gray.rotate(angle, expand=True, fillcolor=255))
            if found:
                break
    if not found and max(gray.size) > 1200:
        found = _decode(gray.resize((gray.width // 2, gray.height // 2), Image.Resampling.BILINEAR))
    seen: set[str] = set()
    unique = []
    for b in found:
        if b.text not in seen:
            seen.add(b.text)
            unique.append(b)
    return unique
