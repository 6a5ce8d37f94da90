"""Time from a Kakao request to the server's acknowledgement when the answer is slow (a model that
takes longer than Kakao allows): the ack must leave well inside Kakao's 5 s, with room for the
network. Prints p50/p99/max over the requests; asserts nothing.

    .venv/bin/python bench/kakao_ack.py [--requests 50] [--concurrency 5] [--slow 6] [--model]

A real uvicorn process on 127.0.0.1 runs the real app with one deliberately slow skill
(tests/support/slow_app.py), or with `--model` the real `danggol serve` with a configured model
that takes `--slow` seconds to answer (the fake OpenAI-compatible server of tests/support/fake_llm.py);
each request carries a callback URL to a local receiver, so the server answers with the callback
acknowledgement at `kakao.deadline_s`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import DEMO  # noqa: E402
from tests.support.fake_llm import FakeLLM, reply  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402
from tests.test_kakao_live import HEADERS, SECRET, Receiver, payload  # noqa: E402

QUESTIONS = {"model": "주차는 어디에 하면 돼요?", "skill": "천천히 알려 주세요"}  # the slow skill answers 천천히 only


async def measure(base: str, receiver: Receiver, n: int, concurrency: int, question: str) -> list[float]:
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=10) as client:
        async def one(i: int) -> float:
            async with gate:
                t0 = time.perf_counter()
                r = await client.post(f"{base}/kakao/skill", json=payload(question, f"ack-{i}", callback=receiver.url(f"t{i}")),
                                      headers=HEADERS)
                took = time.perf_counter() - t0
                assert r.status_code == 200 and r.json().get("useCallback") is True, r.text
                return took
        return list(await asyncio.gather(*(one(i) for i in range(n))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--slow", type=float, default=6.0, help="seconds the slow answer takes")
    parser.add_argument("--model", action="store_true", help="a slow model instead of a slow skill")
    args = parser.parse_args()
    receiver = Receiver()
    common = {"DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_KAKAO__ALLOW_LOOPBACK_CALLBACK": "true"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.model:
            with FakeLLM(default=reply("주차는 이렇게 안내해 드려요.", delay_s=args.slow)) as llm, live_server(
                    DEMO, Path(tmp), DANGGOL_LLM__PROVIDER="openai", DANGGOL_LLM__MODEL="slow-model", DANGGOL_LLM__BASE_URL=llm.base_url,
                    DANGGOL_LLM_API_KEY="sk-bench", DANGGOL_LLM__TIMEOUT_S=str(args.slow + 5), **common) as (base, _, _):
                times = sorted(asyncio.run(measure(base, receiver, args.requests, args.concurrency, QUESTIONS["model"])))
        else:
            with live_server(DEMO, Path(tmp), app="tests.support.slow_app:app", SLOW_SECONDS=str(args.slow), **common) as (base, _, _):
                times = sorted(asyncio.run(measure(base, receiver, args.requests, args.concurrency, QUESTIONS["skill"])))
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(f"{len(times)} requests with a slow {'model' if args.model else 'skill'}, {args.concurrency} at a time: ack after p50 {statistics.median(times):.3f} s, "
          f"p99 {p99:.3f} s, max {times[-1]:.3f} s (Kakao gives up at 5 s); slowest five: {', '.join(f'{t:.3f}' for t in times[-5:])}")


if __name__ == "__main__":
    main()
