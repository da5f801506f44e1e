"""Tesseract in-process through tesserocr (the default engine).

Each language set ("kor+eng", "chi_sim", "tha" …) is loaded once per worker and reused: a Tesseract process
spends 0.05–0.3 s of CPU loading its models at every start, more than recognising a cropped row costs.
Recognition releases the GIL, so passes on worker threads run in parallel. The models are Debian's
(`/usr/share/tesseract-ocr/5/tessdata`); the tesserocr wheel brings its own libtesseract.

An in-process run cannot be killed: a run stopped before it started is skipped, a running one finishes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image

from assistant.errors import ConfigError
from assistant.label.ocr import Handle, OcrPass, parse_tsv
from assistant.label.tesseract import (
    LINE_PSM,
    RAW_LINE_PSM,
    TesseractEngine,
    find_tessdata,
    installed_languages,
)

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before libtesseract is loaded: one thread per run
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


class TesserocrOCR(TesseractEngine):
    def __init__(self, languages: list[str] | None = None, tessdata: str | None = None, psm: int = 3,
                 timeout_s: float = 30.0, mode: str = "adaptive", low_conf: float = 60.0, slots: int | None = None,
                 nice: int = 0, available: set[str] | None = None):
        import tesserocr  # noqa: F401  (ImportError: the caller falls back to the tesseract command)

        self.tessdata = tessdata or find_tessdata()
        if not self.tessdata:
            raise ConfigError("Tesseract 언어 데이터(tessdata)를 찾을 수 없습니다 (scripts/setup.sh로 설치)",
                              "Tesseract language data (tessdata) not found (install with scripts/setup.sh)")
        super().__init__(languages, psm, timeout_s, mode, low_conf, slots, nice,
                         available if available is not None else installed_languages(self.tessdata))
        self._free: dict[tuple[str, int], list[Any]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def _api(self, langs: str, psm: int | None = None) -> Iterator[Any]:
        """A loaded TessBaseAPI for `langs` (one per concurrent user, kept for reuse)."""
        import tesserocr

        key = (langs, self.psm if psm is None else psm)
        with self._lock:
            free = self._free.setdefault(key, [])
            api = free.pop() if free else None
        if api is None:
            try:
                api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang=langs, psm=key[1])
            except RuntimeError as exc:
                raise ConfigError(f"Tesseract 언어 모델을 불러올 수 없습니다: {langs} ({self.tessdata})",
                                  f"cannot load Tesseract language models: {langs} ({self.tessdata})") from exc
            api.SetVariable("user_defined_dpi", "300")
        try:
            yield api
        finally:
            with self._lock:
                self._free[key].append(api)

    def preload(self) -> int:
        """Every model a label check may run, loaded and kept (≈ 0.1-0.3 s of CPU each; ≈ 290 MB for all of them
        with the default models): in the web app's OCR workers at start, so the first officers' checks do not pay
        for the loads while every core is busy (docs/BENCHMARKS.md, seventh session). Orientation detection too."""
        keys = self.preload_keys()
        if "osd" in (installed_languages(self.tessdata) or set()):
            import tesserocr

            keys.append(("osd", int(tesserocr.PSM.OSD_ONLY)))
        loaded = 0
        for langs, psm in keys:
            with self._lock:
                if self._free.get((langs, psm)):
                    continue
            try:
                with self._api(langs, psm):
                    loaded += 1
            except ConfigError:
                continue  # a model that cannot load fails the check that needs it, with its message, not the start
        return loaded

    @staticmethod
    def _set_image(api: Any, img: Image.Image) -> None:
        """Raw pixels, no PNG round trip."""
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        bpp = 1 if img.mode == "L" else 3
        api.SetImageBytes(img.tobytes(), img.width, img.height, bpp, img.width * bpp)

    def _recognize(self, img: Image.Image, langs: str, handle: Handle | None = None, psm: int | None = None,
                   invert: bool = True) -> OcrPass:
        raw = psm == RAW_LINE_PSM  # served by the single-line API of the model, switched for this run (memory)
        with self._api(langs, LINE_PSM if raw else psm) as api:
            # set at every run (an API serves both kinds of read; a second API per model would cost its memory)
            api.SetVariable("tessedit_do_invert", "1" if invert else "0")
            if raw:
                api.SetPageSegMode(RAW_LINE_PSM)
            try:
                self._set_image(api, img)
                if not api.Recognize(timeout=int(self.timeout_s * 1000)):
                    api.Clear()
                    return OcrPass(langs)
                tsv = api.GetTSVText(0)
                api.Clear()
            finally:
                if raw:
                    api.SetPageSegMode(LINE_PSM)
        return OcrPass(langs, parse_tsv(TSV_HEADER + tsv))

    def orientation(self, img: Image.Image) -> tuple[int, float]:
        """(degrees clockwise that make the text upright, confidence) from Tesseract's orientation and script
        detection; (0, 0.0) when it cannot tell (too little text, no osd model)."""
        import tesserocr

        if "osd" not in (installed_languages(self.tessdata) or set()):
            return 0, 0.0
        with self._slots, self._api("osd", int(tesserocr.PSM.OSD_ONLY)) as api:
            self._set_image(api, img)
            found = api.DetectOrientationScript()
            api.Clear()
        if not found:
            return 0, 0.0
        return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])
