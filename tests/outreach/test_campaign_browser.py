"""A whole campaign on a phone, in Debian's Chromium against a real server (with a clock the test
sets) and a local fake of Kakao's Event API: the owner picks the two-month-dormant preset, edits the
middle of the text, previews the exact message with its frame, the recipients and the cost,
approves, and sees the results; the customers get their message once each, with their own coupon.
Screenshots go to test-artifacts/campaign-*.png."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.db import Consent, Storage, make_engine
from bot.ledger import customers, visits
from bot.staff.auth import add_staff
from tests.conftest import DEMO, ROOT
from tests.support.fake_kakao_events import FakeKakaoEvents
from tests.support.live_server import live_server
from tests.test_console_browser import CHROMIUM, LAYOUT_JS

ARTIFACTS = ROOT / "test-artifacts"
CLOCK = datetime(2026, 12, 8, 14, 0)  # a Tuesday afternoon, store time


@pytest.fixture(autouse=True)
def _chromium_is_there() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is not installed at {CHROMIUM} (make test installs it: apt-get install chromium)")


@pytest.fixture
def kakao_api() -> Iterator[FakeKakaoEvents]:
    fake = FakeKakaoEvents()
    yield fake
    fake.close()


@pytest.fixture
def server(tmp_path: Path, kakao_api: FakeKakaoEvents) -> Iterator[str]:
    from tests.conftest import database_url

    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    add_staff(storage, "사장", "correct horse battery")
    seoul_then = (CLOCK - timedelta(days=90)).replace(tzinfo=UTC) - timedelta(hours=9)
    with Session(storage.engine) as s:
        for i in range(3):
            who = customers.identify(s, [("kakao", f"dormant-{i}"), ("phone", f"0107777000{i}")], label=f"단골{i}")
            assert who is not None
            visits.add(s, who, seoul_then, "staff", f"seed-{i}")
            s.add(Consent(customer_id=who, channel="kakao", user_key=f"dormant-{i}", status="granted", adult=True, adult_source="asked",
                          words="광고 메시지 받을게요", wording="v1-seed", granted_at=datetime(2026, 6, 1, tzinfo=UTC)))
        s.commit()
    clock = tmp_path / "clock.txt"
    clock.write_text(CLOCK.isoformat())
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEMO, knowledge)
    with live_server(knowledge, tmp_path, app="tests.support.clock_app:app", DANGGOL_TEST_CLOCK_FILE=str(clock),
                     DANGGOL_RELOAD__ENABLED="false", DANGGOL_OUTREACH__EVERY_S="1", DANGGOL_KAKAO__EVENT_NAME=kakao_api.event,
                     DANGGOL_KAKAO__EVENT_BOT_ID="bot1", DANGGOL_KAKAO__EVENT_REST_KEY=kakao_api.key,
                     DANGGOL_KAKAO__EVENT_API_URL=kakao_api.talk_url, DANGGOL_KAKAO__EVENT_TASK_URL=kakao_api.task_url) as (base, _, _):
        yield base


def test_a_whole_campaign_on_a_phone(server: str, kakao_api: FakeKakaoEvents) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR").new_page()
        page.goto(f"{server}/staff/login")
        page.fill("input[name=name]", "사장")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_selector("text=상담 대기열")
        page.goto(f"{server}/staff/more")
        page.click(".more-list >> text=캠페인")
        page.wait_for_selector("text=수신 동의 3명")
        page.screenshot(path=str(ARTIFACTS / "campaign-list.png"), full_page=True)

        page.click("text=2달 넘게 안 오신 손님께 쿠폰")  # the preset: its segment and default text
        page.wait_for_selector("textarea[name=body]")
        page.fill("textarea[name=body]", "오랜만이에요! 요즘 {item}이 제일 맛있을 때예요. 다음 방문 때 쓰실 쿠폰을 드려요.")
        page.select_option("select[name=item]", label=page.locator("select[name=item] option").nth(1).inner_text())
        page.fill("input[name=holdout]", "0")
        page.screenshot(path=str(ARTIFACTS / "campaign-edit.png"), full_page=True)
        page.click("button:has-text('미리보기')")

        page.wait_for_selector("text=손님이 받을 메시지")
        message = page.locator(".message-preview").inner_text()
        assert message.startswith("(광고) 오랜만이에요!") and "{item}" not in message
        assert message.rstrip().endswith("수신거부를 원하시면 '수신거부'라고 보내 주세요.") and "02-332-6417" in message
        assert "3명" in page.locator(".recipients").inner_text()
        assert "45원" in page.inner_text("main")  # 3 × 15원 through the Event API
        found = page.evaluate(LAYOUT_JS)
        assert found["scroll"] <= 0 and found["small"] == [], found
        page.screenshot(path=str(ARTIFACTS / "campaign-preview.png"), full_page=True)

        page.click("button:has-text('승인하고 보내기')")
        page.wait_for_selector("text=결과")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "보냄\n3명" not in page.locator("table.results").inner_text().replace("\t", "\n"):
            time.sleep(0.5)
            page.reload()
        assert re.search(r"보냄\s*3명", page.locator("table.results").inner_text()), page.locator("table.results").inner_text()
        found = page.evaluate(LAYOUT_JS)
        assert found["scroll"] <= 0 and found["small"] == [], found
        page.screenshot(path=str(ARTIFACTS / "campaign-results.png"), full_page=True)
        browser.close()
    assert kakao_api.problems == []
    per_user = kakao_api.received_per_user()
    assert sorted(per_user) == ["dormant-0", "dormant-1", "dormant-2"] and set(per_user.values()) == {1}
    codes = {re.search(r"쿠폰 번호 (\w{6})", text).group(1) for _, text in kakao_api.delivered}  # type: ignore[union-attr]
    assert len(codes) == 3  # each customer's own coupon
