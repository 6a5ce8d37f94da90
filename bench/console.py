"""The staff console's pages with a big history: 5,000 conversations and 50,000 messages (150 chats
handed over, 500 questions the bot could not answer), on SQLite and on PostgreSQL. Prints p50/p95
per page over the requests; asserts nothing. The issue's target is p95 under 300 ms.

    .venv/bin/python bench/console.py [--conversations 5000] [--messages 10] [--requests 30] [--db sqlite,postgres]

A real `danggol serve` on 127.0.0.1 with the demo shop; the rows are written straight into the
database the server then opens (PostgreSQL: a fresh database at 127.0.0.1:5432, dropped after).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.db import Conversation, Handoff, Message, Storage, make_engine  # noqa: E402
from bot.staff.auth import add_staff  # noqa: E402
from tests.conftest import DEMO, create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

PASSWORD = "bench password 123"
WORDS = ["주차 돼요?", "몇 시까지 해요?", "김치찌개 얼마예요?", "예약하고 싶어요", "포장 되나요?", "영어 메뉴판 있어요?", "아이 의자 있어요?",
         "네 감사합니다", "콜키지 돼요?", "사장님 바꿔 주세요"]
# Questions the bot misses, all different, so the unanswered page has many groups to probe.
THINGS = ["콘센트", "유아 변기", "담요", "우산", "보조배터리", "돋보기", "물티슈", "이쑤시개", "가위", "앞치마", "머리끈", "빨대", "얼음컵",
          "텀블러", "방석", "무릎담요", "손거울", "충전기", "생수", "수면양말"]
PLACES = ["창가", "입구", "룸", "카운터", "화장실 앞", "테라스", "2층", "주방 옆", "계산대", "대기석"]


def seed(url: str, tmp: Path, conversations: int, per: int) -> None:
    engine = make_engine(url, tmp)
    start = datetime.now(UTC) - timedelta(days=60)
    with engine.begin() as conn:
        conv_rows = []
        for i in range(conversations):
            at = start + timedelta(minutes=17 * i)
            handed = i % 33 == 0
            conv_rows.append({"id": i + 1, "channel": "kakao" if i % 3 else "naver", "user_key": f"bench-{i:06d}", "created_at": at,
                              "updated_at": at + timedelta(minutes=per), "state": {}, "handoff": "waiting" if handed else "bot",
                              "handoff_at": at if handed else None, "staff": "", "misses": 0, "note": ""})
        conn.execute(insert(Conversation.__table__), conv_rows)  # type: ignore[attr-defined]
        msg_rows = []
        mid = 0
        for i in range(conversations):
            at = start + timedelta(minutes=17 * i)
            for j in range(per):
                mid += 1
                inbound = j % 2 == 0
                unknown = not inbound and i % 10 == 0 and j == 1
                missed = inbound and i % 10 == 0 and j == 0
                text = f"{PLACES[i // 10 % len(PLACES)]}에 {THINGS[i // 100 % len(THINGS)]} 빌릴 수 있어요?" if missed else WORDS[(i + j) % len(WORDS)]
                msg_rows.append({"id": mid, "conversation_id": i + 1, "direction": "in" if inbound else "out",
                                 "author": "customer" if inbound else "bot", "delivered": True,
                                 "text": text if inbound else "네, 안내해 드릴게요.",
                                 "intent": None if inbound else ("unknown" if unknown else "faq"), "payload": None, "meta": None,
                                 "created_at": at + timedelta(minutes=j)})
            if len(msg_rows) >= 5000:
                conn.execute(insert(Message.__table__), msg_rows)  # type: ignore[attr-defined]
                msg_rows = []
        if msg_rows:
            conn.execute(insert(Message.__table__), msg_rows)  # type: ignore[attr-defined]
        conn.execute(insert(Handoff.__table__), [  # type: ignore[attr-defined]
            {"conversation_id": i + 1, "reason": "사장님 바꿔 주세요", "trigger": "request", "status": "waiting", "claimed_by": "",
             "created_at": start + timedelta(minutes=17 * i)} for i in range(conversations) if i % 33 == 0])
        if engine.dialect.name == "postgresql":
            for table in ("conversation", "message"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    add_staff(Storage(engine), "벤치", PASSWORD)
    engine.dispose()


def measure(base: str, requests: int, conversations: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/login").text)[1]  # type: ignore[index]
    client.post("/staff/login", data={"name": "벤치", "password": PASSWORD, "csrf": token})
    pages = {"queue": "/staff", "queue api": "/staff/api/queue", "conversation": f"/staff/c/{conversations - 49}", "history": "/staff/history",
             "history search": "/staff/history?q=콜키지&handed=no", "unanswered": "/staff/unanswered",
             "reservations": "/staff/reservations", "knowledge": "/staff/knowledge", "dashboard": "/staff/dashboard",
             "more": "/staff/more"}
    took: dict[str, list[float]] = {name: [] for name in pages}
    first: dict[str, float] = {}
    for name, path in pages.items():
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled (the unanswered page's probes)
        first[name] = (time.perf_counter() - t0) * 1000
        for _ in range(requests):
            t0 = time.perf_counter()
            r = client.get(path)
            took[name].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, path
    return took, first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=10, help="messages per conversation")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    args = parser.parse_args()
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            tmp = Path(scratch)
            url = f"sqlite:///{tmp / 'danggol.db'}" if db == "sqlite" else create_postgres_database("danggol_bench")
            try:
                t0 = time.perf_counter()
                seed(url, tmp, args.conversations, args.messages)
                seeded = time.perf_counter() - t0
                with live_server(DEMO, tmp, DANGGOL_DATABASE__URL=url, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
                    took, first = measure(base, args.requests, args.conversations)
            finally:
                if db != "sqlite":
                    drop_postgres_database(url)
        print(f"{db}: {args.conversations} conversations, {args.conversations * args.messages} messages (seeded in {seeded:.1f} s)")
        for name, values in took.items():
            values.sort()
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            print(f"  {name:15} p50 {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms"
                  f"  (first view {first[name]:6.1f} ms)")


if __name__ == "__main__":
    main()
