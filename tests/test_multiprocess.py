"""Two server processes on one PostgreSQL database serve one store: one customer's turns may go
to either process, fifty customers race for one table across both, and each process follows
the owner's edits."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import DEMO, create_postgres_database, drop_postgres_database, postgres_or_skip
from tests.support.live_server import live_server
from tests.test_reservation_scenarios import SECRET, reply_text

pytestmark = pytest.mark.both_databases  # PostgreSQL only, in the first pass
HEADERS = {"X-Danggol-Secret": SECRET}


def payload(user: str, utterance: str) -> dict:  # type: ignore[type-arg]
    return {"userRequest": {"utterance": utterance, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "bot"},
            "action": {"params": {}, "clientExtra": None}}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[str], Path, str]]:
    postgres_or_skip()
    url = create_postgres_database("danggol_multi")
    root = tmp_path_factory.mktemp("multi")
    knowledge = root / "knowledge"
    shutil.copytree(DEMO, knowledge)
    clock = root / "clock.txt"
    clock.write_text("2026-11-24T14:00:00")
    env = {"DANGGOL_TEST_CLOCK_FILE": str(clock), "DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_DATABASE__URL": url,
           "DANGGOL_RETRIEVAL__INDEX_DIR": str(root / "index"), "DANGGOL_RELOAD__DEBOUNCE_MS": "100"}
    (root / "a").mkdir()
    (root / "b").mkdir()
    try:
        with live_server(knowledge, root / "a", app="tests.support.clock_app:app", **env) as (a, _, _), \
             live_server(knowledge, root / "b", app="tests.support.clock_app:app", **env) as (b, _, _):
            yield [a, b], knowledge, url
    finally:
        drop_postgres_database(url)


def test_each_process_has_its_own_index_folder(servers: tuple[list[str], Path, str]) -> None:
    _, knowledge, _ = servers
    root = knowledge.parent
    assert (root / "index" / ".danggol.lock").exists() and (root / "index-2" / ".danggol.lock").exists()


def test_one_customers_turns_alternate_between_processes(servers: tuple[list[str], Path, str]) -> None:
    (a, b), _, url = servers
    lines = ["11월 27일 저녁 6시에 예약할게요", "3명", "김교대", "없음"]
    with httpx.Client(headers=HEADERS, timeout=30) as client:
        for n, line in enumerate(lines):
            r = client.post(f"{(a, b)[n % 2]}/kakao/skill", json=payload("alternating", line))
        assert "이대로 예약할까요?" in reply_text(r.json())
        done = reply_text(client.post(f"{a}/kakao/skill", json=payload("alternating", "예")).json())
    assert done.startswith("예약이 완료됐어요!") and "3명 (김교대)" in done
    with create_engine(url).connect() as conn:
        texts = conn.execute(text("SELECT m.text FROM message m JOIN conversation c ON c.id = m.conversation_id "
                                  "WHERE c.user_key = 'alternating' AND m.direction = 'in' ORDER BY m.id")).scalars().all()
    assert texts == [*lines, "예"]


def test_simultaneous_turns_of_one_customer_on_both_processes_lose_nothing(servers: tuple[list[str], Path, str]) -> None:
    (a, b), _, _ = servers

    async def race(user: str) -> str:
        async with httpx.AsyncClient(headers=HEADERS, timeout=30) as client:
            await client.post(f"{a}/kakao/skill", json=payload(user, "예약하고 싶어요"))
            await asyncio.gather(client.post(f"{a}/kakao/skill", json=payload(user, "11월 28일 저녁 7시")),
                                 client.post(f"{b}/kakao/skill", json=payload(user, "2명이요")))
            r = await client.post(f"{b}/kakao/skill", json=payload(user, "이름은 박동시"))
            return reply_text(r.json())

    for n in range(5):  # each time both details must survive: one turn never overwrites the other's state
        answer = asyncio.run(race(f"simultaneous-{n}"))
        assert "11월 28일(토) 오후 7시\n2명 · 박동시" in answer, answer


def test_fifty_confirmations_across_two_processes_book_the_table_once(servers: tuple[list[str], Path, str]) -> None:
    (a, b), _, url = servers
    with httpx.Client(headers=HEADERS, timeout=30) as client:
        for n in range(50):  # 7 people fit only the 8-seat table
            for k, line in enumerate(("11월 27일 저녁 8시 7명 예약할게요", f"손님{chr(0xAC00 + n)}", "없음")):
                r = client.post(f"{(a, b)[(n + k) % 2]}/kakao/skill", json=payload(f"racer-{n}", line))
            assert "이대로 예약할까요?" in reply_text(r.json())

    async def confirm_all() -> list[str]:
        async with httpx.AsyncClient(headers=HEADERS, timeout=60) as client:
            replies = await asyncio.gather(*(client.post(f"{(a, b)[n % 2]}/kakao/skill", json=payload(f"racer-{n}", "예"))
                                             for n in range(50)))
        assert all(r.status_code == 200 for r in replies)
        return [reply_text(r.json()) for r in replies]

    answers = asyncio.run(confirm_all())
    assert sum(a.startswith("예약이 완료됐어요!") for a in answers) == 1, answers[:3]
    with create_engine(url).connect() as conn:
        rows = conn.execute(text("SELECT table_no FROM reservation WHERE status = 'confirmed' AND starts_at = '2026-11-27 11:00:00+00'")).all()
        shared = conn.execute(text("SELECT table_no, cell FROM reservationcell GROUP BY table_no, cell HAVING COUNT(*) > 1")).all()
    assert rows == [(6,)] and shared == []


def test_each_process_follows_the_owners_edit(servers: tuple[list[str], Path, str]) -> None:
    (a, b), knowledge, _ = servers
    faq = next((knowledge / "faq").glob("*.md"))
    faq.write_text(faq.read_text(encoding="utf-8") + "\n## 강아지 데려가도 돼요?\n다른 표현: 반려견 동반 되나요?\n네, 작은 강아지는 이동장에 넣어 오시면 돼요.\n",
                   encoding="utf-8")
    deadline = time.monotonic() + 20
    seen = set()
    while time.monotonic() < deadline and len(seen) < 2:
        for base in (a, b):
            r = httpx.post(f"{base}/api/ask", json={"question": "반려견 동반 되나요?"}, timeout=10)
            if "이동장" in r.json()["answer"]:
                seen.add(base)
        time.sleep(0.2)
    assert seen == {a, b}
