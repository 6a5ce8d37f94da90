"""The weekly summary reaches the notification webhook once a week, Monday from 09:00, with counts
only (no name, no phone), through a real HTTP server standing in for Slack or Discord."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session

from bot.db import Storage, make_engine
from bot.ledger import customers, visits
from bot.ledger.service import Ledger
from bot.ledger.weekly import due, send_if_due
from tests.conftest import database_url

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, str]]]]:
    received: list[dict[str, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_due_on_monday_morning_once() -> None:
    monday_8 = datetime(2026, 11, 30, 8, 0, tzinfo=SEOUL)
    assert due(monday_8, None) is None
    assert due(monday_8 + timedelta(hours=1), None) == "2026-11-30"
    assert due(monday_8 + timedelta(hours=1), "2026-11-30") is None
    assert due(monday_8 + timedelta(days=3), "2026-11-23") == "2026-11-30"  # missed on Monday (server down): sent late, once


def test_the_summary_is_posted_once_with_counts_only(tmp_path: Path, webhook: tuple[str, list[dict[str, str]]]) -> None:
    url, received = webhook
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    ledger = Ledger(storage, "Asia/Seoul")
    now = datetime(2026, 11, 30, 10, 0, tzinfo=SEOUL)
    with Session(storage.engine) as s:
        for n, phone in enumerate(("010-1111-0001", "010-1111-0002")):
            who = customers.identify(s, [("phone", phone)], label=f"김손님{n}")
            assert who
            visits.add(s, who, now - timedelta(days=3), "pos", f"a{n}")
            if n:
                visits.add(s, who, now - timedelta(days=40), "pos", f"b{n}")
        s.commit()

    async def run() -> list[bool]:
        async with httpx.AsyncClient() as client:
            return [await send_if_due(ledger, url, "소담식당", client, now), await send_if_due(ledger, url, "소담식당", client, now)]

    assert asyncio.run(run()) == [True, False]
    assert len(received) == 1
    text = received[0]["text"]
    assert text.startswith("[단골] 소담식당 지난주 손님 2명 (새 손님 1명, 다시 온 손님 1명)") and received[0]["content"] == text
    assert "김손님" not in text and "010" not in text
