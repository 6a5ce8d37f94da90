"""FAQ matching on shops the bot has never seen, from a corpus of made-up shops' FAQ entries and
the ways customers ask them (`bench/data/pairs/*.jsonl`, written by people who saw only a brief).

    .venv/bin/python bench/faq_pairs.py                       # every writer's file
    .venv/bin/python bench/faq_pairs.py writer_1 --leave-out  # one file, and the "I don't know" test

Each shop becomes a knowledge folder holding only its FAQ (one file, `## heading` and answer) and
every message is asked as a first message, the way `danggol ask` answers. Figures:
- right: a FAQ answer from the entry the message was written for;
- wrong: a FAQ answer from another entry (a confident answer to another question);
- refused: unknown or a hand-over (honest, but the FAQ held the answer);
- other: another skill answered (store hours, bookings, the menu): the entry duplicated what the
  store file says, so neither right nor wrong here.
With `--leave-out`, each entry is also removed in turn and its messages asked again: then the shop
has no answer, and every FAQ answer is a wrong one. That measures the gate on unseen wordings.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.messages import Turn  # noqa: E402
from bot.settings import RetrievalSettings  # noqa: E402
from tests.support.stores import write_store  # noqa: E402  (one way to write a store for the tests and this bench)

PAIRS = ROOT / "bench" / "data" / "pairs"
NOON = datetime(2026, 11, 24, 12, 0)  # a Tuesday, open


@dataclass(frozen=True)
class Entry:
    shop: str
    heading: str
    answer: str
    asks: tuple[str, ...]


def read_corpus(names: list[str] | None = None, folder: Path = PAIRS) -> dict[str, list[list[Entry]]]:
    """writer -> shops -> entries, in file order; a heading repeated in one shop is kept once."""
    out: dict[str, list[list[Entry]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        if names and path.stem not in names:
            continue
        shops: dict[str, dict[str, Entry]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            heading = " ".join(str(row["heading"]).split()).lstrip("#").strip()
            asks = tuple(" ".join(str(a).split()) for a in row.get("asks", []) if str(a).strip())
            if heading and asks:
                shops.setdefault(row["shop"], {}).setdefault(heading, Entry(row["shop"], heading, " ".join(str(row["answer"]).split()), asks))
        out[path.stem] = [list(s.values()) for s in shops.values() if len(s) >= 3]
    return out


def write_shop(root: Path, entries: list[Entry]) -> Path:
    """The shop as a knowledge folder: the tests' plain store file and its FAQ, one `## ` entry each."""
    body = "# 자주 묻는 질문\n\n" + "".join(f"## {e.heading}\n{e.answer}\n\n" for e in entries)
    return write_store(root, faqs={"faq.md": body})


async def ask_shop(entries: list[Entry], messages: list[tuple[str, str]]) -> list[tuple[str, str, dict]]:
    """(message, the heading it was written for, the contract answer) for each message."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_shop(Path(tmp), entries)
        kb = KnowledgeBase(folder, Path(tmp) / "index", RetrievalSettings())
        if not kb.reload():
            raise SystemExit(f"{entries[0].shop}: {kb.errors}")
        engine = Engine(kb, RetrievalSettings())
        out = []
        for n, (q, heading) in enumerate(messages):
            reply = await engine.respond(Turn(q, user_key=f"p{n}", channel="cli", now=NOON))
            out.append((q, heading, reply.as_contract(q)))
        return out


def outcome(heading: str | None, got: dict) -> str:
    intent = got.get("intent")
    sources = [s.get("id") for s in got.get("sources") or [] if isinstance(s, dict)]
    if intent == "faq":
        return "right" if heading is not None and sources[:1] == [heading] else "wrong"
    if intent in ("unknown", "escalate"):
        return "refused"
    return "other"


async def score(shops: list[list[Entry]], leave_out: bool, verbose: bool) -> tuple[Counter[str], Counter[str]]:
    seen: Counter[str] = Counter()
    gate: Counter[str] = Counter()
    for entries in shops:
        results = await ask_shop(entries, [(a, e.heading) for e in entries for a in e.asks])
        for q, heading, got in results:
            o = outcome(heading, got)
            seen[o] += 1
            if verbose and o != "right":
                print(f"  {o:8} [{heading}] {q!r} -> {got.get('intent')} {[s.get('id') for s in got.get('sources') or []][:1]}")
        if leave_out:
            for e in entries:
                rest = [x for x in entries if x is not e]
                for _, _, got in await ask_shop(rest, [(a, e.heading) for a in e.asks]):
                    gate["answered" if got.get("intent") == "faq" else "declined"] += 1
    return seen, gate


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("writers", nargs="*", help="file names under bench/data/pairs (default: all)")
    p.add_argument("--leave-out", action="store_true", help="also ask each entry's messages with the entry removed")
    p.add_argument("--dir", type=Path, default=PAIRS, help="folder of the corpus files")
    p.add_argument("--links", type=Path, help="a word-link table to use instead of the product's (bench/train_links.py --out)")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args()
    if a.links:
        from bot.kb import index
        from bot.understand import links

        table = links.load(a.links) if a.links.exists() else {}
        index.load_links = lambda: table  # type: ignore[assignment]
    total: Counter[str] = Counter()
    for writer, shops in read_corpus(a.writers or None, a.dir).items():
        seen, gate = asyncio.run(score(shops, a.leave_out, a.verbose))
        total += seen
        n = sum(seen.values())
        line = f"{writer:10} shops {len(shops):3} messages {n:5}  " + "  ".join(f"{k} {seen[k]:4} ({seen[k] / n:.1%})" for k in ("right", "wrong", "refused", "other"))
        if gate:
            m = sum(gate.values())
            line += f"  | entry removed: answered {gate['answered']}/{m} ({gate['answered'] / m:.1%})"
        print(line, flush=True)
    n = sum(total.values())
    if n:
        print(f"{'all':10} messages {n:5}  " + "  ".join(f"{k} {total[k]} ({total[k] / n:.1%})" for k in ("right", "wrong", "refused", "other")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
