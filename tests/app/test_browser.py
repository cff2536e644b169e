"""The real page in headless Chromium (Debian's, driven by Playwright): send a message, watch the
embedded model's reply stream in, save screenshots; log in to the rating console.

Screenshots go to test-artifacts/ (git-ignored); set PSYCOLLM_SCREENSHOT_DIR=docs/img to refresh
the README's pictures. Skips only when chromium cannot be installed (see conftest.chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "test-password"  # set by conftest._launch


RECORD_REPLY_TEXTS = """() => {
    window.__botTexts = [];
    const root = document.querySelector('#chatbot');
    const before = root.querySelectorAll('.bot.message').length;  // only the reply to come
    const record = () => {
        const bots = root.querySelectorAll('.bot.message');
        const text = bots.length > before ? bots[bots.length - 1].innerText : '';
        const seen = window.__botTexts;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(record).observe(root, {subtree: true, childList: true, characterData: true});
}"""


def screenshot(page, name: str) -> Path:
    out = REPO / "test-artifacts" / name
    page.screenshot(path=str(out), full_page=True)
    extra = os.environ.get("PSYCOLLM_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / name), full_page=True)
    return out


def test_chat_page_streams_a_reply_and_rating_console_logs_in(real_app, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-US")
            page.goto(real_app.url + "/")
            page.wait_for_selector("#message textarea", timeout=60_000)
            assert "not a substitute for professional care" in page.locator("#care-notice").inner_text()
            page.locator("#message textarea").fill(
                "I have been feeling anxious before my exams. <script>window.__pwned = 1</script>")
            # Every text the reply shows, recorded by the page itself as it changes: polling from here every
            # 30 ms missed the partial replies when the machine was busy (a fresh-clone run in session 22).
            page.evaluate(RECORD_REPLY_TEXTS)
            page.locator("#send").click()
            page.wait_for_function(
                "() => (window.__botTexts || []).some(t => t.includes('model: SmolLM2-135M-Instruct'))", timeout=180_000)
            seen: list[str] = page.evaluate("window.__botTexts")
            assert seen and "model: SmolLM2-135M-Instruct" in seen[-1], seen[-1:]
            streaming = [s for s in seen if "model:" not in s and s.strip("… ")]
            assert len(streaming) >= 2, "the reply appeared at once instead of streaming"
            assert all(a in b or len(a) <= len(b) for a, b in zip(streaming, streaming[1:], strict=False))
            user_text = page.locator("#chatbot .user.message").last.inner_text()
            assert "<script>window.__pwned = 1</script>" in user_text  # shown as text...
            assert page.evaluate("window.__pwned") is None  # ...never run
            shot = screenshot(page, "chat.png")
            assert shot.stat().st_size > 10_000

            console = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="en-US")
            console.goto(real_app.url + "/rate/")
            console.locator("input[type=text]").fill("ana")
            console.locator("input[type=password]").fill(PASSWORD)
            console.get_by_role("button", name="Login").click()
            console.wait_for_selector("#rate-info", timeout=60_000)
            console.wait_for_function(
                "() => document.querySelector('#rate-info').innerText.includes('queue')", timeout=60_000)
            assert "ana" in console.locator("#who").inner_text()
            screenshot(console, "rating.png")

            chinese = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
            chinese.goto(real_app.url + "/")
            chinese.wait_for_function(
                "() => (document.querySelector('#care-notice') || {innerText: ''}).innerText.includes('不能替代')", timeout=60_000)
            assert "发送" in chinese.locator("#send").inner_text()
            notice = chinese.locator("#care-notice").inner_text()
            assert "12356" in notice and "120" in notice  # a browser in mainland China: its lines

            # A browser in Taiwan reading Chinese, and one in the UK: the notice names their own lines.
            taiwan = browser.new_page(locale="zh-TW", extra_http_headers={"Accept-Language": "zh-TW,zh;q=0.9"})
            taiwan.goto(real_app.url + "/")
            taiwan.wait_for_function(
                "() => (document.querySelector('#care-notice') || {innerText: ''}).innerText.includes('1925')", timeout=60_000)
            assert "12356" not in taiwan.locator("#care-notice").inner_text()
            uk = browser.new_page(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
            uk.goto(real_app.url + "/")
            uk.wait_for_function(
                "() => (document.querySelector('#care-notice') || {innerText: ''}).innerText.includes('116 123')", timeout=60_000)
        finally:
            browser.close()
