"""Fit the FAQ ranker (bot/kb/rank.py) on the pairs corpus (bench/data/pairs/: made-up shops' FAQ
entries and customers' wordings, written from a brief only), and report it left out by writer.

    .venv/bin/python bench/train_rank.py            # report, then write bot/kb/rank.json
    .venv/bin/python bench/train_rank.py --dry-run  # report only

Every writer's messages are searched in their shop with word links learned without that writer
(bench/train_links.py), as bench/train_gate.py does, so the model learns what a link is worth on
words it was not trained on. For each message the search's candidates, in the hand order, become
rows of features; a softmax over the candidates (numpy, gradient steps with an L2 penalty) learns
to put the entry the message was written for first. Reported: how often the right entry is first,
by the hand order and by the model, on each writer left out. Pure numpy: no `train` extra.
Retrain the gate (bench/train_gate.py) after this: its features are read from the first entry.
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
from bot.kb import index, rank  # noqa: E402
from bot.kb.base import KnowledgeBase  # noqa: E402
from bot.settings import RetrievalSettings  # noqa: E402
from bot.understand import encoder  # noqa: E402

SETTINGS = RetrievalSettings()
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]  # features (n, k, d), candidate mask (n, k), right position (n,)


def searched(kb: KnowledgeBase, messages: list[tuple[str, str]]) -> list[tuple[list[list[float]], int]]:
    """(candidate features in the hand order, position of the right entry or -1) for each message,
    read where the search hands its candidates to the ranker."""
    seen: list[tuple[list[list[float]], list[str]]] = []

    def record(hits, q, weights, question_terms, head_aspects):  # type: ignore[no-untyped-def]
        seen.append((rank.features(hits, q, weights, question_terms, head_aspects), [h.id for h in hits]))
        return hits

    real, rank.order = rank.order, record  # type: ignore[assignment]
    try:
        out = []
        idx = kb.snapshot.index
        for text, heading in messages:
            seen.clear()
            idx.search(idx.query(text), "faq", SETTINGS.max_candidates)
            if seen:
                rows, ids = seen[0]
                out.append((rows, ids.index(heading) if heading in ids else -1))
        return out
    finally:
        rank.order = real  # type: ignore[assignment]


def writer_rows(corpus: dict[str, list[list[Entry]]], w: str, min_count: int, min_link: float) -> list[tuple[list[list[float]], int]]:
    """One writer's messages, searched with links and the encoder learned without that writer."""
    table = table_without(corpus, w, min_count, min_link)
    index.load_links = lambda: table  # type: ignore[assignment]
    tables = tables_without(corpus, w)  # the encoder, likewise learned without this writer's fold
    encoder.load = lambda: tables  # type: ignore[assignment]
    out = []
    for entries in corpus[w]:
        with tempfile.TemporaryDirectory() as tmp:
            kb = KnowledgeBase(write_shop(Path(tmp), entries), Path(tmp) / "index", SETTINGS)
            if kb.reload():
                out += searched(kb, [(a, e.heading) for e in entries for a in e.asks])
    return out


def store_rows(folder: Path) -> list[tuple[list[list[float]], int]]:
    """A labelled store's FAQ questions (tests/fixtures/eval/<store>/), searched in that store with
    the shipped links (learned from the pairs corpus alone, so nothing of the store leaks in)."""
    labels = [json.loads(line) for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    asks = [(row["q"], row["source"]) for row in labels if row.get("intent") == "faq" and row.get("source")]
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(folder / "knowledge", Path(tmp) / "index", SETTINGS)
        return searched(kb, asks) if kb.reload() else []


def pack(rows: list[tuple[list[list[float]], int]]) -> Rows:
    k = max(len(f) for f, _ in rows)
    x = np.zeros((len(rows), k, len(rank.FEATURES)))
    mask = np.zeros((len(rows), k), dtype=bool)
    right = np.array([r for _, r in rows])
    for n, (f, _) in enumerate(rows):
        x[n, : len(f)] = f
        mask[n, : len(f)] = True
    return x, mask, right


def fit(data: Rows, l2: float, steps: int, weight: np.ndarray | None = None) -> np.ndarray:
    """Softmax over each message's candidates; messages whose right entry was not found, or found
    alone, teach nothing about order and are left out. `weight` counts some messages more."""
    x, mask, right = data
    sw = np.ones(len(right)) if weight is None else weight
    keep = (right >= 0) & (mask.sum(1) > 1)
    x, mask, right, sw = x[keep], mask[keep], right[keep], sw[keep]
    n = sw.sum()
    w = np.zeros(x.shape[2])
    chosen = (x[np.arange(len(right)), right] * sw[:, None]).sum(0)
    for _ in range(steps):
        s = np.where(mask, x @ w, -1e9)
        p = np.exp(s - s.max(1, keepdims=True)) * mask
        p /= p.sum(1, keepdims=True)
        w -= 2.0 * ((np.einsum("n,nk,nkd->d", sw, p, x) - chosen) / n + l2 * w / n)
    return w


def firsts(data: Rows, w: np.ndarray | None) -> int:
    """Messages whose right entry comes first: by the hand order (w None) or by the model."""
    x, mask, right = data
    if w is None:
        return int((right == 0).sum())
    return int((np.where(mask, x @ w, -1e9).argmax(1) == right).sum())


def concat(parts: list[Rows]) -> Rows:
    k = max(p[0].shape[1] for p in parts)
    pad = [(np.pad(x, ((0, 0), (0, k - x.shape[1]), (0, 0))), np.pad(m, ((0, 0), (0, k - m.shape[1]))), r) for x, m, r in parts]
    return np.concatenate([p[0] for p in pad]), np.concatenate([p[1] for p in pad]), np.concatenate([p[2] for p in pad])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--min-count", type=int, default=2, help="as bench/train_gate.py learns the links")
    ap.add_argument("--min-link", type=float, default=0.08)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stores", type=Path, default=None,
                    help="also learn from labelled stores (folders of knowledge/ and questions.jsonl), e.g. tests/fixtures/eval")
    ap.add_argument("--store-weight", type=float, default=3.0, help="how much one store question counts against one pairs message")
    ap.add_argument("--report", choices=("writer", "store", "both", "baseline", "none"), default="both",
                    help="which left-out figures to print (each left-out group is one more fit)")
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    corpus = read_corpus()
    stores = sorted(p for p in a.stores.iterdir() if (p / "questions.jsonl").exists()) if a.stores else []
    with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
        done = pool.starmap(writer_rows, [(corpus, w, a.min_count, a.min_link) for w in corpus])
        labelled = pool.map(store_rows, stores)
    groups = {w: pack(rows) for w, rows in zip(corpus, done, strict=True)}
    groups |= {f"store:{p.name}": pack(rows) for p, rows in zip(stores, labelled, strict=True) if rows}

    def weight(names: list[str]) -> np.ndarray:
        return np.concatenate([np.full(len(groups[g][2]), a.store_weight if g.startswith("store:") else 1.0) for g in names])

    if a.report == "baseline" and stores:
        # The stores read by a model fitted on the pairs corpus alone: what learning from stores adds.
        pairs = [g for g in groups if not g.startswith("store:")]
        alone = fit(concat([groups[g] for g in pairs]), a.l2, a.steps)
        counted = [(firsts(d, None), firsts(d, alone), len(d[2])) for g, d in groups.items() if g.startswith("store:")]
        hand, model, asked = (sum(c[i] for c in counted) for i in range(3))
        print(f"stores by the pairs-only model: right entry first by hand {hand}/{asked} ({hand / asked:.1%}), "
              f"by the model {model}/{asked} ({model / asked:.1%})")
    for kind in ("writer", "store") if a.report == "both" else () if a.report in ("none", "baseline") else (a.report,):
        hand = model = asked = 0
        for g, data in groups.items():
            if g.startswith("store:") != (kind == "store"):
                continue
            rest = [v for v in groups if v != g]
            weights = fit(concat([groups[v] for v in rest]), a.l2, a.steps, weight(rest))
            h, m = firsts(data, None), firsts(data, weights)
            hand, model, asked = hand + h, model + m, asked + len(data[2])
            print(f"{g}: {len(data[2])} messages, right entry first by hand {h}, by the model {m}", flush=True)
        if asked:
            print(f"left out by {kind}: right entry first by hand {hand}/{asked} ({hand / asked:.1%}), "
                  f"by the model {model}/{asked} ({model / asked:.1%})")
    if a.dry_run:
        return 0
    weights = fit(concat(list(groups.values())), a.l2, a.steps, weight(list(groups)))
    rank.MODEL.write_text(json.dumps({"features": list(rank.FEATURES), "weights": [round(float(v), 6) for v in weights],
                                      "l2": a.l2, "steps": a.steps, "writers": sorted(corpus),
                                      "stores": [p.name for p in stores], "store_weight": a.store_weight}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {rank.MODEL.name}: " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(rank.FEATURES, weights, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
