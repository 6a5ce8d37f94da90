"""How many scripted model answers reach the customer through a real server and KakaoTalk.

    .venv/bin/python bench/llm_guard.py tests/fixtures/llm/wrong.jsonl [--right tests/fixtures/llm/right.jsonl]
        [--knowledge tests/fixtures/llm/knowledge] [--now 2026-01-10T12:00:00+09:00] [-v]

For a table of wrong answers the figure that matters is how many reached a customer (the target is
0); for correct ones, how many were thrown away (the target is at most 2%). Prints counts by kind
and, with -v, every line on the wrong side of its target. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.llm_guard import Outcome, guard, load  # noqa: E402


def report(name: str, outcomes: list[Outcome], want_reached: bool, verbose: bool) -> None:
    """Wrong answers: how many reached a customer. Correct ones: how many the guard refused, and
    apart from those, how many were never asked of the model (allergy questions, handovers, flows)."""
    by_kind: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    offline = 0
    for o in outcomes:
        by_kind[o.line.kind] += 1
        if want_reached and not o.asked:
            offline += 1
        elif o.reached != want_reached:
            bad[o.line.kind] += 1
    total = sum(bad.values())
    if want_reached:
        asked = len(outcomes) - offline
        print(f"{name}: {total}/{asked} refused by the guard ({100 * total / max(1, asked):.1f}%); "
              f"{offline} more answered offline by design (model not asked)")
    else:
        print(f"{name}: {total}/{len(outcomes)} reached the customer ({100 * total / max(1, len(outcomes)):.1f}%)")
    for kind in sorted(by_kind):
        print(f"  {kind:16} {bad[kind]:3}/{by_kind[kind]}")
    if verbose:
        for o in outcomes:
            routed = want_reached and not o.asked
            if routed or o.reached != want_reached:
                label = "offline by design" if routed else "refused" if want_reached else "REACHED"
                print(f"  {o.line.id} [{label}] {o.line.question} | model: {o.line.model_answer} | customer read: {o.reply[:160]!r}")


def speed(knowledge: Path, now: str, lines: list) -> None:  # type: ignore[type-arg]
    """Rendering and checking alone, in this process, over the same lines three times (no model, no HTTP)."""
    import statistics
    import tempfile
    import time
    from datetime import datetime

    from bot.kb.base import KnowledgeBase
    from bot.llm import prompt, references
    from bot.llm.guard import Guard
    from bot.settings import RetrievalSettings
    from skills.llm import english

    with tempfile.TemporaryDirectory() as index:
        kb = KnowledgeBase(knowledge, Path(index), RetrievalSettings())
        kb.reload()
        snap = kb.snapshot
        guard = Guard(snap.knowledge, prompt.instruction_lines())
        today = datetime.fromisoformat(now).date()
        took = []
        for line in lines * 3:
            t0 = time.perf_counter()
            try:
                r = references.Renderer(snap.knowledge, today, english=english(line.question)).render(line.model_answer)
                guard.check(line.model_answer, line.question, r.refs, lambda t: [m.item for m in snap.menu.find(t)], today)
            except references.Unfillable:
                pass
            took.append((time.perf_counter() - t0) * 1000)
    took.sort()
    print(f"render + guard per answer over {len(took)}: p50 {statistics.median(took):.2f} ms, "
          f"p99 {took[int(0.99 * (len(took) - 1))]:.2f} ms, max {took[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("wrong", type=Path)
    parser.add_argument("--right", type=Path)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "tests/fixtures/llm/knowledge")
    parser.add_argument("--now", default="2026-01-10T12:00:00+09:00")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    with guard(args.knowledge, args.now) as g:
        report(args.wrong.name, [g.ask(line) for line in load(args.wrong)], False, args.verbose)
        if args.right:
            report(args.right.name, [g.ask(line) for line in load(args.right)], True, args.verbose)
    speed(args.knowledge, args.now, load(args.wrong) + (load(args.right) if args.right else []))


if __name__ == "__main__":
    main()
