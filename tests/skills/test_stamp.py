"""The stamp skill, through a real Kakao turn and on its own: off until the owner sets the card up;
with today's code a stamp, the second the same day refused kindly, a wrong code explained, the count
answered; other messages pass to the other skills."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.ledger import card
from bot.server import create_app
from bot.settings import load_settings
from tests.conftest import database_url


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    with TestClient(app) as c:
        yield c


def say(client: TestClient, text: str, user: str = "stamper") -> str:
    body = {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    outputs = client.post("/kakao/skill", json=body).json()["template"]["outputs"]
    return "\n".join(o["simpleText"]["text"] for o in outputs if "simpleText" in o)


def test_the_stamp_card_in_the_chat(client: TestClient) -> None:
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    assert "모으면" not in say(client, "도장 몇 개예요?")  # no card set up: not answered as one
    with Session(ledger.storage.engine) as s:
        card.save_setting(s, "stamps", {"enabled": True, "needed": 10, "reward": "아메리카노 한 잔"})
        s.commit()
        code = card.today_code(s, datetime(2026, 11, 24, 14, 0, tzinfo=ledger.zone))  # the day of the app's clock
        s.commit()
    assert "오늘의 네 자리 코드" in say(client, "도장 찍어 주세요")
    wrong = "0000" if code != "0000" else "1111"
    assert "오늘의 도장 코드가 아니에요" in say(client, f"도장 {wrong}")
    first = say(client, f"도장 {code}").split("\n")
    assert first[0] == "도장 하나 찍었어요! 지금 도장이 1개예요. 9개 더 모으면 아메리카노 한 잔을 드려요."
    assert first[1] == "[선택] 광고성 정보 수신 동의"  # a stamp is a moment to ask, once (tests/outreach)
    assert say(client, f"도장 {code}").startswith("오늘 도장은 이미 찍었어요. 지금 도장이 1개예요.")
    assert say(client, "도장 몇 개 모았어요?") == "지금 도장이 1개예요. 9개 더 모으면 아메리카노 한 잔을 드려요."
    assert say(client, "도장 몇 개예요?", user="someone-else").startswith("지금 도장이 0개예요.")


def test_the_skill_answers_only_what_is_about_the_card(demo_kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.db import Storage, make_engine
    from bot.engine import Engine
    from bot.ledger.service import Ledger
    from bot.messages import Turn
    from bot.settings import RetrievalSettings
    from skills.stamp import StampSkill

    ledger = Ledger(Storage(make_engine(database_url(tmp_path), tmp_path)), "Asia/Seoul")
    with Session(ledger.storage.engine) as s:
        card.save_setting(s, "stamps", {"enabled": True, "needed": 3, "reward": "소금빵"})
        code = card.today_code(s, ledger.now())
        s.commit()
    engine = Engine(demo_kb, RetrievalSettings(), ledger=ledger)

    def turn(text: str):  # type: ignore[no-untyped-def]
        return asyncio.run(engine.respond(Turn(text, user_key="skill-test", channel="kakao")))

    stamped = turn(f"스탬프 {code} 찍어주세요")
    assert stamped.intent == "store_info" and [(x.kind, x.id) for x in stamped.sources] == [("store", "stamps")]
    assert stamped.texts == ["도장 하나 찍었어요! 지금 도장이 1개예요. 2개 더 모으면 소금빵을 드려요."]
    assert turn("주차 돼요?").intent == "faq"  # not about the card: the other skills answer
    assert StampSkill().name == "stamp"
