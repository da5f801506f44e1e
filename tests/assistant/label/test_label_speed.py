"""The fast paths and the queue: a listed barcode needs no OCR, a repeated photo is answered from the
verdict cache until the lists change, and checks that need OCR wait their turn with a position."""

from __future__ import annotations

import io
import threading
import time

from PIL import Image, ImageDraw, ImageFont
from test_label_barcode import draw_ean13

from assistant.label.cache import VerdictCache
from assistant.label.checker import LabelChecker
from assistant.label.legal import LegalBasis
from assistant.label.ocr import FakeOCR
from assistant.label.slots import CheckQueue
from assistant.label.snapshot import ListSnapshot

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
PRODUCTS = [{"seq": "2023000001", "product": "Golden Bee Slim Tea", "manufacturer": "Golden Bee Co., Ltd.",
             "ingredients": "시부트라민", "barcode": "8801234567893", "registered": "20230105", "source": "I2715.json"}]
INGREDIENTS = [{"name_ko": "시부트라민", "name_en": "Sibutramine", "status": "Y", "designated": "20240210", "source": "b.json"}]


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def barcode_photo(digits: str) -> bytes:
    img = Image.new("RGB", (700, 320), "white")
    img.paste(draw_ean13(digits).convert("RGB"), (120, 60))
    return png(img)


def text_photo(text: str) -> bytes:
    img = Image.new("RGB", (900, 200), "white")
    ImageDraw.Draw(img).text((30, 60), text, font=ImageFont.truetype(FONT, 44), fill="black")
    return png(img)


def checker(lines: list[str], **kw) -> tuple[LabelChecker, FakeOCR]:
    ocr = FakeOCR(lines)
    return LabelChecker(ListSnapshot.from_rows(PRODUCTS, INGREDIENTS), ocr, LegalBasis(None), **kw), ocr


def test_listed_barcode_is_answered_without_ocr_and_without_queueing():
    c, ocr = checker(["Golden Bee Slim Tea"], queue=CheckQueue(1))
    release = c.queue.hold()  # every OCR slot taken: a check that needed OCR would block here
    try:
        res = c.check([barcode_photo("8801234567893")], ["bar.png"])
    finally:
        release()
    assert res.verdict == "hazard" and res.path == "barcode" and ocr.calls == 0
    assert res.images[0]["ocr"].startswith("skipped")
    assert res.grounds["entry"]["locator"] == "SELF_IMPORT_SEQ 2023000001" and res.grounds["entry"]["date"] == "2023-01-05"


def test_unlisted_barcode_still_reads_the_text():
    c, ocr = checker(["Vitamin C 1000", "Ingredients: ascorbic acid"])
    res = c.check([barcode_photo("8809876543210")])
    assert res.path == "ocr" and ocr.calls == 1 and res.verdict == "no_match"
    assert res.grounds["entry"] is None and res.grounds["as_of"] == "2024-02-10"


def test_same_photo_comes_from_the_cache_until_the_lists_change():
    snap = ListSnapshot.from_rows(PRODUCTS, INGREDIENTS)
    ocr = FakeOCR(["Vital Lab", "Ingredients: Sibutramine HCl"])
    c = LabelChecker(snap, ocr, LegalBasis(None), cache=VerdictCache(8))
    photo = text_photo("any label")
    first = c.check([photo], ["a.png"])
    second = c.check([photo], ["again.png"])
    assert (first.path, second.path) == ("ocr", "cache") and ocr.calls == 1
    assert second.verdict == first.verdict == "hazard" and second.file == "again.png"
    assert [m.canonical for m in second.matches] == [m.canonical for m in first.matches]
    c.check([text_photo("another label")])
    assert ocr.calls == 2  # other bytes, another read
    snap.generation += 1  # what Index.generation() does when a list (or a regulation) is ingested
    third = c.check([photo])
    assert third.path == "ocr" and ocr.calls == 3


def test_cache_off_by_default_and_for_groups_keyed_by_every_photo():
    c, ocr = checker(["Vital Lab"])
    c.check([text_photo("x")])
    c.check([text_photo("x")])
    assert ocr.calls == 2
    c2, ocr2 = checker(["Vital Lab"], cache=VerdictCache(8))
    a, b = text_photo("front"), text_photo("back")
    c2.check([a, b])
    assert c2.check([a, b]).path == "cache"
    assert c2.check([a]).path == "ocr"


def test_queue_reports_positions_and_serves_in_order():
    q = CheckQueue(1)
    release = q.hold()
    seen: dict[str, list[int]] = {"a": [], "b": []}
    order: list[str] = []

    def worker(name: str) -> None:
        with q.slot(lambda pos: seen[name].append(pos)):
            order.append(name)
            deadline = time.time() + 5
            while name == "a" and seen["b"][-1] != 1 and time.time() < deadline:  # a holds the slot until b moves up
                time.sleep(0.01)

    ta = threading.Thread(target=worker, args=("a",))
    ta.start()
    while q.waiting < 1:
        time.sleep(0.01)
    tb = threading.Thread(target=worker, args=("b",))
    tb.start()
    while q.waiting < 2:
        time.sleep(0.01)
    time.sleep(0.1)
    release()
    ta.join(5)
    tb.join(5)
    assert order == ["a", "b"]
    assert seen["a"][0] == 1 and seen["b"][0] == 2 and seen["b"][-1] == 1  # b moved up when a went in


def test_checker_reports_its_queue_position_while_waiting():
    c, ocr = checker(["Vital Lab"], queue=CheckQueue(1))
    stages: list[tuple[str, object]] = []
    release = c.queue.hold()
    t = threading.Thread(target=lambda: c.check([text_photo("x")], progress=lambda s, f, d: stages.append((s, d))))
    t.start()
    deadline = time.time() + 5
    while ("queued", 1) not in stages and time.time() < deadline:
        time.sleep(0.01)
    assert ocr.calls == 0 and ("queued", 1) in stages
    release()
    t.join(5)
    assert ocr.calls == 1 and [s for s, _ in stages][-1] == "done" and ("ocr", 1) in stages
