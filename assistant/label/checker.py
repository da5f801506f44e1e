"""The label check (라벨 사진 판정): image → barcode → OCR → parse → match → verdict, with citations.

`LabelChecker.check(images)` checks one product: several photos (front, ingredient panel, barcode)
are read one by one and their evidence pooled into one verdict. Collaborators are injected: the list
snapshot (or the Index to read it from), the OCR engine, and the legal-basis searcher.

Order of work, cheapest first (each step ends the check when it settles it):
1. the verdict cache: the same photo bytes against the same index generation (cache.py);
2. the barcode fast path: a barcode of a listed product is decisive, so OCR is skipped (unless
   `ocr_after_barcode_hit`) and the check never waits in the OCR queue;
3. OCR, one `queue` slot at a time (slots.py; in the web app inside a worker process, workers.py): a first round, and when it finds nothing strong a second
   round on background-flattened versions of the photo (glare, shading of a curved bottle, a misjudged
   polarity; preprocess.retry_images), skipping the lines the first round already read whole and
   confidently. Digits printed under the bars count as a barcode when their check digit holds. Before the
   second round, when any photo shows the product is Thai (a Thai maker or address, a Thai barcode, a name line
   read in Thai) the name crops not yet shown to the Thai model are read with it (`_late_name_reads`).
   When other checks wait for OCR (`crowded`), the same rounds cost less: the second round reads its images one
   after the other, the CJK follow-up models one after the other (tesseract.py), and a photo the line detector
   finds dark text only in is read without Tesseract's inverted retries.

`progress(stage, fraction, detail)` (optional) hears: "queued" (detail: position, 1 = next), "ocr" and
"retry" (detail: photo number), "done". Every verdict carries `grounds`: the list entry it rests on with
that entry's date, the lists' date (기준일) and the articles of the legal basis.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image

from assistant.label.barcode import Barcode, barcodes_in_text, read_barcodes
from assistant.label.cache import VerdictCache
from assistant.label.image import ImageLimits, LoadedImage, load_image
from assistant.label.legal import LegalBasis
from assistant.label.lines import LineBox, find_lines, polarities
from assistant.label.match import Match, NameIndex, match_all
from assistant.label.name_lines import lines_text, read_name_lines, reread_names
from assistant.label.ocr import OCREngine, OcrPass, OcrResult, good_read, join_words
from assistant.label.parse import ParsedLabel, parse
from assistant.label.preprocess import PreprocessOptions, preprocess, retry_images, shrink
from assistant.label.slots import CheckQueue
from assistant.label.small_print import read_small_print
from assistant.label.snapshot import ListSnapshot
from assistant.label.tesseract import CROWDED, script_hints, thai_cues, usable_cores
from assistant.label.verdict import HAZARD, Decision, decide
from assistant.label.verify import reread_near_misses

Progress = Callable[[str, float, Any], None]


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
    path: str = "ocr"  # how it was settled: "barcode" (fast path) | "ocr" | "cache"
    grounds: dict = field(default_factory=dict)

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
            "path": self.path,
            "grounds": self.grounds,
        }


class Evidence(NamedTuple):
    """What the OCR rounds found, before the verdict (picklable: a worker process sends it back)."""
    matches: list[Match]
    barcodes: list[Barcode]
    merged_ocr: OcrResult
    texts: list[str]
    infos: list[dict]


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


def grounds_for(decision: Decision, matches: list[Match], legal: list[dict], as_of: str) -> dict[str, Any]:
    """What the verdict rests on, in one place: the list entry (with its own date), the lists' date
    (기준일) and the articles. `entry` is None for 목록에 없음 and an unreadable photo."""
    entry = None
    if decision.basis in ("product", "ingredient"):
        strong = [m for m in matches if m.strength == "strong" and m.kind == decision.basis]
        candidates = strong or [m for m in matches if m.kind == decision.basis] or matches
        pick = candidates[0] if candidates else None
        if pick is not None:
            entry = {"source": pick.source, "locator": pick.locator, "name": pick.name, "kind": pick.kind,
                     "via": pick.via, "date": pick.entry_date}
    articles = list(dict.fromkeys(str(b.get("article") or "") for b in legal if b.get("article")))
    return {"entry": entry, "as_of": as_of, "articles": articles}


class LabelChecker:
    def __init__(self, lists: ListSnapshot | Any, ocr: OCREngine, legal: LegalBasis | None = None,
                 limits: ImageLimits | None = None, preprocess_options: PreprocessOptions | None = None,
                 ocr_after_barcode_hit: bool = False, cache: VerdictCache | None = None,
                 queue: CheckQueue | None = None, read_names: bool = True, processes: Any = None,
                 crowded: bool | None = None):
        """lists: a ListSnapshot, or an Index (re-read whenever its generation moves).
        cache: verdicts by photo hash (default: off); queue: OCR admission (default: one slot per core).
        read_names: read the tallest lines first (name_lines.py) when the engine can read single lines.
        processes: an OcrProcesses pool (workers.py) to run the OCR rounds in; None: in this process.
        crowded: read every photo as if others were waiting for OCR (True) or as if none were (False); None: ask
        the queue at each check (the benchmark forces each path to measure its verdicts and CPU)."""
        self.lists = lists
        self.ocr = ocr
        self.legal = legal or LegalBasis(None)
        self.limits = limits or ImageLimits()
        self.preprocess_options = preprocess_options or PreprocessOptions()
        self.ocr_after_barcode_hit = ocr_after_barcode_hit
        self.cache = cache if cache is not None else VerdictCache(0)
        self.queue = queue if queue is not None else CheckQueue(getattr(ocr, "slots", None) or usable_cores())
        self._index_cache: tuple[int, ListSnapshot, NameIndex] | None = None
        self.read_names = read_names
        self.processes = processes
        self.crowded = crowded

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

    def warm_up(self) -> None:
        """Read the lists and start the OCR worker processes now, before the first photo (the app); without worker
        processes, load this process's OCR models instead."""
        snap, _ = self.name_index()
        if self.processes is not None:
            self.processes.warm_up(snap)
        elif hasattr(self.ocr, "preload"):
            self.ocr.preload()

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
                 info: dict, hints: frozenset[str]) -> tuple[Image.Image, dict, OcrResult]:
        """A photo taken sideways or upside down with no EXIF tag reads as junk: when the read is weak,
        ask Tesseract which way is up and read again turned that way. A clear read costs nothing extra."""
        orientation = getattr(self.ocr, "orientation", None)
        if orientation is None or any(good_read(p) for p in result.passes):
            return prepared, pinfo, result
        angle, conf = orientation(prepared)
        if angle not in (90, 180, 270) or conf < MIN_ORIENTATION_CONF:
            return prepared, pinfo, result
        turned, tinfo = preprocess(li.image.rotate(-angle, expand=True), self.preprocess_options)
        if hasattr(self.ocr, "read_if_better") and result.passes:
            # the turned photo's follow-ups (CJK, Thai rows) only when its first pass reads better: a wrong turn
            # costs one pass, not four
            again = self.ocr.read_if_better(turned, result.passes[0], hints=hints)
        else:
            again = self.ocr.read(turned, hints=hints)
        if again is None or again.readable_words() <= result.readable_words():
            return prepared, pinfo, result
        info["rotated"] = angle
        return turned, tinfo, again

    def _generation(self, snap: ListSnapshot) -> Any:
        """What a cached verdict depends on: the index generation (lists and regulations), or the snapshot."""
        if isinstance(self.lists, ListSnapshot):
            return (id(self.lists), self.lists.generation)
        return snap.generation

    def check(self, images: list[Path | bytes | LoadedImage], names: list[str] | None = None,
              progress: Progress | None = None) -> LabelResult:
        """Check one product from one or more photos. Raises BadInputFile for an unreadable file."""
        t0 = time.perf_counter()
        report: Progress = progress or (lambda stage, fraction, detail: None)
        names = names or []
        snap, index = self.name_index()
        loaded = [self.load(src, names[i] if i < len(names) else None) for i, src in enumerate(images)]
        key = tuple(li.sha256 for li in loaded)
        generation = self._generation(snap)
        cached = self.cache.get(key, generation) if all(key) else None
        if cached is not None:
            cached.file, cached.files = " + ".join(li.name for li in loaded), [li.name for li in loaded]
            cached.path, cached.elapsed_ms = "cache", round((time.perf_counter() - t0) * 1000)
            report("done", 1.0, None)
            return cached
        barcodes: list[Barcode] = []
        for li in loaded:
            barcodes += [b for b in read_barcodes(li.image) if b.text not in {x.text for x in barcodes}]
        hit_by_barcode = bool(barcodes) and any(m.via == "barcode" for m in match_all(index, [], barcodes))
        if hit_by_barcode and not self.ocr_after_barcode_hit:
            infos = [dict(li.info, ocr="skipped: barcode matched a listed product") for li in loaded]
            result = self._result(loaded, snap, match_all(index, [], barcodes), barcodes, OcrResult(), [], infos,
                                  path="barcode", t0=t0)
        else:
            with self.queue.slot(lambda position: report("queued", 0.1, position)):
                evidence = self._evidence(loaded, snap, index, barcodes, report)
            result = self._result(loaded, snap, *evidence, path="ocr", t0=t0)
        report("done", 1.0, None)
        if all(key):
            self.cache.put(key, generation, result)
        return result

    def read(self, loaded: list[LoadedImage], index: NameIndex, barcodes: list[Barcode],
             report: Progress | None = None, crowded: bool | None = None) -> Evidence:
        """The OCR rounds (inside a queue slot; in a worker process when `processes` is set): the evidence a
        verdict is decided on. crowded: others wait for OCR, so the second round reads one image after the
        other (less CPU); None asks this checker's own queue."""
        report = report or (lambda stage, fraction, detail: None)
        if crowded is None:
            crowded = self._crowded()
        # crowded: the cheaper order of follow-up reads (tesseract.py); an idle machine reads every model at once
        hints = script_hints(barcodes) | ({CROWDED} if crowded else set())
        passes: list[OcrPass] = []
        texts: list[str] = []
        infos: list[dict] = []
        merged_ocr = OcrResult()
        prepared_images: list[tuple[Image.Image, OcrResult]] = []
        prepped = [preprocess(li.image, self.preprocess_options) for li in loaded]
        name_passes, name_infos, settled, found_lines = self._read_names(prepped, index, barcodes, hints, report,
                                                                         len(loaded))
        # a Thai or Vietnamese name line read clearly: the page passes look for that script too
        hints = hints | {s for ni in name_infos for s in ni.get("scripts", [])}
        passes += name_passes
        if settled:  # a strong product name from the name lines: the page passes cannot change the verdict
            infos = [dict(li.info, preprocess=pi, name_lines=ni, passes=list(ni.get("passes", [])),
                          ocr="name lines only: a listed product's name was read")
                     for li, (_, pi), ni in zip(loaded, prepped, name_infos, strict=False)]
            infos += [dict(li.info, preprocess=pi, passes=[], ocr="skipped: settled by an earlier photo")
                      for li, (_, pi) in list(zip(loaded, prepped, strict=True))[len(name_infos):]]
            merged_ocr.passes += name_passes
            texts.append(lines_text(name_passes))
            return Evidence(match_all(index, passes, barcodes), barcodes, merged_ocr, texts, infos)
        for n, li in enumerate(loaded):
            report("ocr", 0.2 + 0.4 * n / len(loaded), n + 1)
            info = dict(li.info)
            if n < len(name_infos):
                info["name_lines"] = name_infos[n]
            prepared, pinfo = prepped[n]
            if crowded and self._dark_only(found_lines, n) and hasattr(self.ocr, "followups"):
                # others wait, and the line detector found dark text only: Tesseract's inverted second try of each
                # poorly read line (tessedit_do_invert) can only read junk there
                result = self.ocr.read(prepared, hints=hints, invert=False)  # type: ignore[call-arg]
            else:
                result = self.ocr.read(prepared, hints=hints)
            prepared, pinfo, result = self._upright(li, prepared, pinfo, result, info, hints)
            prepared_images.append((prepared, result))
            passes += result.passes
            merged_ocr.passes += result.passes
            texts.append(result.text)
            info["preprocess"] = pinfo
            info["passes"] = [p.langs for p in result.passes]
            infos.append(info)
            if n + 1 < len(loaded) and self._product_found(index, passes, barcodes):
                # a strong product match (name or printed barcode) on this photo of a group: the verdict and its
                # entry are settled, the other photos' page passes cannot change them
                skipped = [dict(other.info, preprocess=pi, passes=[], ocr="skipped: settled by an earlier photo")
                           for other, (_, pi) in list(zip(loaded, prepped, strict=True))[n + 1:]]
                break
        else:
            skipped = []
        barcodes = barcodes + self._printed_barcodes(passes, barcodes)
        matches = match_all(index, passes, barcodes)
        if not any(m.strength == "strong" for m in matches):
            late = self._late_name_reads(prepped, found_lines, name_infos, passes, barcodes, hints)
            if late:
                passes += late
                name_passes += late
                matches = match_all(index, passes, barcodes)
        if not any(m.strength == "strong" for m in matches):
            small = self._small_print(prepared_images, prepped, found_lines, infos, hints)
            if small:
                passes += small
                merged_ocr.passes += small
                texts.append(lines_text(small))
                barcodes = barcodes + self._printed_barcodes(small, barcodes)
                matches = match_all(index, passes, barcodes)
        retried: dict[int, list[OcrPass]] = {}
        if self._needs_retry(matches, prepared_images):  # type: ignore[arg-type]
            for n, ((prepared, first_result), info) in enumerate(zip(prepared_images, infos, strict=True)):
                report("retry", 0.6 + 0.3 * n / len(loaded), n + 1)
                done = well_read_lines(first_result)
                # only the polarities the line detector found text in (its lines of the name reader when the
                # photo was not turned since): a dark-on-light label's light-text image holds only the gaps
                # between its letters, which Tesseract reads as junk, slowly, and then its follow-ups read that junk
                lines = self._lines_found(found_lines, prepped, n, prepared)
                shown = polarities(find_lines(prepared) if lines is None else lines)
                kinds = retry_images(prepared, done, shown)
                info["retry_blanked_lines"] = len(done)
                info["retry_polarities"] = sorted(shown)
                shrunk = [shrink(im, self.preprocess_options.retry_max_side) for _, im in kinds]
                # others waiting for OCR: one polarity after the other, stopping at a clear read (less CPU)
                best, result = self.ocr.read_best([im for im, _ in shrunk], hints=hints,  # type: ignore[attr-defined]
                                                  parallel=not crowded, dark_on_white=True)
                scale = shrunk[best][1] if best >= 0 else 1.0
                if scale != 1.0:  # word boxes back in the prepared image's pixels (name candidates compare heights)
                    for p in result.passes:
                        for w in p.words:
                            w.left, w.top = round(w.left / scale), round(w.top / scale)
                            w.width, w.height = round(w.width / scale), round(w.height / scale)
                passes += result.passes
                merged_ocr.passes += result.passes
                texts.append(result.text)
                retried[n] = result.passes
                info["retry"] = kinds[best][0] if best >= 0 else "none"
            barcodes = barcodes + self._printed_barcodes(passes, barcodes)
            matches = match_all(index, passes, barcodes)
        if not any(m.strength == "strong" for m in matches) and infos:
            # a listed Han / kana name read one glyph off (育六宾 for 育亨宾): its words read again, enlarged (verify.py)
            sources = [(img, res.passes + retried.get(n, [])) for n, (img, res) in enumerate(prepared_images)]
            again = reread_near_misses(self.ocr, index, sources, infos[0])
            if again:
                passes += again
                merged_ocr.passes += again
                texts.append(lines_text(again))
                matches = match_all(index, passes, barcodes)
        if name_passes:  # after the page passes: the parsed name candidates come from the first page pass
            merged_ocr.passes += name_passes
            texts.append(lines_text(name_passes))
        return Evidence(matches, barcodes, merged_ocr, texts, infos + skipped)

    def _late_name_reads(self, prepped: list[tuple[Image.Image, dict]], found_lines: list[list[LineBox]],
                         name_infos: list[dict], passes: list[OcrPass], barcodes: list[Barcode],
                         hints: frozenset[str]) -> list[OcrPass]:
        """The name lines read again with the Thai model when any photo of the product shows the product is Thai
        (a Thai maker or address on a page pass, a Thai barcode read from its digits, a name line read clearly in
        Thai) but a photo's name crops were not shown to it: `kor+eng` reads some Thai names as confident Latin
        words ("aau wad", 90), and the clue is often on the back of a group while the name is on the front."""
        thai = (getattr(self.ocr, "models", {}) or {}).get("thai")
        if not thai or not name_infos or not hasattr(self.ocr, "read_lines"):
            return []
        if not ("tha" in hints or "tha" in script_hints(barcodes) or any(thai_cues(p) for p in passes if p.region == "page")):
            return []
        out: list[OcrPass] = []
        for n, info in enumerate(name_infos):
            if n < len(found_lines) and info.get("models"):
                late = reread_names(self.ocr, prepped[n][0], found_lines[n], [thai], list(info["models"]))
                if late:
                    out += late
                    info["late"] = [p.langs for p in late]
        return out

    def _small_print(self, prepared_images: list[tuple[Image.Image, OcrResult]], prepped: list[tuple[Image.Image, dict]],
                     found_lines: list[list[LineBox]], infos: list[dict], hints: frozenset[str]) -> list[OcrPass]:
        """Small print the first round did not read well, enlarged and read again (small_print.py), on each photo
        read so far. Its well-read lines join the photo's first-round result, so the second round skips them."""
        if not hasattr(self.ocr, "read_enlarged"):
            return []
        out: list[OcrPass] = []
        for n, ((prepared, first_result), info) in enumerate(zip(prepared_images, infos, strict=False)):
            lines = self._lines_found(found_lines, prepped, n, prepared)
            found, what = read_small_print(self.ocr, prepared, well_read_lines(first_result), hints, lines)
            if what:
                info["small_print"] = what
            first_result.passes += found
            out += found
        return out

    def _product_found(self, index: NameIndex, passes: list[OcrPass], barcodes: list[Barcode]) -> bool:
        """A strong product match in the evidence so far (barcode digits printed under the bars count)."""
        found = barcodes + self._printed_barcodes(passes, barcodes)
        return any(m.kind == "product" and m.strength == "strong" for m in match_all(index, passes, found))

    def _read_names(self, prepped: list[tuple[Image.Image, dict]], index: NameIndex, barcodes: list[Barcode],
                    hints: frozenset[str], report: Progress, count: int
                    ) -> tuple[list[OcrPass], list[dict], bool, list[list[LineBox]]]:
        """The name lines of each photo (name_lines.py), until a strong product name settles the check; the
        evidence is pooled over the photos of the group (a name on the front, its manufacturer on the back).
        Also returns the text lines found in each photo read (the second round reuses them)."""
        if not self.read_names or not hasattr(self.ocr, "read_lines"):
            return [], [], False, []
        found: list[OcrPass] = []
        infos: list[dict] = []
        lines: list[list[LineBox]] = []

        def settle(new: list[OcrPass]) -> bool:
            return any(m.kind == "product" and m.via == "name" and m.strength == "strong"
                       for m in match_all(index, found + new, barcodes))

        for n, (prepared, _) in enumerate(prepped):
            report("ocr", 0.2 * n / count + 0.1, n + 1)
            nr = read_name_lines(self.ocr, prepared, settle, hints)
            nr.info["passes"] = [p.langs for p in nr.passes]
            nr.info["scripts"] = sorted(nr.scripts)
            found += nr.passes
            infos.append(nr.info)
            lines.append(nr.lines)
            if nr.settled:
                return found, infos, True, lines
        return found, infos, False, lines

    @staticmethod
    def _printed_barcodes(passes: list[OcrPass], known: list[Barcode]) -> list[Barcode]:
        lines = [join_words(ln) for p in passes for ln in p.lines()]
        seen = {b.text for b in known}
        return [b for b in barcodes_in_text(lines) if b.text not in seen]

    @staticmethod
    def _lines_found(found_lines: list[list[LineBox]], prepped: list[tuple[Image.Image, dict]], n: int,
                     prepared: Image.Image) -> list[LineBox] | None:
        """The name reader's text lines of photo n, when `prepared` is still the image they were found in (None
        when the photo was turned since, or the name reader did not look at it)."""
        return found_lines[n] if n < len(found_lines) and prepared is prepped[n][0] else None

    @staticmethod
    def _dark_only(found_lines: list[list[LineBox]], n: int) -> bool:
        """The line detector found text in photo n, all of it dark on light."""
        return n < len(found_lines) and bool(found_lines[n]) and polarities(found_lines[n]) == {"dark"}

    def _crowded(self) -> bool:
        """Others wait for OCR (or the `crowded` setting forces an answer)."""
        return self.crowded if self.crowded is not None else self.queue.waiting > 0

    def _evidence(self, loaded: list[LoadedImage], snap: ListSnapshot, index: NameIndex, barcodes: list[Barcode],
                  report: Progress) -> Evidence:
        """The OCR rounds here, or in a worker process (workers.py) that has its own GIL and a lower
        priority, so barcode hits and chat in this process are not held up by OCR work."""
        if self.processes is not None:
            report("ocr", 0.2, 1)
            gathered = self.processes.read(loaded, barcodes, snap, crowded=self._crowded())
            if gathered is not None:
                return gathered
            # the worker died (out of memory, killed): this check is read here, the pool is started anew
        return self.read(loaded, index, barcodes, report)

    def _result(self, loaded: list[LoadedImage], snap: ListSnapshot, matches: list[Match], barcodes: list[Barcode],
                merged_ocr: OcrResult, texts: list[str], infos: list[dict], *, path: str, t0: float) -> LabelResult:
        parsed = parse(merged_ocr) if merged_ocr.passes else None
        # the enlarged small print is evidence for matches, not for readability: a photo whose ingredient panel
        # is too small to read stays "다시 촬영" (review) when only a maker's line of it came out of the enlarged read
        readable = OcrResult([p for p in merged_ocr.passes if p.region != "small"]).readable_words()
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
            parsed=parsed, images=infos, path=path, grounds=grounds_for(decision, matches, legal, snap.as_of),
        )


def build_label_checker(settings: Any, index: Any | None = None, searcher: Any | None = None,
                        processes: bool = False) -> LabelChecker:
    """The real checker for a home: lists from the Index, Tesseract OCR (in-process when tesserocr is
    installed), legal basis from the Retriever (refreshed when the index generation moves), the verdict
    cache and the OCR queue sized by settings.ocr. processes: the OCR rounds run in worker processes
    (workers.py; the web app asks for them, a one-off CLI check does not); `ocr.processes` overrides."""
    from assistant.label.tesseract import build_ocr

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
    ocr = build_ocr(settings)
    limits = ImageLimits(settings.ocr.max_file_mb, settings.ocr.max_pixels)
    generation = getattr(index, "generation", None)
    configured = getattr(settings.ocr, "processes", None)
    pool = None
    if configured if configured is not None else processes:
        from assistant.label.workers import OcrProcesses

        pool = OcrProcesses(settings, ocr.slots, getattr(settings.ocr, "nice", 5), limits)
    return LabelChecker(index, ocr, LegalBasis(searcher, generation=generation), limits,
                        cache=VerdictCache(settings.ocr.cache_size), queue=CheckQueue(ocr.slots), processes=pool)


__all__ = ["HAZARD", "LabelChecker", "LabelResult", "build_label_checker", "grounds_for", "well_read_lines"]
