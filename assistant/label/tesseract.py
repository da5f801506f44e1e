"""How a label is read with Tesseract (판독 순서), shared by the in-process and the subprocess engine.

1. `kor+eng` over the whole prepared image.
2. Follow-ups, all in parallel, only where a script is present or suspected (a Latin/Korean label read
   cleanly pays for nothing more):
   - the rows `kor+eng` read with low confidence (what text in another script looks like to it) are
     cropped (full width) and read with `chi_sim` and `jpn`, and with `tha` as well when the junk looks
     Thai (`thai_like`: mostly lower-case Latin, where Han/kana come out as capitals, symbols and Hangul);
   - `vie` over the whole image when the first pass shows Vietnamese (`vietnamese_cues`: Latin words with
     diacritics, or the words every Vietnamese label prints: thành phần, sản xuất, công ty …);
   - when Thai is suspected (a Thai-like junk line, "Thailand"/"Bangkok" on the label, or a hint) the Thai
     model reads every line not read cleanly (mean confidence < 85), since `kor+eng` reads some Thai as
     plausible lower-case words;
   - the rows of Hangul lines where a Latin word was read poorly are read again with `kor` alone
     (`korean_lost_to_eng`: the Hangul word `kor` could not write went to `eng`);
   - `hints` from the caller widen this: a Thai (885) or Vietnamese (893) GS1 barcode prefix.
   When other checks wait for OCR (hint `CROWDED`), the CJK models read the rows one after the other: `jpn`
   first on a label whose name lines showed kana (hint "jpn"), else `chi_sim`; the second model reads them
   only when the first read does not settle the script (`settles_script`: clear Japanese with kana from `jpn`,
   clear Han without kana from `chi_sim`). On the rows of a Chinese or Japanese label the other model reads
   the same glyphs worse (jpn writes 緑 for 绿, chi_sim writes 力 for カ), so it adds nothing to match on.
3. `read_best(images)` serves the checker's second round: the first pass over each alternative image, the
   most confident kept (a clearly good read skips or stops the others), then its follow-ups.

Each Tesseract run holds one of `slots` (default: the usable cores) so that concurrent checks never run
more Tesseract work at once than there are cores; runs are executed on worker threads whose scheduling
priority is lowered by `nice` (Linux applies it per thread, and child processes inherit it), so that the
app's own threads — barcode fast path, chat — are served first when the cores are busy.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from PIL import Image

from assistant.label.normalize import LATIN_FOLD, base_normalize
from assistant.label.ocr import Handle, OcrPass, OcrResult, OcrWord, good_read, mean_conf, split_passes
from assistant.label.rows import low_lines, rows_box, rows_crop
from assistant.priority import lower_this_thread

VIETNAMESE_WORDS = ("thanh phan", "san xuat", "cong ty", "tnhh", "viet nam", "huong dan", "su dung", "bao quan",
                    "khoi luong", "xuat xu", "thuc pham", "chuc nang", "vien nang", "nha phan phoi", "han dung")
CJK_MODELS = ("chi_sim", "chi_tra", "jpn")
_HANGUL = re.compile("[가-힣]")
THAI_PREFIX, VIETNAM_PREFIX = "885", "893"  # GS1 country prefixes
CROWDED = "crowded"  # hint: other checks wait for OCR, so the follow-ups take the cheaper order (module docstring)
SCRIPT_CONF = 70.0  # mean confidence of a CJK read that settles the rows' script (chi_sim reads Japanese rows at
# 50-65 and Chinese ones at 70-90 on the tuning photos; jpn reads Japanese ones at 78-93)
NO_CJK_LETTERS = 4  # a CJK read with this many letters or digits and no Han or kana: the rows hold no CJK
LINE_PSM = 7  # Tesseract page segmentation mode: treat the image as a single text line
RAW_LINE_PSM = 13  # ... as a raw line: no search for text blobs first (a crop psm 7 finds no text in is read so)


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def script_hints(barcodes: list[Any]) -> frozenset[str]:
    """OCR models a product's barcode suggests: a Thai or Vietnamese GS1 prefix."""
    hints = set()
    for b in barcodes:
        text = str(getattr(b, "text", b))
        if len(text) == 13 and text.startswith(THAI_PREFIX):
            hints.add("tha")
        if len(text) == 13 and text.startswith(VIETNAM_PREFIX):
            hints.add("vie")
    return frozenset(hints)


def thai_like(line: list[OcrWord]) -> bool:
    """A low-confidence `kor+eng` line that is probably Thai: read as mostly lower-case Latin letters
    ("aaNdwad"), where Chinese and Japanese come out as capitals, symbols and Hangul ("BCS:HERERPE")."""
    letters = [c for w in line for c in w.text if c.isalpha()]
    if len(letters) < 3:
        return False
    lower = sum(1 for c in letters if c.isascii() and c.islower())
    hangul = sum(1 for c in letters if 0xAC00 <= ord(c) <= 0xD7A3 or 0x3130 <= ord(c) <= 0x318F)
    return lower >= 0.5 * len(letters) and hangul < 0.15 * len(letters)


def vietnamese_cues(p: OcrPass) -> bool:
    """Two Latin words with diacritics (eng reads "Viên" as "Vién"), or a word every Vietnamese label prints."""
    accented = sum(1 for w in p.words if any(ord(c) in LATIN_FOLD for c in w.text))
    if accented >= 2:
        return True
    folded = " ".join(base_normalize(w.text) for w in p.words)
    return any(v in folded for v in VIETNAMESE_WORDS)


THAI_WORDS = {"thailand", "thai", "bangkok"}
OTHER_POLARITY_CONF = 60.0
THAI_LINE_CONF = 85.0


def kana_count(text: str) -> int:
    """Hiragana and katakana letters (not the long-vowel mark or the middle dot, which also stand for dashes)."""
    return sum(1 for c in text if 0x3041 <= ord(c) <= 0x30FA and c != "・")


def han_count(text: str) -> int:
    return sum(1 for c in text if 0x4E00 <= ord(c) <= 0x9FFF)


def settles_script(p: OcrPass) -> bool:
    """A CJK model's read of the rows clear enough that the other CJK model need not read them: `jpn` reading
    Japanese (kana, at least a quarter of its CJK letters) or `chi_sim` / `chi_tra` reading Han and no kana,
    each with a mean confidence of at least SCRIPT_CONF; or a read of several letters none of which is Han or
    kana (a CJK model writes Han or kana for any CJK-looking glyph, so these rows hold none).

    >>> settles_script(OcrPass("jpn", [OcrWord("原材料名", 88, 0), OcrWord("ゼラチン", 90, 0)]))
    True
    >>> settles_script(OcrPass("chi_sim", [OcrWord("原材料名", 60, 0), OcrWord("尼妈六", 55, 0)]))
    False
    >>> settles_script(OcrPass("chi_sim", [OcrWord("Net", 40, 0), OcrWord("60caps", 35, 0)]))
    True
    """
    text = "".join(w.text for w in p.words)
    kana, han = kana_count(text), han_count(text)
    if kana + han == 0 and sum(1 for c in text if c.isalnum()) >= NO_CJK_LETTERS:
        return True  # the rows hold no Han or kana at all (a Latin or Korean label's junk): the other model neither
    if mean_conf(p) < SCRIPT_CONF:
        return False
    if p.langs == "jpn":
        return kana >= 3 and kana >= 0.25 * (kana + han)
    return han >= 3 and kana == 0


KOREAN_LOST_CONF = 75.0  # a Latin word read below this on a Hangul line may be a Hangul word `kor` lost to `eng`
KOREAN_LOST_LEN = 8  # ... and at most this many letters


def korean_lost_to_eng(words: list[OcrWord]) -> bool:
    """A Hangul line (a Hangul word read at 60 or better) with a Latin word read poorly in it: `kor+eng` gives a
    word to `eng` when `kor` reads it poorly, and `kor` reads poorly the syllables it cannot write (charset.py: no
    슐, 팜, 뎀), so "슬림핏 캡슐" comes out "슬림핏 we" and "포도당, 디아제팜," "포도당, Clopaig,". `kor` alone
    writes the Hangul (캡슬, 디아제팝).

    >>> korean_lost_to_eng([OcrWord("슬림핏", 93, 0), OcrWord("we", 49, 0)])
    True
    >>> korean_lost_to_eng([OcrWord("제조원:", 91, 0), OcrWord("Orient", 90, 0), OcrWord("Trade", 88, 0)])
    False
    """
    hangul = any(_HANGUL.search(w.text) and w.conf >= 60 for w in words)
    return hangul and any(len(t) <= KOREAN_LOST_LEN and t.isascii() and t.isalnum() and w.conf < KOREAN_LOST_CONF
                          for w in words if (t := w.text.strip(".,:;!|()[]")))


def thai_cues(p: OcrPass) -> bool:
    """The label says where it is from ("Made in Thailand", "Bangkok Herbal Co.")."""
    return any(base_normalize(w.text).strip(".,:;()") in THAI_WORDS for w in p.words)


class TesseractEngine:
    """The pass logic; subclasses implement `_recognize(img, langs, handle) -> OcrPass` and `orientation`."""

    def __init__(self, languages: list[str] | None = None, psm: int = 3, timeout_s: float = 30.0,
                 mode: str = "adaptive", low_conf: float = 60.0, slots: int | None = None, nice: int = 0,
                 available: set[str] | None = None):
        """mode: "adaptive" (follow-ups only where needed) | "parallel" (every model over the whole image).
        available: the installed models; configured ones that are missing are left out."""
        wanted = languages or ["kor", "eng", "chi_sim", "chi_tra", "jpn", "tha", "vie"]
        if available is not None:
            missing = [lang for lang in wanted if lang not in available and lang in ("tha", "vie", *CJK_MODELS)]
            wanted = [lang for lang in wanted if lang not in missing]
            self.missing = missing
        else:
            self.missing = []
        self.configured = frozenset(wanted)  # every model this engine may run (chi_tra too, which no pass reads)
        self.passes = split_passes(wanted)
        self.first = self.passes[0] if self.passes else "eng"
        self.cjk = [p for p in self.passes[1:] if p in CJK_MODELS]
        self.thai = "tha" if "tha" in self.passes else None
        self.vie = "vie" if "vie" in self.passes else None
        # `kor` on its own for Hangul words `kor+eng` gave to `eng` (korean_lost_to_eng)
        self.kor_alone = "kor" in self.first.split("+") and self.first != "kor"
        self.psm, self.timeout_s, self.mode, self.low_conf, self.nice = psm, timeout_s, mode, low_conf, nice
        self.slots = slots or usable_cores()
        self._slots = threading.BoundedSemaphore(self.slots)
        self._pool = ThreadPoolExecutor(max_workers=max(4, 2 * self.slots), thread_name_prefix="ocr",
                                        initializer=self._lower_priority)

    def _lower_priority(self) -> None:
        lower_this_thread(self.nice)

    # --- one Tesseract run --------------------------------------------------------------------------
    def _recognize(self, img: Image.Image, langs: str, handle: Handle | None = None, psm: int | None = None,
                   invert: bool = True) -> OcrPass:
        """One Tesseract run. invert=False: no second try of poorly read lines inverted (Tesseract's
        tessedit_do_invert), for images that are dark text on white by construction."""
        raise NotImplementedError

    def orientation(self, img: Image.Image) -> tuple[int, float]:
        """(degrees clockwise that make the text upright, confidence); (0, 0.0) when it cannot tell."""
        return 0, 0.0

    def preload_keys(self) -> list[tuple[str, int]]:
        """The (models, page segmentation mode) pairs a label check may run: every pass's models (and `kor` alone)
        over a page and over one line. The partner model of a near miss (`configured` only) stays on demand."""
        langs = [*self.passes, *(["kor"] if self.kor_alone else [])]
        return [(lang, psm) for lang in dict.fromkeys(langs) for psm in dict.fromkeys((self.psm, LINE_PSM))]

    def preload(self) -> int:
        """Load the models of `preload_keys` now (an engine that keeps them loaded); the number loaded. The
        command-line engine starts a process per run, so it has nothing to keep."""
        return 0

    def _run(self, img: Image.Image, langs: str, handle: Handle | None = None, invert: bool = True) -> OcrPass:
        with self._slots:
            if handle is not None and handle.stopped:  # settled while this run waited for a core
                return OcrPass(langs)
            if invert:  # the default: engines written before `invert` keep working
                return self._recognize(img, langs, handle)
            return self._recognize(img, langs, handle, invert=False)

    def _submit(self, img: Image.Image, langs: str, handle: Handle | None = None, invert: bool = True) -> Future:
        return self._pool.submit(self._run, img, langs, handle, invert)

    def read_lines(self, crops: list[Image.Image], langs: str, raw: bool = False) -> list[OcrPass]:
        """Each crop read as one text line (Tesseract's single-line mode, psm 7) with `langs`, one pass per
        crop (region "line"), in order. Cheap on a name-sized crop; one core slot per crop. raw: a crop in which
        that mode finds no text is read again as a raw line (psm 13; the name reader's last try of a crop).

        The crops are dark glyphs on white by construction (name_lines.line_crop thresholds each line in its own
        polarity, and reads the other polarity itself when no model reads a crop), so Tesseract's inverted second
        try of a poorly read line is switched off: it could only re-read the same crop inverted."""
        out = []
        for crop in crops:
            with self._slots:
                p = self._recognize(crop, langs, None, psm=LINE_PSM, invert=False)
                if raw and not p.words:
                    # psm 7 still looks for text blobs first, and finds none in some crops of heavy, dense glyphs
                    # (a bold Han name with an outline: 御品减肥咖啡 read as nothing by every model); the raw-line mode
                    # reads the crop as it is
                    p = self._recognize(crop, langs, None, psm=RAW_LINE_PSM, invert=False)
            p.region = "line"
            out.append(p)
        return out

    @property
    def models(self) -> dict[str, object]:
        """The follow-up models this engine has: {"first", "cjk", "thai", "vie"} (name_lines.py picks)."""
        return {"first": self.first, "cjk": list(self.cjk), "thai": self.thai, "vie": self.vie}

    # --- passes ---------------------------------------------------------------------------------------
    def read(self, img: Image.Image, hints: frozenset[str] = frozenset(), invert: bool = True) -> OcrResult:
        """The first pass and its follow-ups. invert=False: the image holds dark text only, so no pass retries
        poorly read lines inverted (see `_recognize`)."""
        if self.mode == "parallel":
            futures = [self._submit(img, langs) for langs in self.passes]
            return OcrResult([f.result() for f in futures])
        return self.followups(img, self._run(img, self.first, invert=invert), hints, invert=invert)

    def read_enlarged(self, img: Image.Image, hints: frozenset[str] = frozenset()) -> OcrResult:
        """`read(img)` of an image that is dark text on white by construction (small_print.py's enlarged blocks,
        light ones inverted): no inverted second try of poorly read lines (see `_recognize`)."""
        return self.read(img, hints, invert=False)

    def read_if_better(self, img: Image.Image, than: OcrPass, hints: frozenset[str] = frozenset()) -> OcrResult | None:
        """`read(img)`, but its follow-ups only when the first pass reads more confident words than `than`
        (another image's first pass); None when it does not (the checker's turned photo: the turn was wrong)."""
        if self.mode == "parallel":
            return self.read(img, hints)
        first = self._run(img, self.first)
        if OcrResult([first]).readable_words() <= OcrResult([than]).readable_words():
            return None
        return self.followups(img, first, hints)

    def read_best(self, images: list[Image.Image], hints: frozenset[str] = frozenset(),
                  parallel: bool = True, dark_on_white: bool = False) -> tuple[int, OcrResult]:
        """(index, result) of the image the first pass reads with the highest mean word confidence.

        parallel: all first passes at once (a clearly good read stops the others, or skips them when they are
        still waiting for a core) — the fastest answer on an idle machine; False: one after the other in the
        given order, stopping at the first clearly good read — the least CPU when other checks are waiting.
        Only the winner gets the follow-ups. dark_on_white: the images are dark text on white by construction
        (the checker's flattened images), so the follow-ups (rows read with chi_sim, jpn, tha) run without
        Tesseract's inverted second try of poorly read lines, which there can only re-read junk (20-30 % of a
        read's CPU). The first passes keep it: which lines they read poorly picks the follow-up rows, and
        without it they picked other rows (two verdicts on the dev photos changed, one each way).
        """
        if not images:
            return -1, OcrResult()
        handles = [Handle() for _ in images]
        if parallel:
            futures = [self._submit(im, self.first, h) for im, h in zip(images, handles, strict=True)]
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                if any(good_read(f.result()) for f in done):
                    for f in pending:
                        handles[futures.index(f)].stop()
                    wait(pending)
                    break
            firsts = [f.result() for f in futures]
        else:
            firsts = []
            for im, h in zip(images, handles, strict=True):
                if firsts and good_read(firsts[-1]):
                    h.stop()
                    firsts.append(OcrPass(self.first))
                    continue
                firsts.append(self._run(im, self.first))
        best = max(range(len(images)), key=lambda i: mean_conf(firsts[i]))
        if self.mode == "parallel":
            rest = [f.result() for f in [self._submit(images[best], langs) for langs in self.passes[1:]]]
            result = OcrResult([firsts[best], *rest])
        else:
            result = self.followups(images[best], firsts[best], hints, invert=not dark_on_white)
        # a label mixes polarities (light name on a dark band, dark text around it): what the other image read
        # with some confidence is kept as evidence too (the matcher pools passes; nothing is read again)
        for i, other in enumerate(firsts):
            if i != best and not handles[i].stopped and len(other.words) >= 2 and mean_conf(other) >= OTHER_POLARITY_CONF:
                result.passes.append(other)
        result.info["stopped_early"] = sum(1 for h in handles if h.stopped)
        return best, result

    def followups(self, img: Image.Image, first: OcrPass, hints: frozenset[str] = frozenset(),
                  invert: bool = True) -> OcrResult:
        """The script-specific passes `first` calls for (module docstring), run in parallel (invert: see
        `_recognize`)."""
        result = OcrResult([first], {"cjk_pass": "skipped"})
        jobs: list[tuple[str, tuple[int, int, int, int] | None, list[list[OcrWord]]]] = []
        if not first.words:  # nothing read at all: the CJK models on the whole image
            jobs += [(langs, None, []) for langs in self.cjk]
        else:
            low = low_lines(first, self.low_conf)
            # every low row goes to the CJK models (a blurred Chinese line can look Thai-like too); Thai-like
            # rows, or all of them on a Thai product, also to the Thai model
            thai_rows: list[list[OcrWord]] = []
            if self.thai and ("tha" in hints or thai_cues(first) or any(thai_like(ln) for ln in low)):
                # Thai is suspected: every line not read cleanly (kor+eng reads some Thai as mid-confidence
                # lower-case words, "aany wad" at 65), not only the junk lines
                thai_rows = low_lines(first, THAI_LINE_CONF)
            cjk_rows = low
            if cjk_rows and self.cjk:
                rows = rows_box(cjk_rows, img.width, img.height)
                jobs += [(langs, rows, cjk_rows) for langs in self.cjk]
            if thai_rows and self.thai:
                jobs.append((self.thai, rows_box(thai_rows, img.width, img.height), thai_rows))
            # Hangul rows where `kor+eng` gave a word to `eng`: the rows once more with `kor` alone
            kor_rows = [ln for ln in first.lines() if korean_lost_to_eng(ln)] if self.kor_alone else []
            if kor_rows:
                jobs.append(("kor", rows_box(kor_rows, img.width, img.height), kor_rows))
        if self.vie and ("vie" in hints or vietnamese_cues(first)):
            jobs.append((self.vie, None, []))
        later: list[str] = []  # crowded: the CJK model read only when the other one does not settle the script
        cjk_jobs = [job for job in jobs if job[0] in CJK_MODELS]
        if CROWDED in hints and len(cjk_jobs) > 1:
            cjk_jobs.sort(key=lambda job: job[0] != "jpn" if "jpn" in hints else job[0] == "jpn")
            later = [job[0] for job in cjk_jobs[1:]]
            jobs = [job for job in jobs if job[0] not in CJK_MODELS] + cjk_jobs
        futures: list[tuple[str, tuple[int, int, int, int] | None, tuple[int, int], Future | None]] = []
        lines = first.lines() if jobs else []
        crops: dict[str, Image.Image] = {}
        for langs, box, keep in jobs:
            # the rows to read, with the lines kor+eng read well between them painted over (rows.py)
            crop = img if box is None else rows_crop(img, box, keep, lines)
            crops[langs] = crop
            futures.append((langs, box, crop.size, None if langs in later else self._submit(crop, langs, None, invert)))
        for langs, box, size, fut in futures:
            if fut is None:
                if any(q.langs in CJK_MODELS and settles_script(q) for q in result.passes[1:]):
                    result.info.setdefault("cjk_skipped", []).append(langs)
                    continue
                fut = self._submit(crops[langs], langs, None, invert)
            p = fut.result()
            if box is not None:
                p.region = "rows"
                for w in p.words:
                    w.left += box[0]
                    w.top += box[1]
            result.passes.append(p)
            key = "cjk_pass" if langs in CJK_MODELS else f"{langs}_pass"
            result.info[key] = f"{size[0]}x{size[1]}"
        return result


Factory = Callable[..., TesseractEngine]


def find_tessdata(cmd: str = "tesseract", configured: str | None = None) -> str | None:
    """The folder holding the *.traineddata files: settings, $TESSDATA_PREFIX, the Debian/Ubuntu paths."""
    from pathlib import Path

    candidates = [configured, os.environ.get("TESSDATA_PREFIX"), "/usr/share/tesseract-ocr/5/tessdata",
                  "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata"]
    for c in candidates:
        if c and any((Path(c) / f"{lang}.traineddata").exists() for lang in ("kor", "eng")):
            return str(c)
    return None


def installed_languages(tessdata: str | None) -> set[str] | None:
    from pathlib import Path

    if not tessdata:
        return None
    return {p.name[: -len(".traineddata")] for p in Path(tessdata).glob("*.traineddata")}


def build_ocr(settings: Any) -> TesseractEngine:
    """The engine the settings ask for: "auto" (in-process tesserocr when installed, else the tesseract
    command), "api" or "cli". Models configured but not installed (tha, vie, CJK) are left out."""
    ocr = settings.ocr
    engine = getattr(ocr, "engine", "auto")
    tessdata = find_tessdata(ocr.tesseract_cmd, getattr(ocr, "tessdata", None))
    available = installed_languages(tessdata)
    common: dict[str, Any] = {"slots": getattr(ocr, "workers", None) or None, "nice": getattr(ocr, "nice", 0),
                              "available": available}
    if engine in ("auto", "api") and tessdata:
        try:
            from assistant.label.tesseract_api import TesserocrOCR

            return TesserocrOCR(ocr.languages, tessdata=tessdata, **common)
        except ImportError:
            if engine == "api":
                from assistant.errors import ConfigError

                raise ConfigError("ocr.engine=api 에는 tesserocr 패키지가 필요합니다 (.venv/bin/pip install tesserocr)",
                                  "ocr.engine=api needs the tesserocr package (.venv/bin/pip install tesserocr)") from None
    from assistant.label.tesseract_cli import TesseractOCR

    return TesseractOCR(ocr.languages, ocr.tesseract_cmd, ocr.threads, **common)
