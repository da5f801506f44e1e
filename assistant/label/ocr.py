"""OCR with Tesseract (문자 인식), keeping per-word confidences.

Tesseract runs as a subprocess with TSV output, the image piped through stdin. Languages are split
into two passes run in parallel (one process per core): Hangul+Latin (`kor+eng`) and Chinese/Japanese
(`chi_sim+jpn`). A single `kor+eng+chi_sim+chi_tra+jpn` pass costs about twice the wall time of the
two parallel passes and reads no better. `OMP_THREAD_LIMIT=1` is set for each process: left unset,
Tesseract's OpenMP threads fight each other and run about 3× slower.

`chi_tra` is used only when `chi_sim` is not configured: the `jpn` model reads traditional forms and
the matcher folds traditional characters to simplified (normalize.SCRIPT_VARIANTS).
"""

from __future__ import annotations

import io
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
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
        return "\n".join(" ".join(w.text for w in ln) for ln in self.lines())


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
            extra = [" ".join(w.text for w in ln) for ln in p.lines() if has_cjk("".join(w.text for w in ln))]
            if extra:
                parts.append("\n".join(extra))
        return "\n".join(x for x in parts if x)

    def readable_words(self, min_conf: float = 60) -> int:
        return max((sum(1 for w in p.words if w.conf >= min_conf and len(w.text) > 1) for p in self.passes), default=0)


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
    """['kor','eng','chi_sim','chi_tra','jpn'] -> ['kor+eng', 'chi_sim+jpn']."""
    first = [lang for lang in languages if lang in ("kor", "eng")]
    cjk = [lang for lang in languages if lang in ("chi_sim", "jpn")]
    if "chi_tra" in languages and "chi_sim" not in languages:
        cjk.insert(0, "chi_tra")
    rest = [lang for lang in languages if lang not in ("kor", "eng", "chi_sim", "chi_tra", "jpn")]
    passes = ["+".join(first + rest)] if first or rest else []
    if cjk:
        passes.append("+".join(cjk))
    return passes


class TesseractOCR:
    """Real engine: one tesseract process per pass, passes in parallel."""

    def __init__(self, languages: list[str] | None = None, cmd: str = "tesseract", threads: int = 1,
                 psm: int = 3, timeout_s: float = 30.0, extra_config: list[str] | None = None):
        self.passes = split_passes(languages or ["kor", "eng", "chi_sim", "chi_tra", "jpn"])
        self.cmd = cmd
        self.psm = psm
        self.timeout_s = timeout_s
        self.extra_config = extra_config or []
        self.env = dict(os.environ, OMP_THREAD_LIMIT=str(max(1, threads)))
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(self.passes)), thread_name_prefix="ocr")

    def _run(self, data: bytes, langs: str) -> OcrPass:
        args = [self.cmd, "stdin", "stdout", "-l", langs, "--psm", str(self.psm), "--dpi", "300"]
        for c in self.extra_config:
            args += ["-c", c]
        args.append("tsv")
        try:
            proc = subprocess.run(args, input=data, capture_output=True, env=self.env, timeout=self.timeout_s)
        except FileNotFoundError as exc:
            raise ConfigError(
                f"Tesseract 실행 파일을 찾을 수 없습니다: {self.cmd} (scripts/setup.sh로 설치)",
                f"Tesseract not found: {self.cmd} (install with scripts/setup.sh)",
            ) from exc
        except subprocess.TimeoutExpired:
            return OcrPass(langs)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ConfigError(f"Tesseract 오류 ({langs}): {err[-1] if err else proc.returncode}",
                              f"Tesseract failed ({langs}): {err[-1] if err else proc.returncode}")
        return OcrPass(langs, parse_tsv(proc.stdout.decode("utf-8", "replace")))

    def read(self, img: Image.Image) -> OcrResult:
        buf = io.BytesIO()
        img.save(buf, format="PPM")  # uncompressed: cheaper than PNG to write and to read back
        data = buf.getvalue()
        futures = [self._pool.submit(self._run, data, langs) for langs in self.passes]
        return OcrResult([f.result() for f in futures])


class FakeOCR:
    """Test double: returns fixed words (one pass) whatever the image."""

    def __init__(self, lines: list[str], conf: float = 90.0):
        self.lines = lines
        self.conf = conf

    def read(self, img: Image.Image) -> OcrResult:
        words = [OcrWord(t, self.conf, i) for i, line in enumerate(self.lines) for t in line.split()]
        return OcrResult([OcrPass("fake", words)])
