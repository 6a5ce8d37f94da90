"""Learn word links between how customers ask and how owners head their FAQ entries
(bot/understand/links.py) from the pairs corpus (bench/data/pairs/, made-up shops written from a
brief only), with IBM Model 1: the words of each message are explained by the words of the heading it
was written for, and EM finds which heading word each message word stands for.

    .venv/bin/python bench/train_links.py                         # all writers -> bot/understand/links.json
    .venv/bin/python bench/train_links.py --leave-out writer_4 --out /tmp/links.json

Pure Python (no `train` extra). The model is a table: message term -> [(heading term, weight)], kept
where a message term was seen often enough and its link is strong enough to mean something.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faq_pairs import PAIRS, read_corpus  # noqa: E402
from bot.kb.index import read_terms  # noqa: E402
from bot.kb.text import build_lexicon, builtin_lexicon, clean  # noqa: E402
from bot.kb.tokenizer import get_tokenizer  # noqa: E402
from bot.understand.links import MODEL, NULL  # noqa: E402


def terms_of(texts: list[str]) -> list[list[str]]:
    """Each text's index terms, as the knowledge index reads it (without a shop's own synonyms)."""
    lexicon = build_lexicon(builtin_lexicon())
    cleaned = [clean(t) for t in texts]
    out = []
    for c, (tokens, lemmas) in zip(cleaned, get_tokenizer("kiwi").analyse_many(cleaned), strict=True):
        out.append(list(dict.fromkeys(read_terms(c, tokens, lemmas, lexicon)[2])))
    return out


def ibm1(pairs: list[tuple[list[str], list[str]]], rounds: int) -> dict[str, dict[str, float]]:
    """t[source][target]: how often a source word is written as each target word (a NULL source
    takes the target words no source word explains)."""
    t: dict[str, dict[str, float]] = defaultdict(dict)
    for src, tgt in pairs:
        for s in (NULL, *src):
            for w in tgt:
                t[s][w] = 1.0
    for _ in range(rounds):
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for src, tgt in pairs:
            sources = (NULL, *src)
            for w in tgt:
                z = sum(t[s][w] for s in sources)
                for s in sources:
                    counts[s][w] += t[s][w] / z
        t = defaultdict(dict)
        for s, c in counts.items():
            total = sum(c.values())
            t[s] = {w: v / total for w, v in c.items()}
    return t


def train(writers: dict[str, list], rounds: int, min_count: int, min_link: float) -> dict[str, list[list[object]]]:
    entries = [e for shops in writers.values() for shop in shops for e in shop]
    texts = [e.heading for e in entries] + [a for e in entries for a in e.asks]
    terms = dict(zip(texts, terms_of(texts), strict=True))
    # A message explains itself through the heading: message words are the source, heading words the target.
    pairs = [(terms[a], terms[e.heading]) for e in entries for a in e.asks if terms[a] and terms[e.heading]]
    seen = Counter(w for src, _ in pairs for w in set(src))
    t = ibm1(pairs, rounds)
    links: dict[str, list[list[object]]] = {}
    for m, row in t.items():
        if m == NULL or seen[m] < min_count:
            continue
        kept = sorted(((h, p) for h, p in row.items() if h != m and p >= min_link), key=lambda x: -x[1])[:8]
        if kept:
            links[m] = [[h, round(p, 3)] for h, p in kept]
    return links


def table_without(corpus: dict[str, list], writer: str, min_count: int, min_link: float) -> dict[str, tuple[tuple[str, float], ...]]:
    """The links as the index reads them (bot/understand/links.py), learned from every writer but
    `writer`: how the gate and ranker trainers read a writer's messages as the next shop's."""
    rows = train({v: s for v, s in corpus.items() if v != writer}, 10, min_count, min_link)
    return {m: tuple((h, float(x)) for h, x in row) for m, row in rows.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--leave-out", nargs="*", default=[], help="writers not to learn from (for a left-out measure)")
    p.add_argument("--out", type=Path, default=MODEL)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--min-link", type=float, default=0.08)
    a = p.parse_args()
    writers = {w: s for w, s in read_corpus(None, PAIRS).items() if w not in a.leave_out}
    links = train(writers, a.rounds, a.min_count, a.min_link)
    model = {"settings": {"rounds": a.rounds, "min_count": a.min_count, "min_link": a.min_link, "writers": sorted(writers)},
             "links": dict(sorted(links.items()))}
    a.out.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(links)} message terms linked, from {sum(len(s) for s in writers.values())} shops of {', '.join(sorted(writers))} -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
