"""Outreach's speed: the 수신거부 check on every customer message (it runs before anything else in
the Inbox), a campaign's preview over 5,000 customers (audience, gate, routes, cost), and sending
2,000 recipients through the Kakao Event API route against the local fake (batches of 100).
Prints its figures; targets: the opt-out check under 1 ms p99, a preview under 1 s, sending
2,000 under 10 s on SQLite.

    .venv/bin/python bench/outreach.py [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.channels.kakao import KakaoEventBroadcast  # noqa: E402
from bot.db import Consent, Customer, Identity, Storage, Visit, make_engine  # noqa: E402
from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.ledger.service import Ledger  # noqa: E402
from bot.outreach.optout import is_optout  # noqa: E402
from bot.outreach.routes import EventApiRoute  # noqa: E402
from bot.outreach.service import Outreach  # noqa: E402
from bot.settings import KakaoSettings, OutreachSettings, RetrievalSettings  # noqa: E402
from tests.conftest import DEMO, create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.fake_kakao_events import FakeKakaoEvents  # noqa: E402

NOW = datetime(2026, 12, 8, 14, 0)
MESSAGES = ["주차 돼요?", "내일 7시에 4명 예약 가능할까요", "광고 그만 보내세요", "김치찌개 얼마예요", "수신거부", "카드가 거부됐어요",
            "예약 문자 안 왔어요 확인 부탁드려요", "아이랑 가도 되나요? 유아 의자 있나요"]


def optout_figures() -> None:
    r = random.Random(1)
    texts = [r.choice(MESSAGES) + r.choice(["", "!", " ㅎㅎ", "요", " 부탁드려요"]) for _ in range(20000)]
    times = []
    for t in texts:
        t0 = time.perf_counter()
        is_optout(t)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"opt-out check: p50 {times[len(times) // 2] * 1000:.0f} µs, p99 {times[int(len(times) * .99)] * 1000:.0f} µs over {len(times)} messages")


def seed(storage: Storage, n: int, dormant: int) -> None:
    """`n` customers with a Kakao user, a phone and a consent; `dormant` of them last came 90 days ago."""
    now = datetime.now(UTC)
    with storage.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), [{"id": i + 1, "label": "", "pseudonym": f"{i:016x}", "note": "", "created_at": now}  # type: ignore[attr-defined]
                                                  for i in range(n)])
        conn.execute(insert(Identity.__table__), [{"customer_id": i + 1, "kind": kind, "value": value, "manual": False, "created_at": now}  # type: ignore[attr-defined]
                                                  for i in range(n) for kind, value in (("phone", f"010{i:08d}"), ("kakao", f"user-{i}"))])
        conn.execute(insert(Visit.__table__), [{"customer_id": i + 1, "at": (NOW - timedelta(days=90 if i < dormant else 5)).replace(tzinfo=UTC),  # type: ignore[attr-defined]
                                                "source": "staff", "kind": "visit", "ref": f"v{i}", "items": [], "created_at": now}
                                               for i in range(n)])
        conn.execute(insert(Consent.__table__), [{"customer_id": i + 1, "channel": "kakao", "user_key": f"user-{i}", "status": "granted",  # type: ignore[attr-defined]
                                                  "words": "받을게요", "wording": "v1", "adult": True, "adult_source": "asked",
                                                  "granted_at": now - timedelta(days=30), "updated_at": now} for i in range(n) if i % 4])


async def campaign_figures(url: str, folder: Path, kb: KnowledgeBase) -> None:
    storage = Storage(make_engine(url, folder))
    seed(storage, 5000, 2700)
    fake = FakeKakaoEvents()
    try:
        settings = KakaoSettings(event_name=fake.event, event_bot_id="b", event_rest_key=SecretStr(fake.key),
                                 event_api_url=fake.talk_url, event_task_url=fake.task_url)
        outreach = Outreach(storage, OutreachSettings(holdout_percent=0), lambda: kb.snapshot.knowledge.store, Ledger(storage, "Asia/Seoul"),
                            {}, clock=lambda: NOW)
        outreach.routes["event_api"] = EventApiRoute(KakaoEventBroadcast(settings, httpx.AsyncClient(timeout=10)), 15, outreach.sender)
        campaign = await outreach.draft("dormant_2m", "오랜만이에요!", "", "", 0, "bench")
        times = []
        for _ in range(5):
            outreach.ledger._picture = None  # a preview after the ledger changed: the picture is made again
            t0 = time.perf_counter()
            preview = await outreach.preview(campaign)
            times.append(time.perf_counter() - t0)
        assert preview is not None
        print(f"  preview of 5,000 customers ({preview.picked} picked, {preview.eligible} to send): "
              f"first {times[0] * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")
        t0 = time.perf_counter()
        await outreach.approve(campaign, "bench")
        approve_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(10):
            if not await outreach.send_due() and not await storage.call(outreach._pending):
                break
        send_s = time.perf_counter() - t0
        got = fake.received_per_user()
        print(f"  approve {approve_s * 1000:.0f} ms; sent {len(got)} through the Event API in {len(fake.calls)} calls, "
              f"{send_s:.2f} s, nobody twice: {max(got.values()) == 1}")
    finally:
        fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgres")
    args = parser.parse_args()
    optout_figures()
    kb = KnowledgeBase(DEMO, Path(tempfile.mkdtemp()) / "index", RetrievalSettings())
    kb.reload()
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            print(db)
            if db == "postgres":
                url = create_postgres_database()
                try:
                    asyncio.run(campaign_figures(url, Path(tmp), kb))
                finally:
                    drop_postgres_database(url)
            else:
                asyncio.run(campaign_figures(f"sqlite:///{tmp}/b.db", Path(tmp), kb))


if __name__ == "__main__":
    main()
