"""PDF reader (pypdf): one Block per page with its page number; Korean words broken across lines
are joined back.  # PDF

Line joining is deliberately conservative (no dictionary): a line that ends in a Hangul syllable is
joined to a next line that starts with one, unless the next line opens a new statute unit (제N조,
①, 1., 가., 부칙 …). The join has no space (a word broken by the PDF) unless the first line ends in
a common particle/ending (은 는 을 를 에 의 와 며 및 등), where the sentence simply continues
(but 에게/에서… stay one word). A line ending in an opening bracket or a line starting with a
closing one is joined too. Page-number lines ("- 3 -", "3 / 10") at a page's top/bottom are dropped.
Every other line break is kept, so statute structure lines stay on their own lines.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from assistant.errors import BadInputFile, ProtectedDocument
from ingest.document import Block, Document
from ingest.readers._common import clean_line, guess_title
from ingest.readers.furniture import strip_furniture
from ingest.readers.limits import Limits, current

logging.getLogger("pypdf").setLevel(logging.ERROR)

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# lines that open a new structural unit: 편/장/절/관/조, 항 ①, 호 1., 목 가., 부칙, 별표, bullets
_STRUCTURAL = re.compile(
    r"^\s*(제\s*\d+\s*(편|장|절|관|조)|[\u2460-\u2473\u3251-\u325f]|\d{1,3}\s*[.)](?!\d)|\(\d+\)|[가-하]\s*[.)](?=\s|$)"
    r"|부\s*칙|별\s*표|[-•·※○□■◦▶▷◇◆*]|\[)"
)
# final syllables that usually end a word (particles, connective endings): a break after them is
# most likely a real word boundary, so it is kept
_WORD_FINAL = set("은는을를에의와며및등")
# …but these pairs are one particle (세관장에\n게 → 세관장에게)
_PARTICLE_PAIRS = {"에게", "에서", "에는", "에도", "에만", "에의", "와의", "와는", "의한", "은커", "는데", "을지", "를테"}
_OPENING = tuple("「『(［[{〈《“‘")
_CLOSING = tuple("」』)］]}〉》”’,.·")
# page-number furniture on the first/last line of a page: "- 3 -", "3 / 10", "3/10"
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*/\s*\d{1,4})\s*$")
# "감사대상: …", "관련 규정 :" — a labelled field always starts its own line
_FIELD_LABEL = re.compile(r"^[가-힣A-Za-z][가-힣A-Za-z ]{0,11}\s?:")
# some fonts (e.g. NanumGothic printed by Chromium) map the space glyph to U+0001 in ToUnicode
_CONTROLS_TO_SPACE = {c: " " for c in range(32) if chr(c) not in "\n\t"}


def join_broken_lines(text: str) -> str:
    """Join Korean words that a PDF line break split, keep every other break.

    >>> join_broken_lines("관세는 수입물품에 부과\\n한다.\\n제2조(정의)")
    '관세는 수입물품에 부과한다.\\n제2조(정의)'
    """
    lines = [ln.strip() for ln in text.split("\n")]
    # A wrapped line runs to the right margin; one that stops well short ended on purpose (a table
    # row, a heading, a list line) and must not be glued to the next.
    # Line width is judged on the page's typical long line (80th percentile), and only on pages with
    # enough lines to tell; a short page keeps the plain joining rules.
    widths = sorted(len(ln) for ln in lines if ln)
    full = 0.6 * widths[int(0.8 * (len(widths) - 1))] if len(widths) >= 8 else 0
    out: list[str] = []
    prev_raw = ""
    for line in lines:
        if not line:
            if out and out[-1] != "":
                out.append("")
            prev_raw = ""
            continue
        prev = out[-1] if out else ""
        if not prev or _STRUCTURAL.match(line) or _FIELD_LABEL.match(line):
            out.append(line)
        elif len(prev_raw) < full and not (prev.endswith(_OPENING) or line.startswith(_CLOSING)):
            out.append(line)
        elif _HANGUL.fullmatch(prev[-1]) and _HANGUL.fullmatch(line[0]):
            # inside a word → no space; after a particle or an ending the sentence goes on → one space
            if prev[-1] in _WORD_FINAL:
                space = prev[-1] + line[0] not in _PARTICLE_PAIRS
            else:
                space = _space_at_join(prev, line)
            out[-1] = prev + (" " if space else "") + line
        elif prev.endswith(_OPENING) or line.startswith(_CLOSING):
            out[-1] = prev + line  # 「\n수입통관 … 」 : a bracket never ends or starts a line on its own
        else:
            out.append(line)
        prev_raw = line
    return "\n".join(out).strip()


def _space_at_join(prev: str, line: str) -> bool:
    """Did the line break fall between two words (a PDF wrapped at a space) rather than inside one?

    Korean puts spaces after particles and endings (도착지에서 | 반입신고를, 할 | 수), so: the left
    word must end in a particle (J*) or an ending (E*) by Kiwi's analysis, and Kiwi's spacing model
    must put a space exactly at the break. Noun + noun (관세 | 청) stays joined.
    """
    try:
        from assistant.text.korean import get_kiwi

        kiwi = get_kiwi()
    except Exception:  # Kiwi unavailable: the conservative join
        return False
    left = prev.rsplit(" ", 1)[-1]
    right = line.split(" ", 1)[0]
    tokens = kiwi.tokenize(left)
    if not tokens or not tokens[-1].tag.startswith(("J", "E")):
        return False
    spaced = kiwi.space(left + right, reset_whitespace=False)
    seen = 0
    for i, ch in enumerate(spaced):
        if ch != " ":
            seen += 1
        if seen == len(left):
            return spaced[i + 1 : i + 2] == " "
    return False


def _strip_page_numbers(text: str) -> str:
    lines = text.split("\n")
    if lines and _PAGE_NUMBER.match(lines[-1]):
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def read_pdf(path: Path, limits: Limits | None = None) -> Document:
    from pypdf import PdfReader
    lim = current(limits)
    size = path.stat().st_size
    if size == 0:
        raise BadInputFile(path, "빈 파일입니다(0바이트).", "empty file (0 bytes)")
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        # pypdf would often recover the first pages of a cut file; a silent partial read is worse
        raise BadInputFile(path, "PDF 파일이 잘렸습니다(끝 표시 %%EOF가 없음). 원본 파일을 다시 받아 넣어 주세요.",
                           "truncated PDF (no %%EOF marker at the end)")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            ok: Any
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported crypto is also "protected"
                ok = 0
            if not ok:
                raise ProtectedDocument(path, "암호로 보호된 PDF입니다. 암호를 해제한 뒤 다시 넣어 주세요.",
                                        "password-protected PDF; remove the password and try again")
        n_pages = len(reader.pages)
    except ProtectedDocument:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile input; all mean "corrupt"
        raise BadInputFile(path, f"PDF 구조가 손상되었거나 잘린 파일입니다: {type(exc).__name__}",
                           f"corrupt or truncated PDF: {exc}") from exc
    if n_pages == 0:
        raise BadInputFile(path, "페이지가 없는 PDF입니다(손상되었거나 잘린 파일).", "PDF has no pages (corrupt or truncated)")
    if n_pages > lim.max_pdf_pages:
        raise BadInputFile(
            path,
            f"페이지가 너무 많습니다({n_pages:,}쪽, 한도 {lim.max_pdf_pages:,}쪽). 파일을 나누어 넣거나 "
            f"ASSISTANT_MAX_PDF_PAGES로 한도를 올려 주세요.",
            f"too many pages ({n_pages:,}, limit {lim.max_pdf_pages:,}); split the file or raise "
            f"ASSISTANT_MAX_PDF_PAGES",
        )
    blocks: list[Block] = []
    failed = 0
    raw_pages: list[str] = []
    image_only: list[int] = []  # pages with a picture and no text: a scanned page inside a text PDF
    for number in range(1, n_pages + 1):
        try:
            raw = reader.pages[number - 1].extract_text() or ""
        except Exception:  # noqa: BLE001 - one broken page must not lose the document
            failed += 1
            raw = ""
        else:
            if not raw.strip() and _has_image(reader.pages[number - 1]):
                image_only.append(number)
        raw_pages.append(clean_line(raw.translate(_CONTROLS_TO_SPACE)))
    for number, page_text in enumerate(strip_furniture(raw_pages), start=1):  # running headers/footers, print stamps
        text = join_broken_lines(_strip_page_numbers(page_text))
        if text:
            blocks.append(Block(text=text, page=number))
    if failed == n_pages:
        raise BadInputFile(path, "PDF의 어느 페이지도 읽을 수 없습니다(손상된 파일).", "no page of the PDF could be read")
    ocr_note = ""
    ocr_partial = ""
    if not blocks:  # no text layer: a scan. Read it by OCR when tesseract and pdftoppm are installed
        blocks, ocr_note = _ocr_blocks(path, n_pages, lim)
    elif image_only:  # a text PDF with scanned pages (a scanned 별표): OCR those pages only, when possible
        extra = _ocr_some(path, n_pages, lim, image_only)
        if extra:
            blocks = sorted(blocks + extra, key=lambda b: b.page or 0)
            ocr_partial = ", ".join(str(b.page) for b in extra)
    meta_title = None
    try:
        info: Any = reader.metadata or {}
        meta_title = info.get("/Title")
    except Exception:  # noqa: BLE001
        meta_title = None
    meta = {"format": "pdf", "pages": str(n_pages)}
    warnings = [f"{failed}쪽을 읽지 못했습니다"] if failed and not ocr_note else []
    if ocr_note:
        meta["ocr"] = ocr_note
        warnings.append(f"텍스트 층이 없는 스캔 PDF라 문자 인식(OCR, {ocr_note})으로 읽었습니다. 오인식이 있을 수 있으니 원문을 확인하세요")
        if n_pages > lim.max_ocr_pages:
            warnings.append(f"OCR은 앞 {lim.max_ocr_pages}쪽만 읽었습니다(전체 {n_pages}쪽, ASSISTANT_MAX_OCR_PAGES로 조정)")
    if ocr_partial:
        from ingest.readers.ocr_pdf import LANGUAGES

        meta["ocr"] = f"tesseract {LANGUAGES} {lim.ocr_dpi}dpi (쪽 {ocr_partial})"
        warnings.append(f"텍스트 층이 없는 쪽({ocr_partial}쪽)을 문자 인식(OCR)으로 읽었습니다. 오인식이 있을 수 있으니 원문을 확인하세요")
    if warnings:
        meta["warnings"] = "; ".join(warnings)
    return Document(path=path, title=guess_title(blocks, path, str(meta_title) if meta_title else None),
                    blocks=blocks, meta=meta)


def _ocr_blocks(path: Path, n_pages: int, lim: Limits) -> tuple[list[Block], str]:
    """Blocks read by OCR, and the note for meta["ocr"]; the clear "no text layer" failure when OCR
    is unavailable or finds nothing."""
    from ingest.readers.ocr_pdf import LANGUAGES, ocr_pages

    texts = ocr_pages(path, n_pages, lim)
    if texts is None:
        raise BadInputFile(
            path,
            "텍스트 층이 없는 PDF입니다(스캔 이미지로 보임). 문자 인식(OCR)에 필요한 tesseract/pdftoppm(poppler-utils)이 "
            "설치되어 있지 않습니다.",
            "the PDF has no text layer (looks scanned) and the OCR tools (tesseract, pdftoppm) are not installed",
        )
    blocks = []
    for number, page_text in enumerate(strip_furniture([clean_line(t) for t in texts]), start=1):
        text = join_broken_lines(_strip_page_numbers(page_text))
        if text:
            blocks.append(Block(text=text, page=number))
    if not blocks:
        raise BadInputFile(path, "텍스트 층이 없는 PDF이고, 문자 인식(OCR)으로도 글자를 찾지 못했습니다.",
                           "the PDF has no text layer and OCR found no text")
    return blocks, f"tesseract {LANGUAGES} {lim.ocr_dpi}dpi"


def _has_image(page) -> bool:  # noqa: ANN001 - a pypdf PageObject
    """Whether the page draws an image XObject (a scan); False on anything unexpected."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values())
    except Exception:  # noqa: BLE001
        return False


def _ocr_some(path: Path, n_pages: int, lim: Limits, numbers: list[int]) -> list[Block]:
    """OCR blocks for the given scanned pages of a text PDF; [] when OCR is unavailable or finds nothing."""
    from ingest.readers.ocr_pdf import ocr_pages

    texts = ocr_pages(path, n_pages, lim, pages=numbers) or []
    blocks = []
    for number, raw in zip(numbers, texts, strict=False):
        text = join_broken_lines(_strip_page_numbers(clean_line(raw)))
        if text:
            blocks.append(Block(text=text, page=number))
    return blocks
