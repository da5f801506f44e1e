"""OCR with Tesseract (문자 인식), keeping per-word confidences.

Tesseract runs as a subprocess with TSV output, the image piped through stdin. Languages are split
into passes: Hangul+Latin (`kor+eng`), then `chi_sim` and `jpn` separately (combined, the Japanese
model leaks its glyphs into Chinese words: 育亨宾 read as 育享実). By default ("adaptive") the CJK passes
run, in parallel, only over the rows the first pass read with low confidence (that is what CJK text
looks like to kor+eng); "parallel" runs all passes on the whole image at once. A single `kor+eng+chi_sim+chi_tra+jpn` pass costs about twice the time and reads no better. `OMP_THREAD_LIMIT=1` is set for each process: left unset,
Tesseract's OpenMP threads fight each other and run about 3× slower.

`read_best(images)` serves the checker's second round: the Hangul/Latin pass over each alternative image
in parallel, the most confident one kept (a clearly good read stops the others' processes at once).

`chi_tra` is used only when `chi_sim` is not configured: the `jpn` model reads traditional forms and
the matcher folds traditional characters to simplified (normalize.SCRIPT_VARIANTS).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image

from assistant.errors import ConfigError


@dataclass
class OcrWord:
    text: str
    conf: float  # 0-100, Tesseract's word confidence
    line: int  # line id, unique within a pass
    left: int = 0
    top: int = 0
    width: int = 0
    height: int = 0


def _is_cjk_char(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF


def join_words(words: list[OcrWord]) -> str:
    """Words of one line as text. Tesseract splits Hangul/CJK into single-syllable "words"; those
    are glued back when their boxes nearly touch ("시 부 트 라 민" -> "시부트라민")."""
    out = ""
    prev: OcrWord | None = None
    for w in words:
        if prev is not None:
            gap = w.left - (prev.left + prev.width)
            tight = gap < 0.6 * max(prev.height, w.height, 1)
            glue = tight and _is_cjk_char(prev.text[-1]) and _is_cjk_char(w.text[0]) and prev.width > 0
            out += "" if glue else " "
        out += w.text
        prev = w
    return out


@dataclass
class OcrPass:
    langs: str
    words: list[OcrWord] = field(default_factory=list)

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

    @property
    def text(self) -> str:
        """Text for display: the Hangul/Latin pass, plus CJK-pass lines that hold ideographs or kana."""
        from assistant.label.normalize import has_cjk

        if not self.passes:
            return ""
        parts = [self.passes[0].text]
        for p in self.passes[1:]:
            extra = [join_words(ln) for ln in p.lines() if has_cjk("".join(w.text for w in ln))]
            if extra:
                parts.append("\n".join(extra))
        return "\n".join(x for x in parts if x)

    def readable_words(self, min_conf: float = 60) -> int:
        return max((sum(1 for w in p.words if w.conf >= min_conf and len(w.text) > 1) for p in self.passes), default=0)


GOOD_READ_CONF = 80.0  # mean word confidence of a pass that is clearly in the right polarity
GOOD_READ_WORDS = 8


def good_read(p: OcrPass) -> bool:
    return len(p.words) >= GOOD_READ_WORDS and mean_conf(p) >= GOOD_READ_CONF


class _Handle:
    """Lets one thread stop a Tesseract process another thread is waiting on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self.stopped = False

    def attach(self, proc: subprocess.Popen) -> bool:
        """False when the handle was stopped before the process started."""
        with self._lock:
            self._proc = proc
            return not self.stopped

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()


def mean_conf(p: OcrPass) -> float:
    """Mean word confidence of a pass, 0 when it read nothing."""
    vals = [w.conf for w in p.words if w.conf >= 0]
    return sum(vals) / len(vals) if vals else 0.0


class OCREngine(Protocol):
    def read(self, img: Image.Image) -> OcrResult: ...


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract TSV (level 5 rows are words) -> words with confidences."""
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
    """['kor','eng','chi_sim','chi_tra','jpn'] -> ['kor+eng', 'chi_sim', 'jpn']."""
    first = [lang for lang in languages if lang in ("kor", "eng")]
    cjk = [lang for lang in languages if lang in ("chi_sim", "jpn")]
    if "chi_tra" in languages and "chi_sim" not in languages:
        cjk.insert(0, "chi_tra")
    rest = [lang for lang in languages if lang not in ("kor", "eng", "chi_sim", "chi_tra", "jpn")]
    passes = ["+".join(first + rest)] if first or rest else []
    return passes + cjk  # one pass per CJK model: chi_sim+jpn together lets Japanese glyphs into Chinese words


class TesseractOCR:
    """Real engine: one tesseract process per pass, passes in parallel."""

    def __init__(self, languages: list[str] | None = None, cmd: str = "tesseract", threads: int = 1,
                 psm: int = 3, timeout_s: float = 30.0, extra_config: list[str] | None = None,
                 mode: str = "adaptive", low_conf: float = 60.0):
        """mode: "adaptive" (CJK pass only where kor+eng read junk) | "parallel" (both passes, whole image)."""
        self.passes = split_passes(languages or ["kor", "eng", "chi_sim", "chi_tra", "jpn"])
        self.mode = mode
        self.low_conf = low_conf
        self.cmd = cmd
        self.psm = psm
        self.timeout_s = timeout_s
        self.extra_config = extra_config or []
        self.env = dict(os.environ, OMP_THREAD_LIMIT=str(max(1, threads)))
        self._pool = ThreadPoolExecutor(max_workers=max(2, len(self.passes)), thread_name_prefix="ocr")

    def _run(self, data: bytes, langs: str, handle: _Handle | None = None) -> OcrPass:
        """One Tesseract process. `handle` lets another thread stop it (its pass then comes back empty)."""
        args = [self.cmd, "stdin", "stdout", "-l", langs, "--psm", str(self.psm), "--dpi", "300"]
        for c in self.extra_config:
            args += ["-c", c]
        args.append("tsv")
        try:
            proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=self.env)
        except FileNotFoundError as exc:
            raise ConfigError(
                f"Tesseract 실행 파일을 찾을 수 없습니다: {self.cmd} (scripts/setup.sh로 설치)",
                f"Tesseract not found: {self.cmd} (install with scripts/setup.sh)",
            ) from exc
        if handle is not None and not handle.attach(proc):
            proc.kill()
        try:
            out, err_b = proc.communicate(data, timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return OcrPass(langs)
        if handle is not None and handle.stopped:
            return OcrPass(langs)
        if proc.returncode != 0:
            err = err_b.decode("utf-8", "replace").strip().splitlines()
            raise ConfigError(f"Tesseract 오류 ({langs}): {err[-1] if err else proc.returncode}",
                              f"Tesseract failed ({langs}): {err[-1] if err else proc.returncode}")
        return OcrPass(langs, parse_tsv(out.decode("utf-8", "replace")))

    def orientation(self, img: Image.Image) -> tuple[int, float]:
        """(degrees clockwise that make the text upright, confidence) from Tesseract's orientation
        detection (OSD); (0, 0.0) when it cannot tell (too little text, no osd data)."""
        args = [self.cmd, "stdin", "stdout", "--psm", "0", "-l", "osd"]
        try:
            proc = subprocess.run(args, input=self._encode(img), capture_output=True, env=self.env,
                                  timeout=self.timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return 0, 0.0
        out = proc.stdout.decode("utf-8", "replace")
        angle = re.search(r"Rotate:\s*(\d+)", out)
        conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
        if proc.returncode != 0 or not angle:
            return 0, 0.0
        return int(angle.group(1)) % 360, float(conf.group(1)) if conf else 0.0

    @staticmethod
    def _encode(img: Image.Image) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format="PPM")  # uncompressed: cheaper than PNG to write and to read back
        return buf.getvalue()

    def read(self, img: Image.Image) -> OcrResult:
        if self.mode == "parallel" or len(self.passes) < 2:
            data = self._encode(img)
            futures = [self._pool.submit(self._run, data, langs) for langs in self.passes]
            return OcrResult([f.result() for f in futures])
        return self._read_adaptive(img)

    def _read_adaptive(self, img: Image.Image) -> OcrResult:
        """Hangul/Latin pass on the whole image; the CJK pass only over the lines it could not read.

        Chinese or Japanese text read with kor+eng comes out as low-confidence Latin/Hangul junk
        (mean word confidence below ~50, against 90+ for text in the right script), so those lines
        locate the CJK text and the second pass runs on their bounding box alone.
        """
        return self._cjk_followup(img, self._run(self._encode(img), self.passes[0]))

    def read_best(self, images: list[Image.Image]) -> tuple[int, OcrResult]:
        """(index, result) of the image the Hangul/Latin pass reads with the highest mean word confidence.

        The first passes run in parallel (one per core); only the winner gets the CJK follow-up. Used for the
        second round on alternative preprocessings: the wrong text polarity reads as low-confidence junk.
        """
        if not images:
            return -1, OcrResult()
        handles = [_Handle() for _ in images]
        futures = [self._pool.submit(self._run, self._encode(im), self.passes[0], h) for im, h in zip(images, handles, strict=True)]
        pending = set(futures)
        while pending:  # a clearly good read settles it: the others (junk, and slow because of it) are stopped
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            if any(good_read(f.result()) for f in done):
                for f in pending:
                    handles[futures.index(f)].stop()
                wait(pending)
                break
        firsts = [f.result() for f in futures]
        scores = [mean_conf(p) for p in firsts]
        best = max(range(len(images)), key=lambda i: scores[i])
        if self.mode == "parallel" or len(self.passes) < 2:
            data = self._encode(images[best])
            rest = [f.result() for f in [self._pool.submit(self._run, data, langs) for langs in self.passes[1:]]]
            result = OcrResult([firsts[best], *rest])
        else:
            result = self._cjk_followup(images[best], firsts[best])
        result.info["stopped_early"] = sum(1 for h in handles if h.stopped)
        return best, result

    def _cjk_followup(self, img: Image.Image, first: OcrPass) -> OcrResult:
        """The CJK passes over the rows `first` read with low confidence (or the whole image if it read nothing)."""
        result = OcrResult([first], {"cjk_pass": "skipped"})
        low = [ln for ln in first.lines()
               if sum(w.conf for w in ln) / len(ln) < self.low_conf and sum(len(w.text) for w in ln) >= 3]
        if not low and first.words:
            return result
        boxes = [w for ln in low for w in ln] or None
        if boxes:
            pad = max(20, max(w.height for w in boxes))
            # full width, only the rows holding those lines: keeps the layout Tesseract segments on
            x0, x1 = 0, img.width
            y0 = max(0, min(w.top for w in boxes) - pad)
            y1 = min(img.height, max(w.top + w.height for w in boxes) + pad)
            crop = img.crop((x0, y0, x1, y1))
        else:  # nothing read at all: try the CJK models on the whole image
            x0 = y0 = 0
            crop = img
        data = self._encode(crop)
        for second in [f.result() for f in [self._pool.submit(self._run, data, langs) for langs in self.passes[1:]]]:
            for w in second.words:
                w.left += x0
                w.top += y0
            result.passes.append(second)
        result.info["cjk_pass"] = f"{crop.width}x{crop.height}"
        return result


class FakeOCR:
    """Test double: returns fixed words (one pass) whatever the image."""

    def __init__(self, lines: list[str], conf: float = 90.0):
        self.lines = lines
        self.conf = conf

    def read(self, img: Image.Image) -> OcrResult:
        words = [OcrWord(t, self.conf, i) for i, line in enumerate(self.lines) for t in line.split()]
        return OcrResult([OcrPass("fake", words)])
