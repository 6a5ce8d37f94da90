"""The booking service (bot/bookings.py) on the test database (SQLite, or PostgreSQL in the second
pass): rules, the table it picks, moves that leave themselves out, refusals with free times, and
reads in the store's local time against rows stored in UTC."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bookings import Booking, Bookings, Refused
from bot.db import Storage, make_engine
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO, database_url

SEOUL = ZoneInfo("Asia/Seoul")
STORE = load_knowledge(DEMO).store  # tables 2,2,4,4,4,6,8; break 15-17; last order 60; 30-minute slots; 90-minute bookings
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=SEOUL)  # a Tuesday


def _service(tmp_path: Path) -> Bookings:
    return Bookings(Storage(make_engine(database_url(tmp_path), tmp_path)), "Asia/Seoul")


def test_book_picks_the_smallest_table_and_refuses_with_the_reason_and_free_times(tmp_path: Path) -> None:
    service = _service(tmp_path)
    start = datetime(2026, 11, 25, 19, 0, tzinfo=SEOUL)
    made = asyncio.run(service.book(STORE, start=start, party=7, name="김단골", now=NOW, channel="kakao", user_key="u1"))
    assert isinstance(made, Booking) and made.seats == 8
    again = asyncio.run(service.book(STORE, start=start, party=7, name="박단골", now=NOW, channel="kakao", user_key="u2"))
    assert isinstance(again, Refused) and again.code == "full" and again.options
    assert all(o != start for o in again.options)
    brk = asyncio.run(service.book(STORE, start=datetime(2026, 11, 25, 15, 30, tzinfo=SEOUL), party=2, name="이", now=NOW,
                                   channel="kakao", user_key="u3"))
    assert isinstance(brk, Refused) and brk.code == "break"
    past = asyncio.run(service.book(STORE, start=datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL), party=2, name="이", now=NOW,
                                    channel="kakao", user_key="u3"))
    assert isinstance(past, Refused) and past.code == "passed"
    staff = asyncio.run(service.book(STORE, start=datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL), party=2, name="이", now=NOW,
                                     channel="phone", user_key="p", override=frozenset({"passed", "too_soon"})))
    assert isinstance(staff, Booking)  # staff record a walk-in after the fact


def test_a_move_leaves_itself_out_and_keeps_its_code(tmp_path: Path) -> None:
    service = _service(tmp_path)
    start = datetime(2026, 11, 25, 19, 0, tzinfo=SEOUL)
    made = asyncio.run(service.book(STORE, start=start, party=7, name="김단골", now=NOW, channel="kakao", user_key="u1"))
    assert isinstance(made, Booking)
    later = datetime(2026, 11, 25, 19, 30, tzinfo=SEOUL)  # overlaps its own old time on the only 8-seat table
    moved = asyncio.run(service.move(STORE, made.code, start=later, party=7, now=NOW))
    assert isinstance(moved, Booking) and moved.code == made.code and moved.start == later


def test_reads_in_local_time_match_rows_stored_in_utc(tmp_path: Path) -> None:
    """A booking four hours from now is upcoming, and a 12:00 booking is listed on its own day,
    although the rows hold UTC and the store is nine hours ahead of it."""
    service = _service(tmp_path)
    evening = datetime(2026, 11, 24, 18, 0, tzinfo=SEOUL)
    made = asyncio.run(service.book(STORE, start=evening, party=2, name="김", now=NOW, channel="kakao", user_key="u1"))
    assert isinstance(made, Booking)
    assert [b.code for b in asyncio.run(service.upcoming("kakao", "u1", datetime(2026, 11, 24, 17, 0, tzinfo=SEOUL)))] == [made.code]
    noon = asyncio.run(service.book(STORE, start=datetime(2026, 11, 26, 11, 0, tzinfo=SEOUL), party=2, name="박", now=NOW,
                                    channel="kakao", user_key="u2"))
    assert isinstance(noon, Booking)
    assert [b.code for b in service.list_sync(datetime(2026, 11, 26).date())] == [noon.code]
    assert noon.code not in [b.code for b in service.list_sync(datetime(2026, 11, 25).date())]
