"""Reviews through the console on a real database: a paste imported once (a second paste adds nothing),
an urgent review flagged at once to the owner's webhook and on the queue page, drafts grounded in the
shop's files, an approved reply kept with its history, a reply with an unpolicied promise refused,
the template upload, trends; staff accounts cannot see reviews."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.db import Review, ReviewReply
from bot.server import create_app
from bot.settings import load_settings
from bot.staff.auth import add_staff
from tests.conftest import database_url
from tests.test_kakao_live import Receiver

PASSWORD = "correct horse battery"
PASTE = """리뷰관리
전체 리뷰 3

국밥사랑
★★★★★
어제
국물이 진하고 고기도 푸짐해요. 또 올게요!
돼지국밥 1개
배달
사장님 댓글 등록하기

배고픈곰
★☆☆☆☆
오늘
찌개에서 머리카락이 나왔어요. 너무 비위생적이에요.
돼지김치찌개 1개
배달
사장님 댓글 등록하기
"""


@pytest.fixture
def hook() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: Receiver) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    monkeypatch.setenv("DANGGOL_HANDOFF__WEBHOOK_URL", hook.url("reviews"))
    monkeypatch.setenv("DANGGOL_OUTREACH__DIGEST", "false")
    app = create_app(load_settings(), clock=lambda: datetime(2026, 12, 2, 10, 0))
    add_staff(app.state.storage, "사장", PASSWORD)
    add_staff(app.state.storage, "알바", PASSWORD, role="staff")
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def login(client: TestClient, name: str) -> str:
    page = client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    client.post("/staff/login", data={"name": name, "password": PASSWORD, "csrf": token})
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/more").text)[1]  # type: ignore[index]


def test_the_owner_pastes_sees_the_urgent_one_and_replies(client: TestClient, hook: Receiver) -> None:
    csrf = login(client, "사장")
    r = client.post("/staff/reviews/paste", data={"csrf": csrf, "text": PASTE, "platform": "", "captured": "2026-12-02"})
    assert r.status_code == 200 and "새 리뷰 2개를 넣었어요" in r.text and "급한 리뷰 1개" in r.text
    again = client.post("/staff/reviews/paste", data={"csrf": csrf, "text": PASTE, "platform": "baemin", "captured": "2026-12-02"})
    assert "새 리뷰 0개" in again.text and "이미 있던 2개" in again.text  # de-duplicated
    deadline = time.monotonic() + 10
    alerts: list = []  # type: ignore[type-arg]
    while not alerts and time.monotonic() < deadline:
        time.sleep(0.05)
        alerts = [p for p in hook.posts if p[2]["text"].startswith("[단골] 급한 리뷰")]  # the weekly summary shares the webhook
    (_, path, body), = alerts
    assert path.endswith("/reviews") and body["text"].startswith("[단골] 급한 리뷰 (배달의민족, 위생)") and "머리카락" in body["text"]
    queue = client.get("/staff")
    assert "급한 리뷰" in queue.text and "머리카락" in queue.text
    storage = client.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        urgent = s.exec(select(Review).where(Review.author == "배고픈곰")).one()
        happy = s.exec(select(Review).where(Review.author == "국밥사랑")).one()
    assert urgent.urgent == ["hygiene"] and urgent.rating == 1 and urgent.items == ["돼지김치찌개"]
    assert happy.sentiment == "positive" and str(happy.written_on) == "2026-12-01"
    page = client.get(f"/staff/reviews/{urgent.id}")
    assert page.status_code == 200 and "급한 리뷰예요: 위생" in page.text and "02-332-6417" in page.text  # the shop's phone from store.toml
    drafts = [html.unescape(d) for d in re.findall(r'<li><a class="change draft" data-text="([^"]+)"', page.text)]
    assert len(drafts) == 3 and all("죄송" in d or "사과" in d for d in drafts) and "배고픈곰" not in page.text.split("답글 초안")[1]
    refused = client.post(f"/staff/reviews/{urgent.id}/approve", data={"csrf": csrf, "text": "죄송합니다. 전액 환불해 드릴게요."})
    assert "가게 FAQ에 없는 약속" in refused.text
    with Session(storage.engine) as s:
        assert s.exec(select(ReviewReply)).all() == []
    reply = drafts[0].replace("정말 죄송합니다.", "정말 죄송합니다. 주방 전체를 다시 확인했어요.")
    done = client.post(f"/staff/reviews/{urgent.id}/approve", data={"csrf": csrf, "text": reply})
    assert done.status_code == 200 and "답글을 달았어요" in done.text
    with Session(storage.engine) as s:
        assert [h.text for h in s.exec(select(ReviewReply)).all()] == [reply]
        assert s.get(Review, urgent.id).status == "replied"  # type: ignore[union-attr]
    assert "급한 리뷰" not in client.get("/staff").text  # answered: off the queue
    trends = client.get("/staff/reviews/trends")
    assert trends.status_code == 200 and "답글 단 비율 <b>50%</b>" in trends.text and "돼지김치찌개" in trends.text


def test_the_template_and_a_bad_row(client: TestClient) -> None:
    csrf = login(client, "사장")
    template = client.get("/staff/reviews/template.csv")
    assert template.status_code == 200 and template.content.decode("utf-8-sig").startswith("플랫폼,작성자,날짜")
    data = ("플랫폼,작성자,날짜,별점,내용,사장님 답글,메뉴\nkakao,이**,2026-11-30,4,친절하고 맛있어요,,\nkakao,박**,어제쯤,2,양이 적어요,,\n").encode("cp949")
    r = client.post("/staff/reviews/upload", data={"csrf": csrf}, files={"file": ("reviews.csv", data, "text/csv")})
    assert "새 리뷰 1개를 넣었어요" in r.text and "3번째 줄" in r.text


def test_staff_cannot_see_reviews(client: TestClient) -> None:
    login(client, "알바")
    assert client.get("/staff/reviews").status_code == 403
    assert "리뷰" not in client.get("/staff/more").text.split("<main")[1].split("</main>")[0]


def test_with_a_model_its_draft_is_checked_like_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.fake_llm import FakeLLM

    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    monkeypatch.setenv("DANGGOL_LLM_API_KEY", "sk-test")
    with FakeLLM() as llm:
        for key, value in (("PROVIDER", "openai"), ("MODEL", "test-model"), ("BASE_URL", llm.base_url), ("TIMEOUT_S", "3")):
            monkeypatch.setenv(f"DANGGOL_LLM__{key}", value)
        app = create_app(load_settings(), clock=lambda: datetime(2026, 12, 2, 10, 0))
        add_staff(app.state.storage, "사장", PASSWORD)
        with TestClient(app, base_url="https://testserver") as client:
            csrf = login(client, "사장")
            client.post("/staff/reviews/paste", data={"csrf": csrf, "text": PASTE, "platform": "baemin", "captured": "2026-12-02"})
            with Session(app.state.storage.engine) as s:
                happy = s.exec(select(Review).where(Review.author == "국밥사랑")).one()
            llm.reply("고객님, 좋은 말씀 감사합니다! {menu_name:돼지김치찌개}도 다음에 꼭 드셔 보세요. 궁금한 건 {phone}으로 연락 주세요.")
            page = client.get(f"/staff/reviews/{happy.id}")
            assert "모델 초안" in page.text and "돼지김치찌개도 다음에 꼭 드셔 보세요" in page.text and "02-332-6417" in page.text
            system = llm.requests[-1].body["messages"][0]["content"]
            assert "{menu_name:이름}" in system and "약속하지 않아요" in system
            llm.reply("고객님 감사합니다! 다음 방문 때 음료 무료로 드릴게요.")  # a promise no FAQ makes: dropped
            assert "모델 초안" not in client.get(f"/staff/reviews/{happy.id}").text
            llm.reply("{menu_name:랍스터 파스타} 맛있게 드셨다니 기뻐요.")  # not on the menu: dropped
            assert "모델 초안" not in client.get(f"/staff/reviews/{happy.id}").text
