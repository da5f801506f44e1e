"""image.py: formats, EXIF orientation, limits and every bad-file case."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assistant.errors import BadInputFile
from assistant.label.image import ImageLimits, load_image


def _jpeg(img: Image.Image, orientation: int | None = None) -> bytes:
    buf = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def test_exif_orientation_is_applied():
    upright = Image.new("RGB", (60, 40), "white")
    upright.paste((255, 0, 0), (0, 0, 20, 40))  # red band on the left when upright
    stored = upright.rotate(90, expand=True)  # what a phone stores with orientation 6
    loaded = load_image(_jpeg(stored, orientation=6), "side.jpg")
    assert loaded.image.size == (60, 40)
    assert loaded.info["exif_orientation"] == 6
    r, g, b = loaded.image.getpixel((5, 20))
    assert r > 200 and g < 80  # the red band is back on the left


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp(fmt):
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buf, fmt)
    assert load_image(buf.getvalue(), "x").image.size == (30, 20)


def test_heic():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buf, "HEIF")
    loaded = load_image(buf.getvalue(), "phone.heic")
    assert loaded.image.size == (64, 48) and loaded.info["format"] == "HEIF"


def test_decompression_bomb_refused_before_decoding():
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")  # tiny file, 144 MP
    assert len(buf.getvalue()) < 1_000_000
    with pytest.raises(BadInputFile) as err:
        load_image(buf.getvalue(), "bomb.png", ImageLimits(max_pixels=40_000_000))
    assert "압축 폭탄" in str(err.value) and "bomb.png" in str(err.value)


def test_not_an_image(tmp_path):
    p = tmp_path / "notes.jpg"
    p.write_text("not a picture", encoding="utf-8")
    with pytest.raises(BadInputFile, match="이미지 파일이 아닙니다"):
        load_image(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    with pytest.raises(BadInputFile, match="빈 파일"):
        load_image(p)


def test_truncated_file():
    data = _jpeg(Image.effect_noise((400, 300), 60).convert("RGB"))
    with pytest.raises(BadInputFile, match="손상|잘렸"):
        load_image(data[: len(data) // 2], "cut.jpg")


def test_file_too_large(tmp_path):
    p = tmp_path / "big.jpg"
    p.write_bytes(_jpeg(Image.effect_noise((300, 300), 80).convert("RGB")))
    with pytest.raises(BadInputFile, match="너무 큽니다"):
        load_image(p, limits=ImageLimits(max_file_mb=0.001))


def test_unsupported_format():
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "GIF")
    with pytest.raises(BadInputFile, match="지원하지 않는"):
        load_image(buf.getvalue(), "a.gif")
