"""The console's reads cost a fixed number of queries, whatever the number of chats: the live queue
(every open tab, every second) and the unanswered-questions page run on the database thread that
customers' messages queue behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from bot.db import Storage, make_engine
from bot.staff.console import queue_rows
from bot.staff.insights import unanswered
from tests.conftest import database_url


@contextmanager
def counted(storage: Storage) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(storage.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(storage.engine, "before_cursor_execute", count)


def handed_over(storage: Storage, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        inbound = storage.record_in(channel="kakao", user_key=f"queue-{i:04d}", text=f"직원 불러 주세요 {i}", payload=None)
        storage.record_out(conversation_id=inbound.conversation_id, text="연결할게요", intent="escalate", payload=None,
                           handoff_reason=f"직원 불러 주세요 {i}", handoff_trigger="request")
        storage.record_in(channel="kakao", user_key=f"queue-{i:04d}", text="아직이에요?", payload=None)
        miss = storage.record_in(channel="kakao", user_key=f"miss-{i:04d}", text=f"영어 메뉴판 있어요 {i}", payload=None)
        storage.record_out(conversation_id=miss.conversation_id, text="모르겠어요", intent="unknown", payload=None)


def test_the_queue_and_the_unanswered_page_read_in_a_fixed_number_of_queries(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    handed_over(storage, 3)
    with counted(storage) as few:
        rows = queue_rows(storage)
    assert len(rows) == 3 and rows[0]["trigger_ko"] == "직원 요청" and rows[0]["why"] == "직원 불러 주세요 0" and rows[0]["unread"] == 2
    with counted(storage) as few_misses:
        groups = unanswered(storage)
    assert sum(g.count for g in groups) == 3
    handed_over(storage, 40, start=3)
    with counted(storage) as many:
        assert len(queue_rows(storage)) == 43
    with counted(storage) as many_misses:
        assert sum(g.count for g in unanswered(storage)) == 43
    assert len(many) == len(few) <= 4
    assert len(many_misses) == len(few_misses) == 1


def test_history_search_filters_and_stays_at_three_queries(tmp_path: Path) -> None:
    from bot.staff.history import Filters, search

    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    handed_over(storage, 5)
    storage.record_in(channel="naver", user_key="talk-5555", text="100% 환불 되나요_아니면", payload=None)
    with counted(storage) as statements:
        everything = search(storage, Filters(), "Asia/Seoul")
    assert len(everything.rows) == 11 and not everything.more and len(statements) == 3
    assert [r["customer"] for r in search(storage, Filters(text="100% 환불"), "Asia/Seoul").rows] == ["손님 5555"]
    assert search(storage, Filters(text="100%_"), "Asia/Seoul").rows == []  # % and _ are literal, not wildcards
    handed = search(storage, Filters(handed="yes"), "Asia/Seoul").rows
    assert len(handed) == 5 and all(r["handoffs"] == 1 for r in handed)
    assert len(search(storage, Filters(handed="no", channel="kakao"), "Asia/Seoul").rows) == 5  # the unanswered ones
    assert len(search(storage, Filters(intent="unknown"), "Asia/Seoul").rows) == 5
    assert [r["customer"] for r in search(storage, Filters(customer="0003"), "Asia/Seoul").rows] == ["손님 0003", "손님 0003"]
    first = search(storage, Filters(), "Asia/Seoul").rows[0]
    storage.set_note(conversation_id=first["id"], note="단골손님")
    assert search(storage, Filters(), "Asia/Seoul").rows[0]["note"] == "단골손님"


def test_the_dashboard_and_staff_replies_read_in_a_fixed_number_of_queries(tmp_path: Path) -> None:
    from bot.staff.dashboard import dashboard
    from bot.staff.insights import add_staff_replies

    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    handed_over(storage, 3)
    with counted(storage) as few:
        small = dashboard(storage, "Asia/Seoul")
    groups = unanswered(storage)
    storage.record_out(conversation_id=groups[0].asked[0][0], text="영어 메뉴판은 카운터에 있어요", intent=None, payload=None,
                       author="staff:민지")
    with counted(storage) as replies:
        add_staff_replies(storage, groups)
    assert groups[0].staff_replies == ["영어 메뉴판은 카운터에 있어요"] and all(not g.staff_replies for g in groups[1:])
    handed_over(storage, 40, start=3)
    with counted(storage) as many:
        large = dashboard(storage, "Asia/Seoul")
    assert (small.today.unanswered, large.today.unanswered, large.month.customer_messages) == (3, 43, 129)
    assert len(many) == len(few) == 10 and len(replies) == 1  # four per period, one each for hours and top questions
