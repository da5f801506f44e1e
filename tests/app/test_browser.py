"""Real-browser tests: Debian's Chromium, headless, driven by Playwright against the app served on
loopback. Screenshots of every tab go to a temporary folder, or to docs/screenshots/ when
ASSISTANT_SCREENSHOTS=docs/screenshots asks for it (so a run without the packaged LLM does not replace the
README's pictures). The browser must make no request outside 127.0.0.1 (no CDN fonts or scripts)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from app_helpers import PASSWORDS, free_port
from live import CLEAN_LINES, HAZARD_LINES, ROOT, build_real_home, label_photo, live_services

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("ASSISTANT_SCREENSHOTS") or Path(os.environ.get("TMPDIR", "/tmp")) / "assistant-screenshots")
SHOTS = SHOTS if SHOTS.is_absolute() else ROOT / SHOTS

if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium not installed", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(base_url, services, photos, real) — the app on a free loopback port."""
    os.environ["GRADIO_TEMP_DIR"] = str(tmp_path_factory.mktemp("gradio-tmp"))
    from assistant.ui import build_app, launch_app

    home = tmp_path_factory.mktemp("live") / "home"
    home.mkdir()
    real = build_real_home(home)
    services = live_services(home, real)
    photos = tmp_path_factory.mktemp("photos")
    hazard = label_photo(photos / "label_front.jpg", HAZARD_LINES if real else ["sibutramine"])
    if not real:
        hazard = hazard.rename(photos / "sibutramine.jpg")
    clean = label_photo(photos / "honey.jpg", CLEAN_LINES)
    services.label_checker.check([clean], ["warm-up.jpg"])  # pay the cold start outside the browser timeouts
    demo = build_app(services, services.settings)
    port = free_port()
    launch_app(demo, services, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}", services, {"hazard": hazard, "clean": clean}, real
    demo.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def outside():
    """Requests the page made to anything but loopback (must stay empty)."""
    return []


def open_page(browser, base, outside, viewport=(1280, 900)):
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="ko-KR")
    page = ctx.new_page()
    page.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:")) or outside.append(r.url))
    page.set_default_timeout(60_000)
    page.goto(base + "/")
    return page


def login(page, name):
    page.wait_for_selector("input[type=password]")
    page.locator("input").first.fill(name)
    page.locator("input[type=password]").fill(PASSWORDS[name])
    page.get_by_role("button", name=re.compile("^(Login|로그인)$")).click()
    page.wait_for_selector("#question textarea")
    page.wait_for_function("document.querySelector('#user-box') && document.querySelector('#user-box').innerText.length > 0")


def shot(page, name, full=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full)


def wait_viewer(page):
    """Until the article viewer shows an article (not its placeholder, not a loading state)."""
    page.wait_for_function("""() => { const t = document.querySelector('#article-viewer').innerText;
        return t.includes('조') && !t.includes('근거 번호를 누르면') && !t.includes('Click a source'); }""")


def ask(page, question):
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_selector("#answer-status [data-grounded]")


def test_login_ask_and_citation_opens_article(live, browser, outside):
    base, services, _, _ = live
    page = open_page(browser, base, outside)
    shot(page, "login.png", full=False)
    login(page, "kim")
    ask(page, "특송으로 들어온 건강기능식품 6병 초과면 어떻게 하나요?")
    chips = page.locator("#citation-chips label")
    chips.first.wait_for()
    assert page.locator("#answer-status [data-grounded='true']").count() == 1
    first_chip = chips.first.inner_text()
    assert first_chip.startswith("[1]")
    chips.first.click()
    wait_viewer(page)
    viewer = page.inner_text("#article-viewer")
    assert "조" in viewer and len(viewer) > 40
    page.wait_for_timeout(400)
    shot(page, "chat.png", full=False)
    # feedback
    page.click("#wrong-source")
    page.wait_for_timeout(800)
    assert services.history.feedback("kim")[-1]["rating"] == "wrong_source"
    assert services.audit.entries(action="ask", user="kim")
    assert outside == []


def test_ungrounded_answer_looks_different(live, browser, outside):
    base, _, _, _ = live
    page = open_page(browser, base, outside)
    login(page, "kim")
    ask(page, "zqxj wvut 무관한 질문 ㅋㅋ")
    status = page.locator("#answer-status [data-grounded]").get_attribute("data-grounded")
    text = page.inner_text("#chatbot")
    assert status == "false" or "근거" in text
    assert outside == []


def test_label_photo_shows_verdict_badge(live, browser, outside):
    base, services, photos, real = live
    page = open_page(browser, base, outside)
    login(page, "kim")
    page.get_by_role("tab", name="라벨 사진 판정").click()
    page.locator("#label-files input[type=file]").set_input_files(str(photos["hazard"]))
    page.wait_for_selector("#label-files .file-preview, #label-files table", timeout=30_000)
    page.click("#check-label")
    badge = page.locator("#verdict .verdict")
    badge.wait_for(timeout=120_000)
    assert badge.get_attribute("data-verdict") == "hazard"
    color = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(185, 28, 28)"  # red, never green
    assert page.locator("#ocr-text mark").count() >= 1
    page.locator("#legal-basis label").first.click()
    wait_viewer(page)
    page.wait_for_timeout(400)
    shot(page, "label.png", full=False)
    entry = services.audit.entries(action="label_check", user="kim")[0]
    assert entry["verdict"] == "hazard" and len(entry["file_sha256"]) == 64
    assert outside == []


def test_label_check_waits_in_the_queue_with_its_position_and_a_progress_bar(live, browser, outside, tmp_path):
    base, services, _, _ = live
    queue = getattr(services.label_checker, "queue", None)
    if queue is None:
        pytest.skip("the fake label checker has no OCR queue")
    photo = label_photo(tmp_path / "queued.jpg", ["Queue Check Label", "Ingredients: rice flour"])  # new bytes: no cache
    page = open_page(browser, base, outside)
    login(page, "kim")
    page.get_by_role("tab", name="라벨 사진 판정").click()
    page.locator("#label-files input[type=file]").set_input_files(str(photo))
    page.wait_for_selector("#label-files .file-preview, #label-files table", timeout=30_000)
    release = queue.hold()  # every OCR slot busy, as when other officers' photos are being read
    try:
        page.click("#check-label")
        page.wait_for_function("document.body.innerText.includes('대기 순번 1')", timeout=60_000)
        assert page.locator("#verdict .verdict").count() == 0  # waiting, not failed or timed out
        assert page.locator("[class*='progress']").count() >= 1  # Gradio's progress bar / level
        shot(page, "label_queue.png", full=False)
    finally:
        release()
    badge = page.locator("#verdict .verdict")
    badge.wait_for(timeout=120_000)
    assert badge.get_attribute("data-verdict") in ("no_match", "review")
    assert badge.get_attribute("data-path") == "ocr"
    assert "판정 근거" in page.inner_text("#label-summary")
    assert outside == []


def test_officer_never_sees_a_finding(live, browser, outside):
    base, services, _, _ = live
    from assistant.retrieval.filters import Filters

    findings = services.search("보세사 공백 방치 감사 지적", "admin", k=5, base=Filters(kinds=["finding"]))
    assert findings, "the live home has findings"
    page = open_page(browser, base, outside)
    login(page, "kim")
    assert not page.get_by_role("tab", name="감사 사례 검색").is_visible()
    ask(page, "보세사 공백을 방치한 감사 지적 사례")
    body = page.inner_text("body")
    for hit in findings:
        assert hit.text[:40] not in body
    # calling the findings endpoint directly with the officer's session is refused on the server
    result = page.evaluate("""async () => {
        const r = await fetch('gradio_api/call/search_findings', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({data: ['보세사 공백', null, null, '', '전체', '']})});
        const {event_id} = await r.json();
        const s = await fetch('gradio_api/call/search_findings/' + event_id);
        return await s.text();
    }""")
    assert "event: error" in result
    assert all(h.text[:40] not in result for h in findings)
    assert services.audit.entries(action="denied", user="kim")
    assert outside == []


def test_auditor_search_admin_tabs_english_and_phone(live, browser, outside):
    base, services, photos, _ = live
    page = open_page(browser, base, outside)
    login(page, "root")
    page.get_by_role("tab", name="감사 사례 검색").click()
    page.fill("#findings-query textarea", "보세사 공백을 방치한 사례")
    page.click("#findings-search")
    row = page.locator("#findings-table .virtual-row").first  # gradio 6 renders data rows as divs
    row.wait_for()
    row.locator(".body-cell").nth(5).click()
    page.wait_for_function("document.querySelector('#finding-detail').innerText.length > 20")
    page.click("#open-regulation")
    wait_viewer(page)
    page.wait_for_timeout(400)
    shot(page, "findings_detail.png", full=False)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    shot(page, "findings.png", full=False)
    page.click("#export-findings")
    page.locator("#findings-csv a").first.wait_for()
    page.get_by_role("tab", name="자료 관리").click()
    page.locator("#sources-table .virtual-row").first.wait_for()
    page.wait_for_timeout(400)
    shot(page, "admin.png")
    page.goto(base + "/en")
    page.wait_for_selector("#question textarea")
    ask(page, "What applies to health supplements over 6 bottles sent by express courier? 건강기능식품 6병")
    page.wait_for_timeout(400)
    shot(page, "chat_en.png", full=False)
    phone = open_page(browser, base, outside, viewport=(390, 844))
    login(phone, "kim")
    phone.get_by_role("tab", name="라벨 사진 판정").click()
    phone.locator("#label-files input[type=file]").set_input_files(str(photos["clean"]))
    phone.wait_for_selector("#label-files .file-preview, #label-files table", timeout=30_000)
    phone.click("#check-label")
    phone.locator("#verdict .verdict").wait_for(timeout=120_000)
    assert phone.locator("#verdict .verdict").get_attribute("data-verdict") in ("no_match", "review")
    phone.wait_for_timeout(400)
    shot(phone, "phone_label.png")
    exported = services.audit.entries(action="export_findings", user="root")
    assert exported and json.loads(exported[0]["detail"])["rows"] >= 1
    assert outside == []
    assert shutil.which("chromium") or Path(CHROMIUM).exists()


class EchoLLM:
    """Stands in for an LLM when the packaged model is not installed: copies the first passage's first
    sentence from the completion prompt, cites it, and streams it slowly (a few characters a tick)."""

    mode = "llamacpp"

    def stream_complete(self, prompt, *, max_tokens, temperature, grammar=None, stop=None):
        import time

        block = prompt.rsplit("<자료>", 1)[1]
        first = block.split("\n[1] ", 1)[1].split("\n", 2)[1]
        sentence = re.split(r"(?<=다\.)\s", first)[0].rstrip(".")
        for i in range(0, len(sentence), 3):
            time.sleep(0.12)
            yield sentence[i : i + 3]
        yield " [1].\n"


@pytest.fixture
def llm_chat(live):
    """The live app's chat answered by the packaged gemma3-270m when installed (else EchoLLM)."""
    _, services, _, real = live
    from assistant.answer import Answerer
    from assistant.llm import build_llm
    from assistant.llm.packaged import is_installed, packaged
    from assistant.settings import load_settings

    model = packaged("gemma3-270m")
    use_real = real and model is not None and is_installed(model)
    if use_real:
        llm = build_llm(load_settings(services.home, llm={"mode": "llamacpp", "model": "gemma3-270m", "n_ctx": 2048}))
    else:
        llm = EchoLLM()
    answerer = Answerer(services.retriever, llm, n_ctx=2048, prompt_style="completion")
    getattr(answerer, "warm_up", lambda: None)()
    saved, services._answerer = services._answerer, answerer
    yield use_real
    services._answerer = saved


# The chat shows the officer's earlier exchanges (history): partials count only once the new question's "…"
# placeholder has been seen, or a slow render catches the previous answer as the first "partial".
WATCH_STREAM = """() => { window.__partials = []; let started = false;
    const bot = () => { const m = document.querySelectorAll('#chatbot .message-row'); return m.length ? m[m.length - 1].innerText : ''; };
    new MutationObserver(() => {
        if (!document.querySelector('#answer-status [data-streaming]')) return;
        const t = bot().trim();
        if (t === '…') { started = true; return; }
        if (started && t && window.__partials[window.__partials.length - 1] !== t) window.__partials.push(t);
    }).observe(document.querySelector('#chatbot'), {subtree: true, childList: true, characterData: true}); }"""


def test_llm_answer_streams_and_its_citation_opens_the_article(live, browser, outside, llm_chat):
    base, services, _, _ = live
    page = open_page(browser, base, outside)
    login(page, "kim")
    page.evaluate(WATCH_STREAM)
    page.fill("#question textarea", "여행자 휴대품은 얼마까지 관세가 면제돼?")
    page.click("#ask")
    page.wait_for_selector("#answer-status [data-streaming] .badge-mode")
    assert "로컬 LLM" in page.inner_text("#answer-status")  # which mode is answering, while it streams
    page.wait_for_selector("#answer-status [data-grounded]", timeout=600_000)
    partials = page.evaluate("window.__partials")
    # tokens appeared one after another before the answer was complete
    assert len(partials) >= 3, partials
    assert all(len(a) <= len(b) for a, b in zip(partials, partials[1:], strict=False)), partials
    status = page.locator("#answer-status [data-grounded]")
    assert status.get_attribute("data-grounded") == "true"
    mode = status.get_attribute("data-mode")
    if llm_chat:  # the real model either answered with a checked citation, or its reply was replaced (and said so)
        assert mode in ("llamacpp", "extractive"), mode
        if mode == "extractive":
            assert "추출형" in page.inner_text("#answer-status")
    else:
        assert mode == "llamacpp"
        assert "로컬 LLM" in page.inner_text("#answer-status")
    chips = page.locator("#citation-chips label")
    chips.first.wait_for()
    assert chips.first.inner_text().startswith("[1]")
    chips.first.click()
    wait_viewer(page)
    assert "조" in page.inner_text("#article-viewer")
    page.wait_for_timeout(400)
    shot(page, "chat_llm.png", full=False)
    assert outside == []
