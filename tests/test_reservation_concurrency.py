"""50 customers confirm the last free table for the same time at once, through the HTTP endpoint,
on SQLite and on PostgreSQL: exactly one gets it, the others are offered other times."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import DEMO, create_postgres_database, drop_postgres_database, postgres_or_skip
from tests.support.live_server import live_server
from tests.test_reservation_scenarios import SECRET, reply_text

ATTEMPTS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'race.db'}"
        return
    postgres_or_skip()
    url = create_postgres_database("danggol_race")
    try:
        yield url
    finally:
        drop_postgres_database(url)


def payload(user: str, utterance: str) -> dict:  # type: ignore[type-arg]
    return {"userRequest": {"utterance": utterance, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "bot"},
            "action": {"params": {}, "clientExtra": None}}


def test_only_one_of_fifty_gets_the_last_table(database: str, tmp_path: Path) -> None:
    clock = tmp_path / "clock.txt"
    clock.write_text("2026-11-24T14:00:00")
    with live_server(DEMO, tmp_path, app="tests.support.clock_app:app", DANGGOL_TEST_CLOCK_FILE=str(clock), DANGGOL_KAKAO__SECRET=SECRET,
                     DANGGOL_RELOAD__ENABLED="false", DANGGOL_DATABASE__URL=database) as (base, _, _):
        headers = {"X-Danggol-Secret": SECRET}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for n in range(ATTEMPTS):  # 7 people fit only the 8-seat table: one free table for all of them
                for line in ("11월 27일 저녁 7시 7명 예약할게요", f"손님{chr(0xAC00 + n)}", "없음"):
                    r = client.post("/kakao/skill", json=payload(f"racer-{n}", line))
                    assert r.status_code == 200
                assert "이대로 예약할까요?" in reply_text(r.json())

        async def confirm_all() -> list[str]:
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
                replies = await asyncio.gather(*(client.post("/kakao/skill", json=payload(f"racer-{n}", "예")) for n in range(ATTEMPTS)))
            assert all(r.status_code == 200 for r in replies)
            return [reply_text(r.json()) for r in replies]

        answers = asyncio.run(confirm_all())
    won = [a for a in answers if a.startswith("예약이 완료됐어요!")]
    lost = [a for a in answers if not a.startswith("예약이 완료됐어요!")]
    assert len(won) == 1, answers[:3]
    assert all("그 사이에" in a and "가능한 시간은" in a for a in lost), lost[:3]
    with create_engine(database).connect() as conn:
        rows = conn.execute(text("SELECT table_no, status FROM reservation")).all()
        cells = conn.execute(text("SELECT table_no, cell, COUNT(*) FROM reservationcell GROUP BY table_no, cell HAVING COUNT(*) > 1")).all()
    assert rows == [(6, "confirmed")] and cells == []
