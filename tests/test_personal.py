"""Personal recommendations: planted preferences in synthetic histories come back in the top three for
at least 90% of customers, and never an item that breaks a stated constraint; in the chat only after
the customer's yes, and never again after '맞춤 추천 그만'."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.kb.loader import load_knowledge
from bot.ledger import customers, visits
from bot.ledger.personal import picks
from bot.server import create_app
from bot.settings import load_settings
from bot.understand import allergens
from skills.recommend import Wants, choose, passes
from tests.conftest import DEMO, database_url

SEOUL = ZoneInfo("Asia/Seoul")
MENU = load_knowledge(DEMO).menu
NOW = datetime(2026, 12, 2, 12, 10, tzinfo=SEOUL)  # a Wednesday lunch


def history(r: random.Random, favourite: str, others: list[str]) -> list[tuple[datetime, list[str]]]:
    """A favourite bought at weekday lunches over three months, other things now and then at other times."""
    out = []
    for week in range(12):
        day = NOW - timedelta(days=7 * week + r.choice([0, 1, 2]))
        out.append((day.replace(hour=r.choice([11, 12, 13])), [favourite]))
        if r.random() < 0.7:
            out.append((day - timedelta(days=r.randint(1, 3), hours=r.randint(-6, 6)), [r.choice(others)]))
    return out


def test_planted_preferences_come_back_and_constraints_hold() -> None:
    r = random.Random(11)
    adult = [m for m in choose(MENU, Wants()) if m.available]
    names = [m.name for m in adult]
    found = 0
    customers_n = 300
    for _ in range(customers_n):
        favourite = r.choice(names)
        got = picks(choose(MENU, Wants()), history(r, favourite, [n for n in names if n != favourite]), NOW, lambda n: next(
            (m for m in MENU if m.name == n), None))
        found += favourite in [p.item.name for p in got]
    print(f"planted favourite in the top three: {found}/{customers_n}")
    assert found / customers_n >= 0.9, found

    # a stated constraint always wins over a habit: the shrimp-allergic regular is never offered their favourite
    shrimp = allergens.canonical("새우")
    with_shrimp = [m for m in adult if allergens.contains(m, shrimp)]
    assert with_shrimp
    w = Wants(avoid_allergens=[shrimp])
    for favourite in with_shrimp:
        got = picks(choose(MENU, w), history(r, favourite.name, names), NOW, lambda n: next((m for m in MENU if m.name == n), None))
        assert favourite.name not in [p.item.name for p in got]
        assert all(passes(p.item, w) for p in got)


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    with TestClient(create_app(load_settings())) as c:
        yield c


def say(client: TestClient, text: str, user: str = "regular") -> str:
    body = {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    outputs = client.post("/kakao/skill", json=body).json()["template"]["outputs"]
    cards = [c for o in outputs for c in o.get("carousel", {}).get("items", [])]
    return "\n".join([*(o["simpleText"]["text"] for o in outputs if "simpleText" in o),
                      *(f"{c.get('title', '')}: {c.get('description', '')}" for c in cards)])


def test_personal_recommendations_only_after_a_yes(client: TestClient) -> None:
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    favourite = next(m for m in MENU if m.available and m.name == "제육덮밥")
    with Session(ledger.storage.engine) as s:
        who = customers.identify(s, [("phone", "010-3030-4040"), ("kakao", "regular")])
        assert who is not None
        now = ledger.now()
        for week in range(6):
            visits.add(s, who, now - timedelta(days=7 * week), "pos", f"r{week}", items=[favourite.name])
        s.commit()
    first = say(client, "뭐 먹을지 추천해 주세요")
    assert "맞춤으로 추천해 드려도 될까요" in first and "지난번 드신" not in first  # asked, not assumed
    assert "주문 기록만 쓰고 최대 2년 보관해요" in first  # purpose, items and retention said; refusing changes nothing
    assert "지난번 드신" not in say(client, "뭐 먹을지 추천해 주세요", user="stranger")
    assert "다음부터 예전에 드신 메뉴를 참고해서" in say(client, "네, 좋아요")
    personal = say(client, "점심 메뉴 추천해 주세요")
    assert personal.startswith(f"지난번 드신 {favourite.name}") and "비슷한 메뉴" in personal
    assert favourite.name not in say(client, "돼지고기 못 먹어요. 추천해 주세요")  # 제육덮밥 is pork: the constraint wins
    assert "참고하지 않고" in say(client, "맞춤 추천 그만")
    assert "지난번 드신" not in say(client, "메뉴 추천해 주세요")
