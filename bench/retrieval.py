"""Retrieval and server figures: query latency, index build time, start-to-ready, resident memory,
and what each tokenizer choice costs in accuracy, speed and memory.

    .venv/bin/python bench/retrieval.py            # everything (about two minutes)
    .venv/bin/python bench/retrieval.py --skip-tokenizers

Prints figures; asserts nothing. Targets (issue 2): p99 < 20 ms, 1,000-FAQ build < 5 s,
ready < 5 s, memory < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval" / "cafe"
TOKENIZERS = {
    "kiwi, extra dictionaries off (default)": {"DANGGOL_RETRIEVAL__TOKENIZER": "kiwi"},
    "kiwi + noun dictionary": {"DANGGOL_RETRIEVAL__TOKENIZER": "kiwi", "DANGGOL_RETRIEVAL__KIWI_DEFAULT_DICT": "true"},
    "kiwi + noun + multi-word dictionaries": {"DANGGOL_RETRIEVAL__TOKENIZER": "kiwi", "DANGGOL_RETRIEVAL__KIWI_DEFAULT_DICT": "true",
                                              "DANGGOL_RETRIEVAL__KIWI_MULTI_DICT": "true"},
    "character bigrams only": {"DANGGOL_RETRIEVAL__TOKENIZER": "ngram"},
}


def rss_mb(pid: int | None = None) -> float:
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def questions() -> list[str]:
    path = EVAL / "questions.jsonl" if EVAL.exists() else ROOT / "tests" / "fixtures" / "eval" / "demo" / "questions.jsonl"
    return [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure_queries(knowledge: Path) -> dict[str, float]:
    """Latency of retrieval (analysis + FAQ and menu search) and of a whole engine answer."""
    import asyncio
    from datetime import datetime

    from bot.engine import Engine
    from bot.kb.base import KnowledgeBase
    from bot.messages import Turn
    from bot.settings import load_settings

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(knowledge, Path(tmp), settings.retrieval)
        kb.reload()
        index, menu = kb.snapshot.index, kb.snapshot.menu
        qs = questions()
        for q in qs[:20]:  # warm caches
            index.search(index.query(q), "faq", 8)
        retrieval = []
        for q in qs * 3:
            t0 = time.perf_counter()
            index.search(index.query(q), "faq", 8)
            menu.find(q)
            retrieval.append((time.perf_counter() - t0) * 1000)
        engine = Engine(kb, settings.retrieval)
        asyncio.run(Engine(kb, settings.retrieval, counted=False).warm())  # as the server does before it reports ready
        now = datetime(2026, 11, 24, 14, 0)
        answers = []

        async def run() -> None:
            for n, q in enumerate(qs):
                t0 = time.perf_counter()
                await engine.respond(Turn(q, user_key=f"b{n}", now=now))
                answers.append((time.perf_counter() - t0) * 1000)

        asyncio.run(run())
    return {
        "retrieval_p50_ms": statistics.median(retrieval), "retrieval_p99_ms": pct(retrieval, 99),
        "answer_p50_ms": statistics.median(answers), "answer_p99_ms": pct(answers, 99), "rss_mb": rss_mb(),
    }


def generated_faqs(n: int) -> str:
    rng = random.Random(7)
    topics = ["주차", "와이파이", "포장", "배달", "예약", "단체", "반려동물", "아이", "결제", "영수증", "쿠폰", "화장실", "콘센트", "흡연",
              "휠체어", "분실물", "알레르기", "원두", "케이크", "웨이팅", "콜키지", "좌석", "룸", "주문", "환불", "리필", "맵기", "원산지"]
    verbs = ["되나요", "가능한가요", "있나요", "어떻게 하나요", "언제까지 되나요", "얼마인가요", "해 주시나요"]
    parts = ["# 생성된 FAQ", ""]
    for i in range(n):
        t1, t2 = rng.sample(topics, 2)
        parts += [f"## {t1} {t2} 관련 질문 {i}번 {rng.choice(verbs)}?", f"다른 표현: {t1} 문의 {i} | {t2} {rng.choice(verbs)}",
                  f"{t1}은(는) {rng.randint(1, 30)}시부터 가능하고, {t2}은(는) 카운터에 말씀해 주세요. 안내 번호 {i}.", ""]
    return "\n".join(parts)


def measure_build(n: int = 1000) -> dict[str, float]:
    """Index build for n generated FAQ entries, cold (empty vector store) and warm (all vectors reused)."""
    import shutil

    from bot.kb.base import KnowledgeBase
    from bot.settings import load_settings

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "knowledge"
        (root / "faq").mkdir(parents=True)
        shutil.copy(ROOT / "knowledge" / "store.toml", root / "store.toml")
        (root / "faq" / "generated.md").write_text(generated_faqs(n), encoding="utf-8")
        kb = KnowledgeBase(root, Path(tmp) / "index", settings.retrieval)
        kb.tokenizer.tokens("warm")
        t0 = time.perf_counter()
        kb.reload()
        cold = time.perf_counter() - t0
        again = KnowledgeBase(root, Path(tmp) / "index", settings.retrieval)
        t0 = time.perf_counter()
        again.reload()
        warm = time.perf_counter() - t0
    return {"faqs": n, "cold_build_s": cold, "warm_rebuild_s": warm}


def measure_server() -> dict[str, float]:
    """`danggol serve` from process start to /healthz, then RSS after answering every question once."""
    import httpx

    sys.path.insert(0, str(ROOT))
    from tests.support.live_server import live_server

    with tempfile.TemporaryDirectory() as tmp, live_server(ROOT / "knowledge", Path(tmp)) as (base, proc, ready):
        for q in questions():
            httpx.post(f"{base}/api/ask", json={"question": q}, timeout=10)
        return {"ready_s": ready, "rss_after_warmup_mb": rss_mb(proc.pid)}


def measure_tokenizer(env: dict[str, str]) -> dict[str, float | str]:
    """One tokenizer setup in a fresh process: cafe eval score, latency and memory."""
    environ = {**os.environ, **env}
    code = f"import json,sys; sys.path.insert(0, {str(ROOT)!r}); import bench.retrieval as b; print(json.dumps(b.measure_queries(b.EVAL / 'knowledge')))"
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True, cwd=ROOT)
    figures: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    score = subprocess.run(
        [sys.executable, str(EVAL.parent / "score.py"), "--set", str(EVAL), "--cmd", f"{sys.executable} -m bot"],
        env=environ, capture_output=True, text=True, cwd=ROOT,
    )
    figures["cafe_eval"] = score.stdout.strip().splitlines()[-1].removeprefix("score: ")
    return figures


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--skip-tokenizers", action="store_true")
    a = p.parse_args()
    knowledge = EVAL / "knowledge" if EVAL.exists() else ROOT / "knowledge"
    q = measure_queries(knowledge)
    print(f"queries ({len(questions())} cafe questions x3): retrieval p50 {q['retrieval_p50_ms']:.2f} ms, p99 {q['retrieval_p99_ms']:.2f} ms; "
          f"whole answer p50 {q['answer_p50_ms']:.2f} ms, p99 {q['answer_p99_ms']:.2f} ms")
    b = measure_build()
    print(f"index build, {b['faqs']:.0f} generated FAQs: cold {b['cold_build_s']:.2f} s, unchanged rebuild {b['warm_rebuild_s']:.2f} s")
    s = measure_server()
    print(f"server: start to ready {s['ready_s']:.2f} s, resident memory after warm-up {s['rss_after_warmup_mb']:.0f} MB")
    if not a.skip_tokenizers and EVAL.exists():
        print("\ntokenizer                                cafe eval        retrieval p50/p99 ms   answer p99 ms   RSS MB")
        for name, env in TOKENIZERS.items():
            t = measure_tokenizer(env)
            print(f"{name:<40} {t['cafe_eval']:<16} {t['retrieval_p50_ms']:.2f} / {t['retrieval_p99_ms']:.2f}"
                  f"            {t['answer_p99_ms']:.2f}          {t['rss_mb']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
