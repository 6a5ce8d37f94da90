"""Play every booking-conversation set and print how many ended right: the database end state
and the first refusal's reason (tests/support/dialogues.py grades them).

    .venv/bin/python bench/bookings.py                 # every set under tests/fixtures/bookings
    .venv/bin/python bench/bookings.py cafe -v         # one set, printing every wrong conversation
    .venv/bin/python bench/bookings.py --dir /path/set # a set kept outside the repository

Written by people who never read the bot's code; docs/decisions.md says which sets have steered a
change (training data) and which are still untouched. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.dialogues import play_set  # noqa: E402  (one grader for the tests and these figures)

SETS = ROOT / "tests" / "fixtures" / "bookings"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*")
    parser.add_argument("--dir", action="append", default=[])
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    folders = [Path(d) for d in args.dir] + [SETS / s for s in args.sets]
    if not folders:
        folders = sorted(p for p in SETS.iterdir() if (p / "conversations.jsonl").exists())
    total = Counter()
    for folder in folders:
        t0 = time.perf_counter()
        outcomes = play_set(folder)
        took = time.perf_counter() - t0
        n = len(outcomes)
        state = sum(o.state_ok for o in outcomes)
        reason = sum(o.reason_ok for o in outcomes)
        total.update(n=n, state=state, reason=reason)
        kinds: Counter[str] = Counter()
        wrong: Counter[str] = Counter()
        for o in outcomes:
            kinds[o.kind] += 1
            wrong[o.kind] += not o.state_ok
        by_kind = ", ".join(f"{k} {kinds[k] - wrong[k]}/{kinds[k]}" for k in sorted(kinds))
        print(f"{folder.name}: end state {state}/{n} ({state / n:.1%}), with the right reason {reason}/{n} ({reason / n:.1%}) "
              f"in {took:.1f} s\n   {by_kind}")
        if args.v:
            for o in outcomes:
                if not o.reason_ok:
                    print(o.report())
    if len(folders) > 1:
        n = total["n"]
        print(f"all: end state {total['state']}/{n} ({total['state'] / n:.1%}), right reason {total['reason']}/{n} ({total['reason'] / n:.1%})")


if __name__ == "__main__":
    main()
