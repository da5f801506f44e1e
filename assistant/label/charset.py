"""Characters the installed OCR models can write at all (인식 가능 문자 집합).

A Tesseract LSTM model outputs only the characters of its own `lstm-unicharset`. The Debian models (tessdata_fast)
leave out many rarer ones: 酞 and 泮 are in none of chi_sim, chi_tra and jpn, and `kor` holds 1,112 Hangul syllables
of the 11,172, without 팜. So 酚酞, 地西泮 and 디아제팜 can never be read exactly: OCR writes the nearest glyph it
knows (酚本, 地西洋). The matcher treats such a character of a list name as one unknown character of the same script
(match.py `Term.wild`), instead of asking for a read that cannot happen.

A `.traineddata` file is a table of components: an int32 count, then one int64 file offset per component (-1 when
absent); a component ends where the next present one starts. Component 21 is the LSTM unicharset, a text file: its
first line is the count, then one line per character, the character first ("NULL" stands for the space).

Deliberate simplification: the union over every installed model is used, not only the configured ones (a model
installed but switched off in settings still counts as able to read its characters: fewer unknowns, as before).
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

LSTM_UNICHARSET = 21  # tessdatamanager.h TESSDATA_LSTM_UNICHARSET
NOT_TEXT_MODELS = ("osd", "equ")


def model_charset(path: Path | str) -> frozenset[str]:
    """The characters one `.traineddata` model can output (empty when it has no LSTM unicharset).

    >>> from assistant.label.tesseract import find_tessdata
    >>> d = find_tessdata()
    >>> d is None or ("가" in model_charset(Path(d) / "kor.traineddata"))
    True
    """
    data = Path(path).read_bytes()
    (count,) = struct.unpack_from("<i", data, 0)
    if not 0 < count <= 64 or len(data) < 4 + 8 * count:
        raise ValueError(f"{path}: not a traineddata file")
    offsets = struct.unpack_from(f"<{count}q", data, 4)
    if count <= LSTM_UNICHARSET or offsets[LSTM_UNICHARSET] < 0:
        return frozenset()
    start = offsets[LSTM_UNICHARSET]
    end = min([o for o in offsets[LSTM_UNICHARSET + 1:] if o > start] + [len(data)])
    lines = data[start:end].decode("utf-8", errors="replace").splitlines()[1:]
    chars = {line.split(" ", 1)[0] for line in lines if line.strip()}
    chars.discard("NULL")
    return frozenset(c for c in chars if len(c) == 1)


@lru_cache(maxsize=4)
def installed_charset(tessdata: str | None = None) -> frozenset[str]:
    """The union of what every installed text model can output; empty when no model is found (then nothing is
    treated as unreadable)."""
    from assistant.label.tesseract import find_tessdata

    folder = tessdata or find_tessdata()
    if not folder:
        return frozenset()
    out: set[str] = set()
    for f in sorted(Path(folder).glob("*.traineddata")):
        if f.stem in NOT_TEXT_MODELS:
            continue
        try:
            out |= model_charset(f)
        except (OSError, ValueError, struct.error):
            continue  # a damaged or legacy-only model: it reads nothing the others cannot
    return frozenset(out)
