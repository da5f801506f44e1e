"""The label check (라벨 사진 판정): image → barcode → OCR → parse → match → verdict, with citations.

`LabelChecker.check(images)` checks one product: several photos (front, ingredient panel, barcode)
are read one by one and their evidence pooled into one verdict. Collaborators are injected: the list
snapshot (or the Index to read it from), the OCR engine, and the legal-basis searcher.

A barcode hit on a listed product is decisive, so OCR is skipped for that product unless
`ocr_after_barcode_hit` is set (saves most of the time of a check).

When the first OCR round finds nothing strong, a second round reads background-flattened versions of the
photo (glare, shading of a curved bottle, a misjudged polarity; preprocess.retry_images), skipping the
lines the first round already read whole and confidently; its passes are pooled with the first round's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from assistant.label.barcode import Barcode, read_barcodes
from assistant.label.image import ImageLimits, LoadedImage, load_image
from assistant.label.legal import LegalBasis
from assistant.label.match import Match, NameIndex, match_all
from assistant.label.ocr import OCREngine, OcrPass, OcrResult, good_read
from assistant.label.parse import ParsedLabel, parse
from assistant.label.preprocess import PreprocessOptions, preprocess, retry_images, shrink
from assistant.label.snapshot import ListSnapshot
from assistant.label.verdict import decide


@dataclass
class LabelResult:
    file: str
    verdict: str  # hazard | review | no_match
    message: str
    matches: list[Match] = field(default_factory=list)
    legal_basis: list[dict] = field(default_factory=list)
    ocr_text: str = ""
    barcodes: list[Barcode] = field(default_factory=list)
    elapsed_ms: int = 0
    as_of: str = ""
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    parsed: ParsedLabel | None = None
    images: list[dict] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "verdict": self.verdict,
            "matches": [m.to_json() for m in self.matches],
            "legal_basis": self.legal_basis,
            "ocr_text": self.ocr_text,
            "barcodes": [b.text for b in self.barcodes],
            "elapsed_ms": self.elapsed_ms,
            # additions beyond the contract
            "message": self.message,
            "as_of": self.as_of,
            "notes": self.notes,
            "files": self.files,
            "barcode_details": [b.to_json() for b in self.barcodes],
            "parsed": self.parsed.to_json() if self.parsed else None,
            "images": self.images,
        }


MIN_ORIENTATION_CONF = 1.0  # Tesseract OSD confidence below this is a guess: the photo is left as it is
WELL_READ_CONF = 85.0  # every word of a line at least this confident: the second round skips the line
WELL_READ_CONF_CJK = 75.0  # ... in the chi_sim / jpn passes, whose confidences run lower for the same quality


def well_read_lines(result: OcrResult) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) of the lines the first round read confidently in any pass: glare or
    shading hides the other lines, and a line read this well gains nothing from a second look."""
    boxes = []
    for i, p in enumerate(result.passes):
        need = WELL_READ_CONF if i == 0 else WELL_READ_CONF_CJK
        for line in p.lines():
            if sum(len(w.text) for w in line) < 2 or min(w.conf for w in line) < need:
                continue
            h = max(w.height for w in line)
            pad = max(2, round(0.15 * h))
            boxes.append((min(w.left for w in line) - pad, min(w.top for w in line) - pad,
                          max(w.left + w.width for w in line) + pad, max(w.top + w.height for w in line) + pad))
    return boxes


class LabelChecker:
    def __init__(self, lists: ListSnapshot | Any, ocr: OCREngine, legal: LegalBasis | None = None,
                 limits: ImageLimits | None = None, preprocess_options: PreprocessOptions | None = None,
                 ocr_after_barcode_hit: bool = False):
        """lists: a ListSnapshot, or an Index (re-read whenever its generation moves)."""
        self.lists = lists
        self.ocr = ocr
        self.legal = legal or LegalBasis(None)
        self.limits = limits or ImageLimits()
        self.preprocess_options = preprocess_options or PreprocessOptions()
        self.ocr_after_barcode_hit = ocr_after_barcode_hit
        self._index_cache: tuple[int, ListSnapshot, NameIndex] | None = None

    def name_index(self) -> tuple[ListSnapshot, NameIndex]:
        """The NameIndex for the current lists, rebuilt only when the Index generation changes."""
        if isinstance(self.lists, ListSnapshot):
            gen = self.lists.generation
            if self._index_cache is None or self._index_cache[0] != gen or self._index_cache[1] is not self.lists:
                self._index_cache = (gen, self.lists, NameIndex(self.lists))
        else:
            gen = int(self.lists.generation())
            if self._index_cache is None or self._index_cache[0] != gen:
                snap = ListSnapshot.from_index(self.lists)
                self._index_cache = (gen, snap, NameIndex(snap))
        return self._index_cache[1], self._index_cache[2]

    def load(self, src: Path | bytes | LoadedImage, name: str | None = None) -> LoadedImage:
        if isinstance(src, LoadedImage):
            return src
        return load_image(src, name, self.limits)

    def _needs_retry(self, matches: list[Match], prepared: list[tuple[Image.Image, OcrResult] | None]) -> bool:
        """Second OCR round (background-flattened images) only when the first found nothing strong: the
        typical photo (a clear name, ingredient or barcode hit) pays for one round."""
        if not self.preprocess_options.retry_flattened or not hasattr(self.ocr, "read_best"):
            return False
        if not any(p is not None for p in prepared):
            return False
        return not any(m.strength == "strong" for m in matches)

    def _upright(self, li: LoadedImage, prepared: Image.Image, pinfo: dict, result: OcrResult,
                 info: dict) -> tuple[Image.Image, dict, OcrResult]:
        """A photo taken sideways or upside down with no EXIF tag reads as junk: when the read is weak,
        ask Tesseract which way is up and read again turned that way. A clear read costs nothing extra."""
        orientation = getattr(self.ocr, "orientation", None)
        if orientation is None or any(good_read(p) for p in result.passes):
            return prepared, pinfo, result
        angle, conf = orientation(prepared)
        if angle not in (90, 180, 270) or conf < MIN_ORIENTATION_CONF:
            return prepared, pinfo, result
        turned, tinfo = preprocess(li.image.rotate(-angle, expand=True), self.preprocess_options)
        again = self.ocr.read(turned)
        if again.readable_words() <= result.readable_words():
            return prepared, pinfo, result
        info["rotated"] = angle
        return turned, tinfo, again

    def check(self, images: list[Path | bytes | LoadedImage], names: list[str] | None = None) -> LabelResult:
        """Check one product from one or more photos. Raises BadInputFile for an unreadable file."""
        t0 = time.perf_counter()
        names = names or []
        snap, index = self.name_index()
        loaded = [self.load(src, names[i] if i < len(names) else None) for i, src in enumerate(images)]
        barcodes: list[Barcode] = []
        passes: list[OcrPass] = []
        texts: list[str] = []
        infos: list[dict] = []
        merged_ocr = OcrResult()
        for li in loaded:
            barcodes += [b for b in read_barcodes(li.image) if b.text not in {x.text for x in barcodes}]
        hit_by_barcode = bool(barcodes) and any(m.via == "barcode" for m in match_all(index, [], barcodes))
        prepared_images: list[tuple[Image.Image, OcrResult] | None] = []
        for li in loaded:
            info = dict(li.info)
            prepared_images.append(None)
            if hit_by_barcode and not self.ocr_after_barcode_hit:
                info["ocr"] = "skipped: barcode matched a listed product"
            else:
                prepared, pinfo = preprocess(li.image, self.preprocess_options)
                result = self.ocr.read(prepared)
                prepared, pinfo, result = self._upright(li, prepared, pinfo, result, info)
                prepared_images[-1] = (prepared, result)
                passes += result.passes
                merged_ocr.passes += result.passes
                texts.append(result.text)
                info["preprocess"] = pinfo
            infos.append(info)
        matches = match_all(index, passes, barcodes)
        if self._needs_retry(matches, prepared_images):
            for first, info in zip(prepared_images, infos, strict=True):
                if first is None:
                    continue
                prepared, first_result = first
                done = well_read_lines(first_result)
                kinds = retry_images(prepared, done)
                info["retry_blanked_lines"] = len(done)
                shrunk = [shrink(im, self.preprocess_options.retry_max_side) for _, im in kinds]
                best, result = self.ocr.read_best([im for im, _ in shrunk])  # type: ignore[attr-defined]
                scale = shrunk[best][1] if best >= 0 else 1.0
                if scale != 1.0:  # word boxes back in the prepared image's pixels (name candidates compare heights)
                    for p in result.passes:
                        for w in p.words:
                            w.left, w.top = round(w.left / scale), round(w.top / scale)
                            w.width, w.height = round(w.width / scale), round(w.height / scale)
                passes += result.passes
                merged_ocr.passes += result.passes
                texts.append(result.text)
                info["retry"] = kinds[best][0] if best >= 0 else "none"
            matches = match_all(index, passes, barcodes)
        parsed = parse(merged_ocr) if merged_ocr.passes else None
        readable = merged_ocr.readable_words() if merged_ocr.passes else 0
        decision = decide(matches, readable, len(barcodes), snap.as_of)
        legal, legal_note = self.legal.for_basis(decision.basis)
        notes = list(decision.notes) + ([legal_note] if legal_note else [])
        if snap.empty:
            notes.append("위해식품·반입차단 목록이 색인되어 있지 않습니다 (python -m ingest로 목록 추가)")
        file_names = [li.name for li in loaded]
        return LabelResult(
            file=" + ".join(file_names), verdict=decision.verdict, message=decision.message, matches=matches,
            legal_basis=legal, ocr_text="\n".join(t for t in texts if t), barcodes=barcodes,
            elapsed_ms=round((time.perf_counter() - t0) * 1000), as_of=snap.as_of, notes=notes, files=file_names,
            parsed=parsed, images=infos,
        )


def build_label_checker(settings: Any, index: Any | None = None, searcher: Any | None = None) -> LabelChecker:
    """The real checker for a home: lists from the Index, Tesseract OCR, legal basis from the Retriever."""
    from assistant.label.ocr import TesseractOCR

    if index is None:
        from assistant.store.index import Index

        index = Index(settings)
    try:
        has_regulations = int(index.counts().get("regulation", 0)) > 0
    except Exception:
        has_regulations = True  # let the retriever decide
    if searcher is None and has_regulations:
        try:
            from assistant.retrieval.retriever import build_retriever

            searcher = build_retriever(settings, index)
        except Exception:  # retrieval not available: verdicts still work, legal_basis carries a note
            searcher = None
    ocr = TesseractOCR(settings.ocr.languages, settings.ocr.tesseract_cmd, settings.ocr.threads)
    limits = ImageLimits(settings.ocr.max_file_mb, settings.ocr.max_pixels)
    return LabelChecker(index, ocr, LegalBasis(searcher), limits)
