"""Reviews' speed and quality: the analyser per review (Kiwi morphemes, lexicon, urgent flags), the
paste parsers per platform dump, and importing 1,000 pasted reviews into the database; plus the
labelled sets' scores (sentiment macro-F1, urgent recall and precision on each safety subset).
Prints its figures; targets: analysis under 5 ms per review p95, an import of 1,000 under 10 s.

    .venv/bin/python bench/reviews.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import Storage, make_engine  # noqa: E402
from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.reviews import paste  # noqa: E402
from bot.reviews.analysis import analyse  # noqa: E402
from bot.reviews.service import Reviews  # noqa: E402
from bot.settings import RetrievalSettings  # noqa: E402
from tests.conftest import DEMO  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "fixtures" / "reviews" / "labelled"
PASTES = ROOT / "tests" / "fixtures" / "reviews" / "paste"


def scores() -> None:
    for f in sorted(LABELLED.glob("*.jsonl")):
        rows = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        analysed = [analyse(r["text"], r["rating"]) for r in rows]
        got = [a.sentiment for a in analysed]
        flagged = {r["id"]: bool(a.urgent) for r, a in zip(rows, analysed, strict=True)}
        f1 = []
        for label in ("positive", "neutral", "negative"):
            tp = sum(g == p == label for g, p in zip((r["sentiment"] for r in rows), got, strict=True))
            fp = sum(p == label != r["sentiment"] for r, p in zip(rows, got, strict=True))
            fn = sum(r["sentiment"] == label != p for r, p in zip(rows, got, strict=True))
            pr, rc = (tp / (tp + fp) if tp + fp else 0), (tp / (tp + fn) if tp + fn else 0)
            f1.append(2 * pr * rc / (pr + rc) if pr + rc else 0)
        safety = [r for r in rows if r["safety"]]
        tp = sum(bool(r["urgent"]) and flagged[r["id"]] for r in safety)
        fp = sum(not r["urgent"] and flagged[r["id"]] for r in safety)
        fn = sum(bool(r["urgent"]) and not flagged[r["id"]] for r in safety)
        print(f"{f.stem}: {len(rows)} reviews, sentiment macro-F1 {sum(f1) / 3:.3f}; urgent on {len(safety)}: "
              f"recall {tp / max(1, tp + fn):.3f}, precision {tp / max(1, tp + fp):.3f}")


def speed() -> None:
    rows = [json.loads(line) for f in sorted(LABELLED.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    analyse("워밍업", None)
    times = []
    for r in rows:
        t0 = time.perf_counter()
        analyse(r["text"], r["rating"])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"analysis: p50 {times[len(times) // 2]:.2f} ms, p95 {times[int(len(times) * .95)]:.2f} ms over {len(times)} reviews")
    dumps = sorted(PASTES.glob("*.txt"))
    t0 = time.perf_counter()
    for d in dumps:
        paste.parse(d.read_text(encoding="utf-8"), None, date(2026, 12, 1))
    print(f"paste parsing: {(time.perf_counter() - t0) / len(dumps) * 1000:.1f} ms per dump ({len(dumps)} dumps)")


async def import_figures() -> None:
    kb = KnowledgeBase(DEMO, Path(tempfile.mkdtemp()) / "index", RetrievalSettings())
    kb.reload()
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage(make_engine(f"sqlite:///{tmp}/r.db", Path(tmp)))
        reviews = Reviews(storage, lambda: kb.snapshot.knowledge, lambda: kb.snapshot.menu)
        rows = [json.loads(line) for f in sorted(LABELLED.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines = ["플랫폼,작성자,날짜,별점,내용,사장님 답글,메뉴"]
        for i in range(1000):
            r = rows[i % len(rows)]
            text = r["text"].replace('"', "'").replace("\n", " ")
            lines.append(f'{r["platform"]},손님{i},2026-11-{1 + i % 28:02d},{r["rating"] or ""},"{text}",,')
        data = "\n".join(lines).encode("utf-8")
        t0 = time.perf_counter()
        result = await reviews.import_table("reviews.csv", data)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = await reviews.import_table("reviews.csv", data)
        second = time.perf_counter() - t0
        t0 = time.perf_counter()
        await reviews.trends()
        trend_ms = (time.perf_counter() - t0) * 1000
        print(f"import of 1,000 (SQLite): {first:.2f} s ({result.added} added, {len(result.urgent)} urgent); again {second:.2f} s "
              f"({again.duplicates} duplicates); trends {trend_ms:.0f} ms")


if __name__ == "__main__":
    scores()
    speed()
    asyncio.run(import_figures())
