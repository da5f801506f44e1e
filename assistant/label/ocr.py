"""OCR results and the engine protocol (문자 인식): words with per-word confidences, grouped in passes.

A label is read in *passes*, one per Tesseract language set: Hangul+Latin (`kor+eng`) over the whole
photo, then follow-ups only where they can help (tesseract.py: Chinese/Japanese/Thai models over the rows
`kor+eng` read as junk, Vietnamese over the whole photo when it shows Vietnamese). The engines:

- `TesserocrOCR` (tesseract_api.py): Tesseract in-process through tesserocr, each language set loaded
  once and reused — the default (a Tesseract process spends 0.05–0.3 s of CPU per start loading models);
- `TesseractOCR` (tesseract_cli.py): one `tesseract` process per pass, TSV through a pipe — the fallback
  when tesserocr is not installed;
- `FakeOCR`: fixed words for tests.

`build_ocr(settings)` (tesseract.py) picks the engine.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image


@dataclass
class OcrWord:
    text: str
    conf: float  # 0-100, Tesseract's word confidence
    line: int  # line id, unique within a pass
    left: int = 0
    top: int = 0
    width: int = 0
    height: int = 0


def _glues(ch: str) -> bool:
    """Scripts written without spaces between syllables/letters, which Tesseract returns one glyph per word."""
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0x0E01 <= o <= 0x0E5B


def join_words(words: list[OcrWord]) -> str:
    """Words of one line as text. Tesseract splits Hangul/CJK/Thai into single-glyph "words"; those
    are glued back when their boxes nearly touch ("시 부 트 라 민" -> "시부트라민")."""
    out = ""
    prev: OcrWord | None = None
    for w in words:
        if prev is not None:
            gap = w.left - (prev.left + prev.width)
            tight = gap < 0.6 * max(prev.height, w.height, 1)
            glue = tight and _glues(prev.text[-1]) and _glues(w.text[0]) and prev.width > 0
            out += "" if glue else " "
        out += w.text
        prev = w
    return out


@dataclass
class OcrPass:
    langs: str
    words: list[OcrWord] = field(default_factory=list)
    region: str = "page"  # "page" (whole image) | "rows" (a crop of the rows the first pass could not read)
    # | "line" (one crop read as a single line) | "lines" (the name lines of a photo, name_lines.py)

    def lines(self) -> list[list[OcrWord]]:
        out: dict[int, list[OcrWord]] = {}
        for w in self.words:
            out.setdefault(w.line, []).append(w)
        return list(out.values())

    @property
    def text(self) -> str:
        return "\n".join(join_words(ln) for ln in self.lines())


@dataclass
class OcrResult:
    passes: list[OcrPass] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def base_pass(self) -> OcrPass | None:
        """The whole-page pass shown as the label's text: the Vietnamese one when it ran (it reads Latin text
        as well and keeps the diacritics), else the Hangul/Latin first pass."""
        page = [p for p in self.passes if p.region == "page"]
        return next((p for p in page if p.langs == "vie"), page[0] if page else None)

    @property
    def text(self) -> str:
        """Text for display: the base pass, plus follow-up lines that hold ideographs, kana or Thai."""
        from assistant.label.normalize import has_cjk, has_thai

        base = self.base_pass()
        if base is None:
            return ""
        parts = [base.text]
        for p in self.passes:
            if p is base:
                continue
            extra = [join_words(ln) for ln in p.lines() if (has_cjk(t := "".join(w.text for w in ln)) or has_thai(t))]
            if extra:
                parts.append("\n".join(extra))
        return "\n".join(x for x in parts if x)

    def readable_words(self, min_conf: float = 60) -> int:
        return max((sum(1 for w in p.words if w.conf >= min_conf and len(w.text) > 1) for p in self.passes), default=0)


GOOD_READ_CONF = 80.0  # mean word confidence of a pass that is clearly in the right polarity
GOOD_READ_WORDS = 8


def mean_conf(p: OcrPass) -> float:
    """Mean word confidence of a pass, 0 when it read nothing."""
    vals = [w.conf for w in p.words if w.conf >= 0]
    return sum(vals) / len(vals) if vals else 0.0


def good_read(p: OcrPass) -> bool:
    return len(p.words) >= GOOD_READ_WORDS and mean_conf(p) >= GOOD_READ_CONF


class Handle:
    """Lets one thread stop an OCR run another thread started or is about to start (a Tesseract process is
    killed; an in-process run that has not started yet is skipped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: Any = None
        self.stopped = False

    def attach(self, proc: Any) -> bool:
        """False when the handle was stopped before the process started."""
        with self._lock:
            self._proc = proc
            return not self.stopped

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()


_Handle = Handle  # the old private name


class OCREngine(Protocol):
    def read(self, img: Image.Image, hints: frozenset[str] = frozenset()) -> OcrResult: ...


class LineReader(Protocol):
    """What the name reader (name_lines.py) needs besides `read`: single-line reads of crops with one model
    set, and which models there are ({"first": "kor+eng", "cjk": [...], "thai": "tha" | None, "vie": ...})."""

    models: dict[str, Any]

    def read_lines(self, crops: list[Image.Image], langs: str, raw: bool = False) -> list[OcrPass]: ...


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract TSV (level 5 rows are words; the first line is the header) -> words with confidences."""
    words: list[OcrWord] = []
    line_ids: dict[tuple[str, str, str, str], int] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1.0
        key = (cols[1], cols[2], cols[3], cols[4])
        line = line_ids.setdefault(key, len(line_ids))
        words.append(OcrWord(text, conf, line, int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9])))
    return words


def split_passes(languages: list[str]) -> list[str]:
    """['kor','eng','chi_sim','chi_tra','jpn','tha','vie'] -> ['kor+eng', 'chi_sim', 'jpn', 'tha', 'vie'].

    One pass per CJK model (chi_sim+jpn together lets Japanese glyphs into Chinese words); `chi_tra` only
    when `chi_sim` is not configured (the `jpn` model reads traditional forms and the matcher folds them);
    Thai and Vietnamese are follow-ups of their own, run only where their script is suspected.
    """
    first = [lang for lang in languages if lang in ("kor", "eng")]
    cjk = [lang for lang in languages if lang in ("chi_sim", "jpn")]
    if "chi_tra" in languages and "chi_sim" not in languages:
        cjk.insert(0, "chi_tra")
    scripts = [lang for lang in ("tha", "vie") if lang in languages]
    rest = [lang for lang in languages if lang not in ("kor", "eng", "chi_sim", "chi_tra", "jpn", "tha", "vie")]
    passes = ["+".join(first + rest)] if first or rest else []
    return passes + cjk + scripts


class FakeOCR:
    """Test double: returns fixed words (one pass) whatever the image.

    `line_reads`: what `read_lines` returns for the successive crops it is given (one text per crop, then
    nothing); without it `read_lines` reads nothing, so the checker goes on to `read`."""

    def __init__(self, lines: list[str], conf: float = 90.0, line_reads: list[str] | None = None):
        self.lines = lines
        self.conf = conf
        self.calls = 0
        self.line_reads = list(line_reads or [])
        self.line_calls: list[str] = []  # the model asked for, per crop read

    models: dict[str, Any] = {"first": "fake", "cjk": [], "thai": None, "vie": None}

    def read(self, img: Image.Image, hints: frozenset[str] = frozenset()) -> OcrResult:
        self.calls += 1
        words = [OcrWord(t, self.conf, i) for i, line in enumerate(self.lines) for t in line.split()]
        return OcrResult([OcrPass("fake", words)])

    def read_lines(self, crops: list[Image.Image], langs: str, raw: bool = False) -> list[OcrPass]:
        out = []
        for _ in crops:
            n = len(self.line_calls)
            self.line_calls.append(langs)
            text = self.line_reads[n] if n < len(self.line_reads) else ""
            out.append(OcrPass(langs, [OcrWord(t, self.conf, 0) for t in text.split()], region="line"))
        return out


def __getattr__(name: str) -> Any:
    """The engines live in their own modules; importable from here as before."""
    if name == "TesseractOCR":
        from assistant.label.tesseract_cli import TesseractOCR

        return TesseractOCR
    if name == "TesserocrOCR":
        from assistant.label.tesseract_api import TesserocrOCR

        return TesserocrOCR
    raise AttributeError(name)
