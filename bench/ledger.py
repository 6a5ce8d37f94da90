"""The customer ledger's speed: a POS export of 10,000 rows imported (and imported again: nothing
added), and the customers' picture (every profile, segment and chart) for 5,000 customers and
50,000 visits, on SQLite and PostgreSQL. Prints its figures; targets: import under 5 s, picture
under 300 ms p95.

    .venv/bin/python bench/ledger.py [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import re  # noqa: E402

import httpx  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.db import Customer, Identity, Storage, Visit, make_engine  # noqa: E402
from bot.ledger import pos, visits  # noqa: E402
from bot.ledger.report import picture  # noqa: E402
from bot.staff.auth import add_staff  # noqa: E402
from tests.conftest import (  # noqa: E402
    DEMO,  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
)
from tests.support.live_server import live_server  # noqa: E402

TODAY = date(2026, 12, 1)


def pos_export(rows: int, r: random.Random) -> bytes:
    lines = ["거래일시,휴대폰,결제금액,상품명,영수증번호"]
    for i in range(rows):
        at = datetime(2026, 6, 1, 9) + timedelta(minutes=r.randint(0, 180 * 24 * 60))
        lines.append(f"{at:%Y-%m-%d %H:%M:%S},010-{r.randint(1000, 1999)}-{r.randint(1000, 9999)},\"{r.randint(4, 40) * 500:,}\","
                     f"아메리카노,{900000 + i}")
    return ("\r\n".join(lines) + "\r\n").encode("cp949")


def seed(storage: Storage, customers: int, per: int, r: random.Random) -> None:
    """Customers and visits written straight into the tables (the import path is measured separately)."""
    with storage.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), [{"id": i + 1, "label": "", "pseudonym": f"{i:016x}", "note": "",  # type: ignore[attr-defined]
                                                   "created_at": datetime.now(UTC)} for i in range(customers)])
        conn.execute(insert(Identity.__table__), [{"customer_id": i + 1, "kind": "phone", "value": f"010{i:08d}", "manual": False,  # type: ignore[attr-defined]
                                                   "created_at": datetime.now(UTC)} for i in range(customers)])
        rows = []
        for i in range(customers):
            gap = r.choice([3, 7, 14, 30, 60])
            last = r.randint(0, 120)
            for n in range(per):
                at = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) - timedelta(days=last + n * gap, hours=r.randint(0, 12))
                rows.append({"customer_id": i + 1, "at": at, "source": "pos", "kind": "visit", "ref": f"s{i}-{n}", "party": r.randint(1, 4),
                             "amount": 9000, "items": ["아메리카노"], "created_at": at})
            if len(rows) > 10_000:
                conn.execute(insert(Visit.__table__), rows)  # type: ignore[attr-defined]
                rows = []
        if rows:
            conn.execute(insert(Visit.__table__), rows)  # type: ignore[attr-defined]
        if storage.engine.dialect.name == "postgresql":
            for table in ("customer", "identity", "visit"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def pages(url: str, tmp: Path, requests: int, db: str) -> None:
    """The console's customer pages on a real server: the first view computes the picture, later ones
    reuse it until the ledger changes."""
    with live_server(DEMO, tmp, DANGGOL_DATABASE__URL=url, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        client = httpx.Client(base_url=base, timeout=60)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/login").text)[1]  # type: ignore[index]
        client.post("/staff/login", data={"name": "벤치", "password": "bench password 1", "csrf": token})
        for name, path in (("customers", "/staff/customers"), ("segment", "/staff/customers/segment/weekly"), ("customer", "/staff/customers/c/17")):
            t0 = time.perf_counter()
            assert client.get(path).status_code == 200, path
            first = (time.perf_counter() - t0) * 1000
            took = []
            for _ in range(requests):
                t0 = time.perf_counter()
                assert client.get(path).status_code == 200
                took.append((time.perf_counter() - t0) * 1000)
            took.sort()
            p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
            print(f"{db}: page {name:9} first view {first:6.0f} ms, then p50 {statistics.median(took):5.0f} ms, p95 {p95:5.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--visits", type=int, default=10, help="visits per customer")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    r = random.Random(3)
    export = pos_export(args.rows, r)
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{Path(scratch) / 'ledger.db'}" if db == "sqlite" else create_postgres_database("danggol_bench")
            try:
                storage = Storage(make_engine(url, Path(scratch)))
                t0 = time.perf_counter()
                parsed = pos.parse("pos.csv", export, "Asia/Seoul")
                parsed_s = time.perf_counter() - t0
                with Session(storage.engine) as s:
                    first = visits.import_pos(s, parsed)
                    s.commit()
                imported_s = time.perf_counter() - t0
                t1 = time.perf_counter()
                with Session(storage.engine) as s:
                    again = visits.import_pos(s, pos.parse("pos.csv", export, "Asia/Seoul"))
                    s.commit()
                again_s = time.perf_counter() - t1
                print(f"{db}: POS import of {args.rows:,} rows: {imported_s:.2f} s (parse {parsed_s:.2f} s), {first.added:,} visits, "
                      f"{first.new_customers:,} customers; again {again_s:.2f} s, {again.added} added, {again.already:,} already there")
                storage.engine.dispose()
            finally:
                if db != "sqlite":
                    drop_postgres_database(url)
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{Path(scratch) / 'ledger.db'}" if db == "sqlite" else create_postgres_database("danggol_bench")
            try:
                storage = Storage(make_engine(url, Path(scratch)))
                seed(storage, args.customers, args.visits, r)
                took = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    p = picture(storage, "Asia/Seoul", today=TODAY)
                    took.append((time.perf_counter() - t0) * 1000)
                took.sort()
                p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
                print(f"{db}: picture of {p.customers:,} customers, {args.customers * args.visits:,} visits, computed afresh: "
                      f"p50 {statistics.median(took):.0f} ms, p95 {p95:.0f} ms")
                add_staff(storage, "벤치", "bench password 1")
                storage.engine.dispose()
                pages(url, Path(scratch), args.requests, db)
            finally:
                if db != "sqlite":
                    drop_postgres_database(url)


if __name__ == "__main__":
    main()
