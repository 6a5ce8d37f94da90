"""Consent in the chat, through the real channels (Kakao skill requests, TalkTalk webhooks with the
send API faked at the network edge): asked after a stamp, optional and separate; Kakao asks the age;
TalkTalk's under14 flag is respected; refusing changes nothing else; 수신거부 withdraws at once from
any chat, even one a person has taken, and is confirmed there; the day-before reminder and a staff
cancellation reach the customer once; the owner's daily digest."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.db import Consent, ConsentEvent, Conversation, Notice, Reservation
from bot.ledger import card
from bot.outreach import consent, digest, notices
from bot.outreach.templates import TemplateError
from bot.server import create_app
from bot.settings import load_settings
from tests.conftest import database_url
from tests.support.fake_talktalk import FakeTalkTalk

SECRET = "consent-test-path-secret-0123456789"
NAVER_USER = "al-2eGuGr5WQOnco1_V-FQ"
CHILD = "zz-2eGuGr5WQOnco1_V-FQ"
NOW = datetime(2026, 11, 24, 14, 0)  # a Tuesday


class Clock:
    at = NOW

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def fake() -> Iterator[FakeTalkTalk]:
    f = FakeTalkTalk()
    yield f
    f.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(tmp_path: Path, fake: FakeTalkTalk, clock: Clock) -> Iterator[TestClient]:
    env = {"DANGGOL_DATABASE__URL": database_url(tmp_path), "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index"),
           "DANGGOL_NAVER__ENABLED": "true", "DANGGOL_NAVER__PATH_SECRET": SECRET, "DANGGOL_NAVER__SEND_TOKEN": fake.token,
           "DANGGOL_NAVER__API_URL": fake.url, "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_OUTREACH__EVERY_S": "600",
           # the server's own notice job stays off: the test runs one at the times it chooses
           "DANGGOL_OUTREACH__REMINDERS": "false", "DANGGOL_OUTREACH__NOTICES": "false"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app(load_settings(), clock=clock)
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    with TestClient(app) as c:
        storage = c.app.state.storage  # type: ignore[attr-defined]
        ledger = c.app.state.ledger  # type: ignore[attr-defined]
        with Session(storage.engine) as s:
            card.save_setting(s, "stamps", {"enabled": True, "needed": 10, "reward": "아메리카노 한 잔"})
            s.commit()
        c.code = lambda: _code(ledger, clock)  # type: ignore[attr-defined]
        yield c


def _code(ledger: Any, clock: Clock) -> str:
    with Session(ledger.storage.engine) as s:
        code = card.today_code(s, clock.at.replace(tzinfo=ledger.zone))
        s.commit()  # the shop's secret is made on first use
        return code


def kakao(client: TestClient, text: str, user: str = "kakao-consent") -> dict[str, Any]:
    body = {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    template = client.post("/kakao/skill", json=body).json()["template"]
    texts = [o["simpleText"]["text"] for o in template["outputs"] if "simpleText" in o]
    return {"text": "\n".join(texts), "quick": [q["label"] for q in template.get("quickReplies", [])]}


def naver(client: TestClient, event: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"/naver/{SECRET}", json=event)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def naver_text(client: TestClient, user: str, text: str) -> dict[str, Any]:
    return naver(client, {"event": "send", "user": user, "textContent": {"text": text, "inputType": "typing"}, "options": {"mobile": True}})


def rows(client: TestClient) -> tuple[list[Consent], list[ConsentEvent]]:
    storage = client.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        return list(s.exec(select(Consent)).all()), list(s.exec(select(ConsentEvent).order_by(ConsentEvent.id)).all())  # type: ignore[arg-type]


def test_kakao_asks_after_a_stamp_asks_the_age_and_records_the_proof(client: TestClient) -> None:
    stamped = kakao(client, f"도장 {client.code()}")  # type: ignore[attr-defined]
    assert "도장 하나 찍었어요" in stamped["text"] and "[선택] 광고성 정보 수신 동의" in stamped["text"]
    assert "동의하지 않으셔도 예약과 상담은 똑같이" in stamped["text"] and "보유 기간" in stamped["text"]
    assert stamped["quick"][:2] == ["받을게요", "안 받을게요"]
    assert rows(client)[0][0].status == "asked"
    age = kakao(client, "광고 메시지 받을게요")
    assert "만 14세 이상이신가요?" in age["text"] and rows(client)[0][0].status == "asked"  # nothing recorded before the age
    done = kakao(client, "네, 만 14세 이상이에요")
    assert "2026년 11월 24일에 광고성 정보 수신에 동의하셨어요" in done["text"]
    (c,), events = rows(client)
    assert (c.status, c.channel, c.adult, c.adult_source, c.words) == ("granted", "kakao", True, "asked", "네, 만 14세 이상이에요")
    assert c.wording == consent.WORDING and [e.action for e in events] == ["asked", "granted"]
    # withdrawal, at once, in the same chat
    out = kakao(client, "이제 광고 문자 그만 보내 주세요")
    assert "수신거부를 처리했어요" in out["text"]
    (c,), events = rows(client)
    assert c.status == "withdrawn" and events[-1].action == "withdrawn" and events[-1].words == "이제 광고 문자 그만 보내 주세요"


def test_refusing_changes_nothing_else_and_is_not_asked_again_soon(client: TestClient, clock: Clock) -> None:
    kakao(client, f"도장 {client.code()}", user="refuser")  # type: ignore[attr-defined]
    out = kakao(client, "동의하지 않을게요", user="refuser")
    assert "광고 메시지는 보내지 않을게요" in out["text"] and rows(client)[0][0].status == "declined"
    assert "주차" in kakao(client, "주차 돼요?", user="refuser")["text"]  # the bot answers as before
    clock.at = NOW + timedelta(days=1)
    again = kakao(client, f"도장 {client.code()}", user="refuser")  # type: ignore[attr-defined]
    assert "도장 하나 찍었어요" in again["text"] and "수신 동의" not in again["text"]  # not asked again for 90 days
    clock.at = NOW + timedelta(days=95)
    later = kakao(client, f"도장 {client.code()}", user="refuser")  # type: ignore[attr-defined]
    assert "수신 동의" in later["text"]


def test_ignoring_the_question_leaves_the_chat_as_it_was(client: TestClient) -> None:
    kakao(client, f"도장 {client.code()}", user="ignorer")  # type: ignore[attr-defined]
    out = kakao(client, "네 그런데 주차는 어디에 하면 되나요?", user="ignorer")  # a question, not an answer
    assert "주차" in out["text"] and "수신에 동의하셨어요" not in out["text"]
    assert rows(client)[0][0].status == "asked"


def test_talktalk_takes_the_age_from_the_open_event_and_never_asks_a_child(client: TestClient, fake: FakeTalkTalk) -> None:
    naver(client, {"event": "open", "user": NAVER_USER, "options": {"inflow": "list", "friend": True, "under14": False, "under19": False}})
    reply = naver_text(client, NAVER_USER, f"도장 {client.code()}")  # type: ignore[attr-defined]
    assert "[선택] 광고성 정보 수신 동의" in reply["textContent"]["text"]
    done = naver_text(client, NAVER_USER, "광고 메시지 받을게요")
    assert "수신에 동의하셨어요" in done["textContent"]["text"]  # TalkTalk said 14 or older: no question
    (c,), _ = rows(client)
    assert (c.channel, c.adult_source, c.user_key) == ("naver", "talktalk", NAVER_USER)
    naver(client, {"event": "open", "user": CHILD, "options": {"inflow": "list", "under14": True, "under19": True}})
    child = naver_text(client, CHILD, f"도장 {client.code()}")  # type: ignore[attr-defined]
    assert "도장 하나 찍었어요" in child["textContent"]["text"] and "수신 동의" not in child["textContent"]["text"]
    storage = client.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        assert s.exec(select(Conversation.under14).where(Conversation.user_key == CHILD)).one() is True


def test_opt_out_works_while_a_person_has_the_chat(client: TestClient) -> None:
    kakao(client, "직원 연결해 주세요", user="with-staff")
    storage = client.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        conv = s.exec(select(Conversation).where(Conversation.user_key == "with-staff")).one()
        conv.handoff, conv.staff = "human", "민지"
        s.add(conv)
        s.commit()
    out = kakao(client, "수신거부", user="with-staff")
    assert "수신거부를 처리했어요" in out["text"]
    (c,), _ = rows(client)
    assert c.status == "withdrawn"
    near = kakao(client, "예약 취소 문자 받았는데 맞나요?", user="someone")
    assert "수신거부" not in near["text"] and len(rows(client)[0]) == 1


def test_the_reminder_and_a_staff_cancellation_reach_the_customer_once(client: TestClient, fake: FakeTalkTalk, clock: Clock) -> None:
    app = client.app
    storage = app.state.storage  # type: ignore[attr-defined]
    kb = app.state.kb  # type: ignore[attr-defined]
    outreach = app.state.outreach  # type: ignore[attr-defined]
    store = kb.snapshot.knowledge.store
    local = NOW.replace(tzinfo=None)
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(store.timezone)
    start = datetime(local.year, local.month, local.day, 19, 0, tzinfo=zone) + timedelta(days=1)
    with Session(storage.engine) as s:
        s.add(Reservation(code="RMD123", channel="naver", user_key=NAVER_USER, name="김단골", phone="01012345678", party=2,
                          starts_at=start.astimezone(UTC), ends_at=(start + timedelta(hours=2)).astimezone(UTC), table_no=0, seats=2))
        s.commit()
    routes = {"naver": outreach.routes.get("talktalk")}
    from bot.outreach.routes import TalkTalkRoute

    routes["naver"] = TalkTalkRoute(app.state.channels["naver"].api, outreach.sender)  # type: ignore[attr-defined]
    runner = notices.Notices(storage, lambda: store, routes, "18:00", True, True, 23, lambda: clock.at.replace(tzinfo=zone))  # type: ignore[arg-type]
    fake.clear()
    assert asyncio.run(runner.run()) == 0  # 14:00: not time for tomorrow's reminders; the first run sets the watermark
    clock.at = NOW.replace(hour=18, minute=5)
    assert asyncio.run(runner.run()) == 1
    assert asyncio.run(runner.run()) == 0  # once
    sent = fake.bodies(NAVER_USER)
    assert len(sent) == 1 and "내일 예약 안내드려요" in sent[0]["textContent"]["text"] and "RMD123" in sent[0]["textContent"]["text"]
    assert "광고" not in sent[0]["textContent"]["text"] and sent[0]["options"]["notification"] is True
    bookings = app.state.bookings  # type: ignore[attr-defined]
    asyncio.run(bookings.set_status("RMD123", "cancelled", actor="staff:민지"))
    assert asyncio.run(runner.run()) == 1 and asyncio.run(runner.run()) == 0
    last = fake.bodies(NAVER_USER)[-1]["textContent"]["text"]
    assert "취소되었어요" in last and "RMD123" in last
    with Session(storage.engine) as s:
        assert sorted(n.kind for n in s.exec(select(Notice)).all()) == ["cancelled", "reminder"]
    # the owner cannot put a coupon into an information message
    with Session(storage.engine) as s, pytest.raises(TemplateError):
        notices.save_template(s, "reminder", "[{store}] 내일 예약이에요. 오시면 쿠폰 드려요!")


def test_the_daily_digest_tells_the_owner_once(client: TestClient) -> None:
    storage = client.app.state.storage  # type: ignore[attr-defined]
    kakao(client, "사장님 혈액형이 뭐예요?", user="digest-1")  # not in the files: unanswered
    kakao(client, "직원 연결해 주세요", user="digest-2")
    posted: list[dict[str, Any]] = []

    def hook(request: httpx.Request) -> httpx.Response:
        import json

        posted.append(json.loads(request.content))
        return httpx.Response(200)

    async def go(at: datetime) -> bool:
        async with httpx.AsyncClient(transport=httpx.MockTransport(hook)) as http:
            return await digest.send_if_due(storage, "https://hooks.example/x", "소담식당", "Asia/Seoul", "08:30", at, http)

    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    tomorrow = datetime.now(seoul) + timedelta(days=1)  # messages are stored at the real time
    assert not asyncio.run(go(tomorrow.replace(hour=8, minute=0)))
    assert asyncio.run(go(tomorrow.replace(hour=8, minute=31)))
    assert not asyncio.run(go(tomorrow.replace(hour=12, minute=0)))  # once a day
    text = posted[0]["text"]
    assert "어제 챗봇이 답하지 못한 질문 1개" in text and "혈액형" in text and "직원을 기다리는 상담 1건" in text
