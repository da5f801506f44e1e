"""Tesseract as a subprocess (the fallback engine): one `tesseract` process per pass, the image piped in as
PPM, TSV out. `OMP_THREAD_LIMIT=1` is set for each process: left unset, Tesseract's OpenMP threads fight
each other and run about 3× slower. A run can be stopped from another thread (its process is killed).
"""

from __future__ import annotations

import io
import os
import re
import subprocess

from PIL import Image

from assistant.errors import ConfigError
from assistant.label.ocr import Handle, OcrPass, parse_tsv
from assistant.label.tesseract import TesseractEngine


class TesseractOCR(TesseractEngine):
    def __init__(self, languages: list[str] | None = None, cmd: str = "tesseract", threads: int = 1,
                 psm: int = 3, timeout_s: float = 30.0, extra_config: list[str] | None = None,
                 mode: str = "adaptive", low_conf: float = 60.0, slots: int | None = None, nice: int = 0,
                 available: set[str] | None = None):
        super().__init__(languages, psm, timeout_s, mode, low_conf, slots, nice, available)
        self.cmd = cmd
        self.extra_config = extra_config or []
        self.env = dict(os.environ, OMP_THREAD_LIMIT=str(max(1, threads)))

    @staticmethod
    def _encode(img: Image.Image) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format="PPM")  # uncompressed: cheaper than PNG to write and to read back
        return buf.getvalue()

    def _recognize(self, img: Image.Image, langs: str, handle: Handle | None = None, psm: int | None = None,
                   invert: bool = True) -> OcrPass:
        """One Tesseract process. `handle` lets another thread stop it (its pass then comes back empty)."""
        args = [self.cmd, "stdin", "stdout", "-l", langs, "--psm", str(self.psm if psm is None else psm), "--dpi", "300"]
        for c in self.extra_config:
            args += ["-c", c]
        if not invert:
            args += ["-c", "tessedit_do_invert=0"]
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
            out, err_b = proc.communicate(self._encode(img), timeout=self.timeout_s)
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
            with self._slots:
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
