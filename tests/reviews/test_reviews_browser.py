"""Reviews on a phone, in Debian's Chromium against a real server: the owner pastes a batch copied from
배달의민족's owner page, sees the urgent one flagged first, opens it, picks and edits a draft, approves
and copies it with one tap (the clipboard holds the reply), and the review shows as replied. The pages
fit a phone. Screenshots go to test-artifacts/reviews-*.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db import Storage, make_engine
from bot.staff.auth import add_staff
from tests.conftest import DEMO, ROOT, database_url
from tests.support.live_server import live_server
from tests.test_console_browser import CHROMIUM, LAYOUT_JS

ARTIFACTS = ROOT / "test-artifacts"
FIXTURES = ROOT / "tests" / "fixtures" / "reviews" / "paste"
URGENT = "\n\n위생불량\n★☆☆☆☆\n오늘\n치킨 튀김옷 안에서 머리카락이 나왔어요. 비위생적이라 다 버렸습니다.\n후라이드치킨 1개\n배달\n사장님 댓글 등록하기\n"


@pytest.fixture(autouse=True)
def _chromium_is_there() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is not installed at {CHROMIUM} (make test installs it: apt-get install chromium)")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    add_staff(Storage(make_engine(database_url(tmp_path), tmp_path)), "사장", "correct horse battery")
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEMO, knowledge)
    with live_server(knowledge, tmp_path, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        yield base


def test_paste_flag_edit_approve_copy_on_a_phone(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    batch = (FIXTURES / "baemin_1.txt").read_text(encoding="utf-8") + URGENT
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page = context.new_page()
        page.goto(f"{server}/staff/login")
        page.fill("input[name=name]", "사장")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_selector("text=상담 대기열")
        page.goto(f"{server}/staff/more")
        page.click(".more-list >> text=리뷰")
        page.wait_for_selector("textarea[name=text]")
        page.fill("textarea[name=text]", batch)
        page.screenshot(path=str(ARTIFACTS / "reviews-paste.png"), full_page=True)
        page.click("button:has-text('리뷰 가져오기')")
        page.wait_for_selector("text=새 리뷰 9개를 넣었어요")
        assert "급한 리뷰" in page.inner_text(".flash")
        first = page.locator("ul.reviews li").first
        assert "급함: 위생" in first.inner_text() and "머리카락" in first.inner_text()  # the urgent one first
        found = page.evaluate(LAYOUT_JS)
        assert found["scroll"] <= 0 and found["small"] == [], found
        page.screenshot(path=str(ARTIFACTS / "reviews-list.png"), full_page=True)

        first.locator("a").click()
        page.wait_for_selector("text=급한 리뷰예요: 위생")
        page.locator("ol.drafts a").nth(1).click()  # the second draft into the box
        page.wait_for_selector("#reply-text")
        text = page.input_value("#reply-text")
        assert "사과" in text or "죄송" in text
        edited = text + " 주방 전체를 다시 점검했습니다."
        page.fill("#reply-text", edited)
        found = page.evaluate(LAYOUT_JS)
        assert found["scroll"] <= 0 and found["small"] == [], found
        page.screenshot(path=str(ARTIFACTS / "reviews-reply.png"), full_page=True)
        page.click("#approve-copy")
        page.wait_for_selector("text=답글을 달았어요")
        assert page.evaluate("navigator.clipboard.readText()") == edited  # copied with the same tap
        assert page.locator("a.button", has_text="배달의민족 열기").get_attribute("href") == "https://self.baemin.com/"
        page.screenshot(path=str(ARTIFACTS / "reviews-replied.png"), full_page=True)
        page.goto(f"{server}/staff/reviews?show=urgent")
        assert "머리카락" not in page.inner_text("main") and "위생이 엉망" in page.inner_text("main")  # answered: off the urgent list
        page.goto(f"{server}/staff/reviews/trends")
        found = page.evaluate(LAYOUT_JS)
        assert found["scroll"] <= 0 and found["small"] == [], found
        page.screenshot(path=str(ARTIFACTS / "reviews-trends.png"), full_page=True)
        browser.close()
