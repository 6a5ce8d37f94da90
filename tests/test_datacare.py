"""Data care on SQLite and PostgreSQL: retention, a customer's export and deletion, the CLI
commands as real processes, and copying a SQLite database to PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select, text, update

from bot import datacare
from bot.bookings import Bookings
from bot.datacare import (
    Customer,
    copy_database,
    export_customer,
    forget_customer,
    retention_loop,
    run_retention,
)
from bot.db import (
    Conversation,
    CustomerProfile,
    Handoff,
    Message,
    Reservation,
    ReservationCell,
    ReservationEvent,
    StaffSession,
    StaffUser,
    Storage,
    make_engine,
    utcnow,
)
from bot.settings import RetentionSettings, Settings
from tests.conftest import ROOT, postgres_or_skip

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = utcnow().replace(minute=0, second=0, microsecond=0)  # on the 5-minute grid: 24 cells a booking
KEEP = RetentionSettings(message_days=365, reservation_days=90)

conversations = Conversation.__table__  # type: ignore[attr-defined]
messages = Message.__table__  # type: ignore[attr-defined]
handoffs = Handoff.__table__  # type: ignore[attr-defined]
reservations = Reservation.__table__  # type: ignore[attr-defined]
cells = ReservationCell.__table__  # type: ignore[attr-defined]
events = ReservationEvent.__table__  # type: ignore[attr-defined]
profiles = CustomerProfile.__table__  # type: ignore[attr-defined]
sessions = StaffSession.__table__  # type: ignore[attr-defined]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    postgres_or_skip()
    name = f"danggol_care_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    url = f"sqlite:///{tmp_path / 'care.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = Storage(make_engine(url, tmp_path))
    seed(store)
    yield store
    store.engine.dispose()


def seed(storage: Storage) -> None:
    """Four chats, four bookings, a profile, three staff sessions; ages relative to NOW.

    alice (kakao): a message and a resolved handoff from last year, a message from this week; a booking 120 days ago
    and one next week.
    bob (naver): a message and a resolved handoff yesterday; a booking 10 days ago and one in 3 days; a TalkTalk
    profile with his phone.
    carol (kakao): three messages from last year, a resolved handoff and a profile: all of it goes.
    dave (kakao): a message from last year, and still waiting for staff: his chat stays.
    """
    ids = {who: storage.conversation_id(channel=ch, user_key=who) for ch, who in
           (("kakao", "alice"), ("naver", "bob"), ("kakao", "carol"), ("kakao", "dave"))}
    year_ago = NOW - timedelta(days=400)
    said = [("alice", "작년 주차 문의", 400), ("alice", "내일 예약 문의", 3), ("bob", "밥의 질문", 1), ("carol", "캐럴 1", 400),
            ("carol", "캐럴 2", 399), ("carol", "캐럴 3", 398), ("dave", "데이브 질문", 400)]
    bookings = Bookings(storage, "Asia/Seoul")
    with storage.engine.begin() as conn:
        conn.execute(update(conversations).values(created_at=year_ago))
        conn.execute(insert(messages), [{"conversation_id": ids[who], "direction": "in", "author": "customer", "delivered": True,
                                         "text": body, "created_at": NOW - timedelta(days=age)} for who, body, age in said])
        conn.execute(update(conversations).where(conversations.c.id == ids["dave"]).values(handoff="waiting", handoff_at=year_ago))
        conn.execute(insert(handoffs), [
            {"conversation_id": ids["carol"], "reason": "직원", "status": "resolved", "claimed_by": "", "created_at": year_ago},
            {"conversation_id": ids["dave"], "reason": "직원", "status": "waiting", "claimed_by": "", "created_at": year_ago},
            {"conversation_id": ids["alice"], "reason": "작년 주차 문의", "status": "resolved", "claimed_by": "사장", "created_at": year_ago},
            {"conversation_id": ids["bob"], "reason": "밥의 질문", "status": "resolved", "claimed_by": "사장", "created_at": NOW - timedelta(days=1)}])
        conn.execute(insert(profiles), [
            {"channel": "naver", "user_key": "bob", "nickname": "밥", "cellphone": "010-3333-4444", "updated_at": NOW},
            {"channel": "kakao", "user_key": "carol", "nickname": "캐럴", "cellphone": None, "updated_at": year_ago}])
        staff = conn.execute(insert(StaffUser.__table__).values(  # type: ignore[attr-defined]
            name="사장", password_hash="x", active=True, created_at=NOW)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(insert(sessions), [
            {"token_hash": f"t{n}", "staff_id": staff, "csrf": "c", "created_at": NOW, "expires_at": NOW + timedelta(hours=hours),
             "revoked": revoked} for n, (hours, revoked) in enumerate(((12, False), (-1, False), (5, True)))])
    for who, channel, name, phone, days in (("alice", "kakao", "김민지", "010-1111-2222", -120), ("alice", "kakao", "김민지", "010-1111-2222", 7),
                                            ("bob", "naver", "박보검", "010-3333-4444", -10), ("bob", "naver", "박보검", "010-3333-4444", 3)):
        booking = bookings.create_sync(start=NOW + timedelta(days=days), minutes=120, table_no=0, seats=4, party=2, name=name,
                                       phone=phone, request="창가 자리", channel=channel, user_key=who)
        if days == -120:
            with storage.engine.begin() as conn:
                rid = conn.execute(select(reservations.c.id).where(reservations.c.code == booking.code)).scalar_one()
                conn.execute(insert(events).values(reservation_id=rid, action="changed", actor="staff:사장", created_at=NOW,
                                                   detail={"from": {"name": "김민즤", "phone": "01011112222"}, "to": {"name": name}, "party": 2}))


def rows(storage: Storage, query: Any) -> list[Any]:
    with storage.engine.connect() as conn:
        return list(conn.execute(query).all())


def booking_of(storage: Storage, user_key: str, days: int) -> Any:
    """The seeded booking of `user_key` starting `days` from NOW (by its start; names may be gone)."""
    start = NOW + timedelta(days=days)
    found = [r for r in rows(storage, select(reservations)) if abs((datetime_utc(r.starts_at) - start).total_seconds()) < 1]
    assert len(found) == 1, (user_key, days)
    return found[0]


def datetime_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def cell_count(storage: Storage, reservation_id: int) -> int:
    return rows(storage, select(func.count()).select_from(cells).where(cells.c.reservation_id == reservation_id))[0][0]


# --- retention --------------------------------------------------------------------------------


def test_retention_deletes_exactly_the_old_data(storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datacare, "BATCH", 2)  # several batches per step
    old, recent, future = booking_of(storage, "alice", -120), booking_of(storage, "bob", -10), booking_of(storage, "alice", 7)

    counts = run_retention(storage, settings=KEEP, now=NOW)

    assert counts.as_dict() == {"messages": 5, "handoffs": 2, "conversations": 1, "profiles": 1, "reservations": 1, "cells": 48, "sessions": 2,
                                 "visits": 0, "ledger_customers": 0}
    assert sorted(r.text for r in rows(storage, select(messages))) == ["내일 예약 문의", "밥의 질문"]
    assert sorted(r.user_key for r in rows(storage, select(conversations))) == ["alice", "bob", "dave"]  # dave waits for staff
    assert sorted(r.status for r in rows(storage, select(handoffs))) == ["resolved", "waiting"]  # bob's is recent
    gone = booking_of(storage, "alice", -120)
    assert (gone.name, gone.phone, gone.request, gone.user_key, gone.channel, gone.code) == ("", "", "", "", "kakao", old.code)
    detail = rows(storage, select(events.c.detail).where(events.c.reservation_id == old.id, events.c.action == "changed"))[0][0]
    assert detail == {"from": {}, "to": {}, "party": 2}
    assert booking_of(storage, "bob", -10).name == "박보검" and cell_count(storage, recent.id) == 0  # ended: cells go, name stays
    assert booking_of(storage, "alice", 7) == future and cell_count(storage, future.id) == 24
    assert booking_of(storage, "bob", 3).name == "박보검" and cell_count(storage, booking_of(storage, "bob", 3).id) == 24
    assert [r.token_hash for r in rows(storage, select(sessions))] == ["t0"]
    assert [r.user_key for r in rows(storage, select(profiles))] == ["bob"]

    assert run_retention(storage, settings=KEEP, now=NOW).as_dict() == dict.fromkeys(counts.as_dict(), 0)


def test_zero_days_keeps_messages_and_bookings_forever(storage: Storage) -> None:
    counts = run_retention(storage, settings=RetentionSettings(message_days=0, reservation_days=0), now=NOW)
    assert (counts.messages, counts.conversations, counts.reservations) == (0, 0, 0)
    assert len(rows(storage, select(messages))) == 7
    assert all(r.name for r in rows(storage, select(reservations)))


def test_retention_loop_runs_at_start_and_survives_failures(storage: Storage, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(retention=RetentionSettings(interval_hours=0.1))

    async def run(fail: bool) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(retention_loop(storage, settings, stop))
        for _ in range(200):
            await asyncio.sleep(0.05)
            if fail and "retention failed" in caplog.text or not fail and "retention: messages=5" in caplog.text:
                break
        assert not task.done()
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    with caplog.at_level(logging.INFO, logger="bot.datacare"):
        asyncio.run(run(fail=False))
    assert len(rows(storage, select(messages))) == 2

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(datacare, "run_retention_async", broken)
    with caplog.at_level(logging.INFO, logger="bot.datacare"):
        asyncio.run(run(fail=True))
    assert "disk full" in caplog.text


# --- export and forget --------------------------------------------------------------------------


def test_export_holds_one_customer_and_nothing_of_another(storage: Storage) -> None:
    alice = export_customer(storage, customer=Customer(channel="kakao", user_key="alice"))
    body = json.dumps(alice, ensure_ascii=False)  # JSON-ready as it is
    assert [m["text"] for m in alice["conversations"][0]["messages"]] == ["작년 주차 문의", "내일 예약 문의"]
    assert [(r["name"], r["phone"]) for r in alice["reservations"]] == [("김민지", "01011112222")] * 2
    assert alice["reservations"][0]["events"][0]["action"] == "created"
    assert alice["reservations"][0]["starts_at"].endswith("+00:00")
    assert "밥" not in body and "박보검" not in body and "01033334444" not in body and "캐럴" not in body
    assert alice["profiles"] == [] and alice["customer"] == {"channel": "kakao", "user_key": "alice"}

    conversation_id = alice["conversations"][0]["id"]
    by_id = export_customer(storage, customer=Customer(conversation_id=conversation_id))
    assert by_id["conversations"] == alice["conversations"] and by_id["reservations"] == alice["reservations"]

    bob = export_customer(storage, customer=Customer(phone="010 3333 4444"))
    assert [m["text"] for c in bob["conversations"] for m in c["messages"]] == ["밥의 질문"]
    assert len(bob["reservations"]) == 2 and bob["profiles"][0]["cellphone"] == "010-3333-4444"
    assert "김민지" not in json.dumps(bob, ensure_ascii=False)

    nobody = export_customer(storage, customer=Customer(phone="010-0000-0000"))
    assert nobody["conversations"] == nobody["reservations"] == nobody["profiles"] == []


def test_forget_removes_one_customer_and_frees_future_tables(storage: Storage) -> None:
    future = booking_of(storage, "bob", 3)
    alice_before = export_customer(storage, customer=Customer(channel="kakao", user_key="alice"))
    bob_chat = storage.record_in(channel="naver", user_key="bob", text="캐시에 대화 번호를 남겨요", payload=None).conversation_id

    counts = forget_customer(storage, customer=Customer(phone="01033334444"), now=NOW)

    assert counts.as_dict() == {"conversations": 1, "messages": 2, "handoffs": 1, "profiles": 1, "reservations": 2, "cancelled": 1, "ledger": 0}
    left = export_customer(storage, customer=Customer(channel="naver", user_key="bob"))
    assert left["conversations"] == left["reservations"] == left["profiles"] == []
    assert export_customer(storage, customer=Customer(phone="010-3333-4444"))["reservations"] == []
    cancelled = booking_of(storage, "bob", 3)
    assert (cancelled.status, cancelled.name, cancelled.phone, cancelled.user_key) == ("cancelled", "", "", "")
    assert cell_count(storage, future.id) == 0
    assert booking_of(storage, "bob", -10).status == "confirmed" and booking_of(storage, "bob", -10).name == ""
    audit = rows(storage, select(events.c.action, events.c.actor).where(events.c.reservation_id == future.id).order_by(events.c.id))
    assert [tuple(a) for a in audit] == [("created", "customer"), ("cancelled", "system:forget")]

    alice_after = export_customer(storage, customer=Customer(channel="kakao", user_key="alice"))
    assert {k: v for k, v in alice_after.items() if k != "exported_at"} == {k: v for k, v in alice_before.items() if k != "exported_at"}
    assert len(rows(storage, select(conversations))) == 3

    # The freed table can be booked again, and bob can write again (his cached chat id is stale).
    again = Bookings(storage, "Asia/Seoul").create_sync(start=NOW + timedelta(days=3), minutes=120, table_no=0, seats=4, party=2,
                                                        name="새 손님", phone="010-5555-6666", request="", channel="kakao", user_key="erin")
    assert again.status == "confirmed"
    inbound = storage.record_in(channel="naver", user_key="bob", text="다시 왔어요", payload=None)
    assert inbound.conversation_id != bob_chat and [m.text for m in storage.messages(channel="naver", user_key="bob")] == ["다시 왔어요"]


def test_forget_by_conversation_keeps_dave_waiting_elsewhere(storage: Storage) -> None:
    carol = export_customer(storage, customer=Customer(channel="kakao", user_key="carol"))["conversations"][0]["id"]
    counts = forget_customer(storage, customer=Customer(conversation_id=carol), now=NOW)
    assert counts.as_dict() == {"conversations": 1, "messages": 3, "handoffs": 1, "profiles": 1, "reservations": 0, "cancelled": 0, "ledger": 0}
    assert sorted(r.user_key for r in rows(storage, select(conversations))) == ["alice", "bob", "dave"]
    assert len(rows(storage, select(messages))) == 4


# --- the CLI, as real processes ---------------------------------------------------------------


def danggol(*args: str, url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANGGOL_DATABASE__URL": url}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
                          input=stdin)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Storage(make_engine(url, tmp_path))
    seed(store)
    store.engine.dispose()
    return url


def test_cli_export_forget_and_retention(sqlite_url: str, tmp_path: Path) -> None:
    run = danggol("export", "--user", "kakao:alice", url=sqlite_url)
    assert run.returncode == 0, run.stderr
    assert "김민지" in run.stdout and json.loads(run.stdout)["reservations"][0]["name"] == "김민지"

    out = tmp_path / "bob.json"
    run = danggol("export", "--phone", "010-3333-4444", "-o", str(out), url=sqlite_url)
    assert run.returncode == 0 and run.stdout.startswith(f"내보냈어요: {out} (대화 1개(메시지 1개), 예약 2건, 프로필 1개)")
    assert json.loads(out.read_text(encoding="utf-8"))["profiles"][0]["nickname"] == "밥"

    run = danggol("export", "--user", "kakao", url=sqlite_url)
    assert run.returncode != 0 and "kakao:사용자키처럼" in run.stderr and "Traceback" not in run.stderr
    run = danggol("export", "--user", "kakao:nobody", url=sqlite_url)
    assert run.returncode == 1 and "이 손님의 데이터가 없어요." in run.stderr

    run = danggol("forget", "--phone", "010-3333-4444", url=sqlite_url, stdin="n\n")
    assert run.returncode == 1 and "아직 오지 않은 확정 예약 1건은 취소돼요." in run.stdout and "지우지 않았어요." in run.stdout
    assert danggol("export", "--phone", "010-3333-4444", url=sqlite_url).returncode == 0
    run = danggol("forget", "--phone", "010-3333-4444", url=sqlite_url, stdin="네\n")
    assert run.returncode == 0, run.stderr
    assert "지웠어요: 대화 1개, 메시지 1개, 직원 연결 기록 1개, 프로필 1개, 예약 2건 익명화 (그중 1건 취소)" in run.stdout
    assert danggol("export", "--phone", "010-3333-4444", url=sqlite_url).returncode == 1
    run = danggol("forget", "--user", "kakao:carol", "--yes", url=sqlite_url)
    assert run.returncode == 0 and "대화 1개, 메시지 3개" in run.stdout

    run = danggol("retention", url=sqlite_url)
    assert run.returncode == 0, run.stderr
    assert "보관 기간 정리를 마쳤어요 (메시지 365일, 예약 90일 보관)." in run.stdout
    assert "메시지 2개 삭제, 끝난 직원 연결 기록 1개 삭제, 빈 대화 0개 삭제, 오래된 프로필 0개 삭제, 예약 1건 익명화" in run.stdout and "끝난 직원 세션 2개 삭제" in run.stdout


def test_db_copy_sqlite_to_postgresql(sqlite_url: str, postgres_url: str, tmp_path: Path) -> None:
    run = danggol("db", "copy", "--from", sqlite_url, "--to", postgres_url, url=sqlite_url)
    assert run.returncode == 0, run.stderr
    assert "conversation 4줄" in run.stdout and "message 7줄" in run.stdout and "reservationcell 96줄" in run.stdout

    source, target = Storage(make_engine(sqlite_url, tmp_path)), Storage(make_engine(postgres_url, tmp_path))
    for customer in (Customer(channel="kakao", user_key="alice"), Customer(phone="010-3333-4444"), Customer(channel="kakao", user_key="dave")):
        before, after = export_customer(source, customer=customer), export_customer(target, customer=customer)
        assert {k: v for k, v in after.items() if k != "exported_at"} == {k: v for k, v in before.items() if k != "exported_at"}
    assert [r.token_hash for r in rows(target, select(sessions).order_by(sessions.c.id))] == ["t0", "t1", "t2"]

    # The sequences were moved on: new rows get fresh ids.
    top = rows(target, select(func.max(conversations.c.id)))[0][0]
    assert target.record_in(channel="kakao", user_key="new", text="처음이에요", payload=None).conversation_id == top + 1
    Bookings(target, "Asia/Seoul").create_sync(start=NOW + timedelta(days=20), minutes=60, table_no=1, seats=2, party=2, name="새",
                                               phone="", request="", channel="kakao", user_key="new")

    run = danggol("db", "copy", "--from", sqlite_url, "--to", postgres_url, url=sqlite_url)
    assert run.returncode == 1 and "옮길 곳에 이미 데이터가 있어요" in run.stderr, run.stderr
    source.engine.dispose()
    target.engine.dispose()


def test_copy_into_sqlite_keeps_ids(storage: Storage, tmp_path: Path) -> None:
    target = Storage(make_engine(f"sqlite:///{tmp_path / 'copy.db'}", tmp_path))
    counts = copy_database(source=storage.engine, target=target.engine)
    assert counts["message"] == 7 and counts["reservation"] == 4
    assert rows(target, select(messages.c.id, messages.c.text).order_by(messages.c.id)) == \
        rows(storage, select(messages.c.id, messages.c.text).order_by(messages.c.id))
    target.engine.dispose()


def test_the_ledger_has_its_own_retention_and_goes_with_a_forget(storage: Storage) -> None:
    """Visits older than ledger_days go (a customer left with none goes too); a forget by phone takes the
    ledger customer of that phone and of their chats, with every visit, and an export shows them first."""
    from datetime import timedelta

    from sqlmodel import Session

    from bot.datacare import Customer, export_customer, forget_customer
    from bot.db import Customer as LedgerCustomer
    from bot.db import Identity, Visit
    from bot.ledger import customers as ledger_customers
    from bot.ledger import visits as ledger_visits

    with Session(storage.engine) as s:
        kept = ledger_customers.identify(s, [("phone", "010-5555-6666"), ("kakao", "alice")])
        gone = ledger_customers.identify(s, [("phone", "010-7777-0000")])
        assert kept and gone
        ledger_visits.add(s, kept, NOW - timedelta(days=10), "pos", "k-new", items=["라떼"])
        ledger_visits.add(s, kept, NOW - timedelta(days=800), "pos", "k-old")
        ledger_visits.add(s, gone, NOW - timedelta(days=900), "pos", "g-old")
        s.commit()
    with storage.engine.begin() as conn:
        conn.execute(update(LedgerCustomer.__table__).values(created_at=NOW - timedelta(days=1000)))  # type: ignore[attr-defined]
    counts = run_retention(storage, settings=RetentionSettings(message_days=0, reservation_days=0, ledger_days=730), now=NOW)
    assert (counts.visits, counts.ledger_customers) == (2, 1)
    exported = export_customer(storage, customer=Customer(phone="010-5555-6666"))
    assert [v["ref"] for item in exported["ledger"] for v in item["visits"]] == ["k-new"]
    assert {i["kind"] for item in exported["ledger"] for i in item["identities"]} == {"phone", "kakao"}
    assert forget_customer(storage, customer=Customer(phone="01055556666"), now=NOW).ledger == 1
    with Session(storage.engine) as s:
        assert s.exec(select(func.count()).select_from(Visit)).one() == (0,)
        assert s.exec(select(func.count()).select_from(Identity)).one() == (0,)
