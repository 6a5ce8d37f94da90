"""A soak test: mixed Kakao traffic at a steady rate on one server process for a long time.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 20] [--database URL]

The server is a real `danggol serve` (offline mode) on 127.0.0.1; the traffic is what a busy
shop sees: questions (about 70 %), whole bookings over several turns (about 20 %) and requests
for a person (about 10 %), each from its own customer. Prints the request count, errors,
p50/p99 latency per kind, and the server's resident memory after the warm-up and at the end
(target: no growth beyond 10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import live_server  # noqa: E402

SECRET = "soak-secret"
QUESTIONS = ["주차 되나요?", "김찌 얼마에요?", "지금 영업해요?", "매운 거 못 먹는데 추천해 주세요", "와이파이 비번 뭐예요", "아기 의자 있어요?",
             "술 가져가도 되나요", "메뉴 보여 주세요", "포장 돼요?", "콜키지 얼마예요?", "감사합니다", "우주선 주차 되나요?"]
HANDOFF = ["사장님이랑 통화하고 싶어요", "음식에서 머리카락 나왔어요", "직원 연결해 주세요"]


def payload(user: str, text: str) -> dict:  # type: ignore[type-arg]
    return {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}, "params": {"surface": "Kakaotalk.plusfriend"}},
            "bot": {"id": "soak"}, "action": {"params": {}, "clientExtra": None}}


def booking_lines(rng: random.Random, n: int) -> list[str]:
    when = f"{rng.choice(['내일', '모레', '다음 주 금요일', '이번 주 토요일'])} {rng.choice(['낮 12시', '오후 1시', '저녁 6시', '저녁 7시', '저녁 8시'])}"
    return [f"{when} {rng.randint(2, 4)}명 예약할게요", f"손님{n}", "없음", rng.choice(["예", "아니오"])]


async def run(base: str, minutes: float, rate: float, seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    end = time.monotonic() + minutes * 60
    users = iter(range(10**9))
    async with httpx.AsyncClient(base_url=base, headers={"X-Danggol-Secret": SECRET}, timeout=10,
                                 limits=httpx.Limits(max_connections=64)) as client:

        async def say(kind: str, user: str, text: str) -> None:
            t0 = time.perf_counter()
            try:
                r = await client.post("/kakao/skill", json=payload(user, text))
                if r.status_code != 200:
                    errors.append(f"HTTP {r.status_code}")
            except httpx.HTTPError as e:
                errors.append(type(e).__name__)
            latencies[kind].append((time.perf_counter() - t0) * 1000)

        async def customer() -> None:
            n = next(users)
            pick = rng.random()
            if pick < 0.7:
                await say("question", f"q-{n}", rng.choice(QUESTIONS))
            elif pick < 0.9:
                for line in booking_lines(rng, n):
                    await say("booking", f"b-{n}", line)
                    await asyncio.sleep(0.2)  # a person reading and typing
            else:
                await say("handoff", f"h-{n}", rng.choice(HANDOFF))
                await asyncio.sleep(0.2)
                await say("handoff", f"h-{n}", "네 기다릴게요")

        tasks: set[asyncio.Task[None]] = set()
        # Customers arrive at a steady rate chosen so that requests average `rate` per second.
        per_customer = 0.7 * 1 + 0.2 * 4 + 0.1 * 2
        interval = per_customer / rate
        next_at = time.monotonic()
        while time.monotonic() < end:
            task = asyncio.create_task(customer())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if tasks:
            await asyncio.wait(tasks)
    latencies["errors"] = [float(len(errors))]
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--database", default="", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="danggol-soak-"))
    env = {"DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_SERVER__LOG_LEVEL": "warning"}
    if args.database:
        env["DANGGOL_DATABASE__URL"] = args.database
    with live_server(ROOT / "knowledge", tmp, **env) as (base, proc, ready):
        server = psutil.Process(proc.pid)
        warm = asyncio.run(run(base, 0.5, args.rate, args.seed + 1))  # 30 s of warm-up: caches and arenas settle
        rss_start = server.memory_info().rss / 2**20
        t0 = time.monotonic()
        result = asyncio.run(run(base, args.minutes, args.rate, args.seed))
        elapsed = time.monotonic() - t0
        rss_end = server.memory_info().rss / 2**20
    errors = int(result.pop("errors")[0]) + int(warm.pop("errors")[0])
    total = sum(len(v) for v in result.values())
    print(f"soak: {args.minutes:g} min at a target of {args.rate:g} requests/s on one process (ready in {ready:.1f} s)")
    print(f"  requests: {total} ({total / elapsed:.1f}/s), errors: {errors}")
    for kind, values in sorted(result.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"  {kind:9s} n={len(values):6d}  p50 {statistics.median(values):6.1f} ms  p99 {p99:6.1f} ms")
    growth = (rss_end - rss_start) / rss_start * 100
    print(f"  memory: {rss_start:.0f} MB after warm-up, {rss_end:.0f} MB at the end ({growth:+.1f} %; target under +10 %)")
    return 0 if errors == 0 and growth < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
