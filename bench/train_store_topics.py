"""Train the store-topic model (bot/understand/store_topics.py): which of the shop's own facts (hours,
holidays, address, phone, booking policy) a customer's message asks for, or none. Prints each writer's messages scored by a model trained on the other writers (how it
meets a way of writing it has not seen), a threshold curve over those left-out predictions, then fits on
everything and writes bot/understand/store_topics_model.npz.

The corpus (bench/data/store_topics/) was written for training by helpers who saw only a brief (the
topics and the kinds of near miss, no example sentences), never the bot's code or any evaluation store.
Needs the `train` extra:

    .venv/bin/python bench/train_store_topics.py [--no-write] [--no-left-out] [--threshold 0.5]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import concepts, store_topics  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "data" / "store_topics"
C = 10.0
MIN_DF = 2


def load() -> list[dict[str, Any]]:
    return textmodels.message_corpus(CORPUS, "text")


def fit(rows: list[dict[str, Any]], outputs: tuple[str, ...]) -> textmodels.Fitted:
    index = {o: i for i, o in enumerate(outputs)}
    return textmodels.fit([r["features"] for r in rows], np.array([index[r["topic"]] for r in rows]), outputs, "softmax", C, MIN_DF)


def report(pooled: list[tuple[dict[str, Any], dict[str, float]]]) -> None:
    print("\nthreshold   topic given: right / given   topic messages given one   none given a topic")
    topic_rows = [r for r, _ in pooled if r["topic"] != "none"]
    none_rows = sum(r["topic"] == "none" for r, _ in pooled)
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        given = [(r, max(p, key=p.__getitem__)) for r, p in pooled if max(p.values()) >= t and max(p, key=p.__getitem__) != "none"]
        right = sum(r["topic"] == g for r, g in given)
        wrong_none = sum(r["topic"] == "none" for r, _ in given)
        covered = sum(r["topic"] == g for r, g in given)
        print(f"  {t:.2f}      {right}/{len(given)} ({right / max(len(given), 1):.3f})            "
              f"{covered}/{len(topic_rows)} ({covered / max(len(topic_rows), 1):.3f})          {wrong_none}/{none_rows}")
    misses = Counter(r["topic"] for r, p in pooled if r["topic"] != "none" and max(p, key=p.__getitem__) != r["topic"])
    print("topics most often missed (left-out):", ", ".join(f"{k} {v}" for k, v in misses.most_common(12)))


def main() -> None:
    args = textmodels.arguments(0.5).parse_args()
    started = time.perf_counter()
    rows = load()
    outputs = tuple(sorted({r["topic"] for r in rows}))
    print(f"{len(rows)} messages, {len(outputs) - 1} topics and none, from {len({r['group'] for r in rows})} writers")
    if not args.no_left_out:
        pooled = []
        for group in sorted({r["group"] for r in rows}):
            test = [r for r in rows if r["group"] == group]
            p = fit([r for r in rows if r["group"] != group], outputs).predict([r["features"] for r in test])
            right = sum(r["topic"] == outputs[int(np.argmax(q))] for r, q in zip(test, p, strict=True))
            print(f"left out {group}: top choice right {right}/{len(test)} ({right / len(test):.3f})")
            pooled.extend((r, dict(zip(outputs, map(float, q), strict=True))) for r, q in zip(test, p, strict=True))
        report(pooled)
    if args.no_write:
        return
    checks = [({"text": r["text"]}, r["features"]) for r in rows[:: max(1, len(rows) // 40)]]
    data = textmodels.export(fit(rows, outputs), {"threshold": args.threshold}, checks,
                             {"trained": time.strftime("%Y-%m-%d"), "messages": len(rows), "writers": sorted({r["group"] for r in rows}),
                              "C": C, "min_df": MIN_DF})
    textmodels.write(store_topics.MODEL, data)
    store_topics.load.cache_clear()
    model = store_topics.load()
    assert model is not None
    worst = textmodels.largest_difference(data, lambda c: model.probabilities(concepts.features_of(c["text"])))
    print(f"\nwrote {store_topics.MODEL.relative_to(ROOT)} ({store_topics.MODEL.stat().st_size / 1e6:.2f} MB, "
          f"{sum(len(b.index) for b in model.blocks.values())} terms); largest difference from scikit-learn {worst:.2e}; "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
