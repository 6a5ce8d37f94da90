"""Fit the FAQ answer gate (bot/kb/gate.py) and the word links it sees (bot/understand/links.py) on
the pairs corpus (bench/data/pairs/: made-up shops' FAQ entries and customers' wordings, written
from a brief only), and report both left-out by writer.

    .venv/bin/python bench/train_gate.py            # report, then write links.json and gate.json
    .venv/bin/python bench/train_gate.py --dry-run  # report only

Every writer's messages are read with links learned without that writer (so the gate learns how
much a link is worth on words it was not trained on), asked of their shop as it is and, for each
entry, of the shop without that entry (where any answer is wrong). A logistic regression (numpy,
Newton steps with an L2 penalty) learns whether the top entry is the right one. The model answers
what the hand-written gate refused (skills/faq.py), so its threshold is the one where, left out by
writer, the hand gate or the model gains the most right answers for the wrong ones it adds (one
wrong answer costing --cost right ones). Pure numpy: no `train` extra.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faq_pairs import Entry, read_corpus, write_shop  # noqa: E402
from bench.train_encoder import tables_without  # noqa: E402
from bench.train_links import table_without  # noqa: E402
from bench.train_links import train as train_links  # noqa: E402
from bot.kb import gate, index  # noqa: E402
from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.settings import RetrievalSettings  # noqa: E402
from bot.understand import encoder  # noqa: E402
from bot.understand import links as links_module  # noqa: E402
from skills.base import plain_best  # noqa: E402

SETTINGS = RetrievalSettings()


def hand_rule(hits: list[index.Hit], q: index.Query) -> index.Hit | None:
    """The hand-written gate (skills/base.py), which the model's answers come on top of."""
    return plain_best(hits, q.concepts, SETTINGS.min_confidence)


def rows_for(shops: list[list[Entry]], table: dict) -> list[tuple[list[float], int, bool, bool, bool]]:
    """(features, top entry right?, hand rule answers?, entry removed?, hand rule right?) for each
    message, in its shop and with its entry removed."""
    index.load_links = lambda: table  # type: ignore[assignment]
    out = []
    for entries in shops:
        for removed in (None, *entries):
            kept = [e for e in entries if e is not removed]
            asked = [removed] if removed is not None else entries
            with tempfile.TemporaryDirectory() as tmp:
                kb = KnowledgeBase(write_shop(Path(tmp), kept), Path(tmp) / "index", SETTINGS)
                if not kb.reload():
                    continue
                idx = kb.snapshot.index
                for e in asked:
                    for a in e.asks:
                        q = idx.query(a)
                        hits = idx.search(q, "faq", SETTINGS.max_candidates)
                        if hits:
                            by_hand = hand_rule(hits, q)
                            out.append((gate.features(hits, q), int(removed is None and hits[0].id == e.heading), by_hand is not None,
                                        removed is not None, removed is None and by_hand is not None and by_hand.id == e.heading))
    return out


def writer_rows(corpus: dict[str, list[list[Entry]]], w: str, min_count: int, min_link: float) -> list[tuple[list[float], int, bool, bool, bool]]:
    """`rows_for` one writer, with links and the encoder learned without that writer."""
    table = table_without(corpus, w, min_count, min_link)
    tables = tables_without(corpus, w)  # the encoder, likewise learned without this writer's fold
    encoder.load = lambda: tables  # type: ignore[assignment]
    return rows_for(corpus[w], table)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cost", type=float, default=2.0, help="how many right answers one wrong answer costs")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=2, help="messages a word must appear in to get links")
    ap.add_argument("--min-link", type=float, default=0.08, help="weakest link kept")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--jobs", type=int, default=2, help="writers read at once, one process each")
    ap.add_argument("--threshold", type=float, help="store this threshold instead of the one with the most gain (the curve is printed either way)")
    a = ap.parse_args()
    corpus = read_corpus()
    # One writer's rows a process (two cores): each is read with links learned without that writer.
    with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
        done = pool.starmap(writer_rows, [(corpus, w, a.min_count, a.min_link) for w in corpus])
    by_writer = dict(zip(corpus, done, strict=True))
    for w in corpus:
        hand = np.array([r[2] for r in by_writer[w]])
        y = np.array([r[1] for r in by_writer[w]])
        right = np.array([r[4] for r in by_writer[w]])
        print(f"{w}: {len(y)} rows ({y.sum()} with the right entry on top); hand rule answers {hand.sum()}, "
              f"precision {right[hand].mean():.3f}, right {right.sum()}", flush=True)
    thresholds = [round(t, 2) for t in np.arange(0.40, 0.96, 0.01)]
    # Per threshold, over left-out writers, the hand rule or the model answering: in-shop messages
    # answered right and wrong, and messages whose entry was removed that got an answer anyway.
    tally = {t: np.zeros(3, dtype=int) for t in thresholds}
    hand = np.zeros(3, dtype=int)
    asked = gone = 0
    for w in corpus:
        train = [r for v, rs in by_writer.items() if v != w for r in rs]
        wts = fit(np.array([r[0] for r in train]), np.array([r[1] for r in train], dtype=float), a.l2)
        rows = by_writer[w]
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows], dtype=bool)
        removed = np.array([r[3] for r in rows], dtype=bool)
        by_hand = np.array([r[2] for r in rows], dtype=bool)
        hand_right = np.array([r[4] for r in rows], dtype=bool)
        asked += int((~removed).sum())
        gone += int(removed.sum())
        hand += [int(hand_right.sum()), int((by_hand & ~hand_right & ~removed).sum()), int((by_hand & removed).sum())]
        p = 1 / (1 + np.exp(-x @ wts))
        for t in thresholds:
            model = ~by_hand & (p >= t)  # the model speaks only where the hand gate refused
            right = hand_right | model & y
            ans = by_hand | model
            tally[t] += [int(right.sum()), int((ans & ~right & ~removed).sum()), int((ans & removed).sum())]
    print(f"{asked} messages asked of their shop, {gone} of the shop without their entry")
    print(f"hand rule alone: right {hand[0]} ({hand[0] / asked:.1%}), wrong {hand[1]} ({hand[1] / asked:.1%}), "
          f"answered without the entry {hand[2]} ({hand[2] / gone:.1%})")
    # A wrong answer costs --cost right ones: the threshold is the one with the most right answers
    # gained for the wrong ones added.
    gain = {t: (tally[t][0] - hand[0]) - a.cost * ((tally[t][1] - hand[1]) + (tally[t][2] - hand[2])) for t in thresholds}
    chosen = max(thresholds, key=lambda t: (gain[t], t)) if a.threshold is None else round(a.threshold, 2)
    for t in thresholds:
        right, wrong, false = tally[t]
        mark = "  <- chosen" if t == chosen else ""
        if round(t * 100) % 5 == 0 or mark:
            print(f"  or the model at {t:.2f}: right {right} ({right / asked:.1%}), wrong {wrong} ({wrong / asked:.1%}), "
                  f"answered without the entry {false} ({false / gone:.1%}), gain {gain[t]:+.0f}{mark}")
    if a.dry_run:
        return 0
    everything = [r for rs in by_writer.values() for r in rs]
    wts = fit(np.array([r[0] for r in everything]), np.array([r[1] for r in everything], dtype=float), a.l2)
    table = train_links(corpus, 10, a.min_count, a.min_link)
    links_module.MODEL.write_text(json.dumps({"settings": {"rounds": 10, "min_count": a.min_count, "min_link": a.min_link, "writers": sorted(corpus)},
                                              "links": dict(sorted(table.items()))}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    gate.MODEL.write_text(json.dumps({"features": list(gate.FEATURES), "weights": [round(float(v), 6) for v in wts], "threshold": round(chosen, 2),
                                      "cost": a.cost, "l2": a.l2, "writers": sorted(corpus)}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {links_module.MODEL.name} ({len(table)} terms) and {gate.MODEL.name} (threshold {chosen:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
