"""Train the recommendation-request model (bot/understand/asks.py): does a customer's message ask the
shop to choose from its menu. Prints each writer's messages scored by a model trained on the other
writers (how it meets a way of writing it has not seen) at a spread of thresholds, then fits on
everything and writes bot/understand/asks_model.npz.

The corpus (bench/data/asks/) was written for training by helpers who saw only a brief (requests with
constraints of every kind, and near misses sharing their words), never the bot's code or any
evaluation store. Needs the `train` extra:

    .venv/bin/python bench/train_asks.py [--no-write] [--no-left-out] [--threshold 0.5]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import asks, concepts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "data" / "asks"
C = 10.0
MIN_DF = 2


def load() -> list[dict[str, Any]]:
    return textmodels.message_corpus(CORPUS, "text")


def fit(rows: list[dict[str, Any]]) -> textmodels.Fitted:
    targets = np.array([[bool(r["recommend"])] for r in rows], dtype=bool)
    return textmodels.fit([r["features"] for r in rows], targets, (asks.OUTPUT,), "sigmoid", C, MIN_DF)


def report(pooled: list[tuple[dict[str, Any], float]]) -> None:
    asked = sum(bool(r["recommend"]) for r, _ in pooled)
    print("\nthreshold   requests found      near misses taken for one")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        found = sum(bool(r["recommend"]) and p >= t for r, p in pooled)
        wrong = sum(not r["recommend"] and p >= t for r, p in pooled)
        print(f"  {t:.2f}      {found}/{asked} ({found / max(asked, 1):.3f})   {wrong}/{len(pooled) - asked}")


def main() -> None:
    args = textmodels.arguments(0.5).parse_args()
    started = time.perf_counter()
    rows = load()
    print(f"{len(rows)} messages ({sum(bool(r['recommend']) for r in rows)} requests) from {len({r['group'] for r in rows})} writers")
    if not args.no_left_out:
        pooled: list[tuple[dict[str, Any], float]] = []
        for group in sorted({r["group"] for r in rows}):
            test = [r for r in rows if r["group"] == group]
            p = fit([r for r in rows if r["group"] != group]).predict([r["features"] for r in test])[:, 0]
            right = sum(bool(r["recommend"]) == (q >= args.threshold) for r, q in zip(test, p, strict=True))
            print(f"left out {group}: right at {args.threshold} {right}/{len(test)} ({right / len(test):.3f})")
            pooled.extend((r, float(q)) for r, q in zip(test, p, strict=True))
        report(pooled)
    if args.no_write:
        return
    checks = [({"text": r["text"]}, r["features"]) for r in rows[:: max(1, len(rows) // 40)]]
    data = textmodels.export(fit(rows), {"threshold": args.threshold}, checks,
                             {"trained": time.strftime("%Y-%m-%d"), "messages": len(rows), "writers": sorted({r["group"] for r in rows}),
                              "C": C, "min_df": MIN_DF})
    textmodels.write(asks.MODEL, data)
    asks.load.cache_clear()
    model = asks.load()
    assert model is not None
    worst = textmodels.largest_difference(data, lambda c: model.probabilities(concepts.features_of(c["text"])))
    print(f"\nwrote {asks.MODEL.relative_to(ROOT)} ({asks.MODEL.stat().st_size / 1e6:.2f} MB, "
          f"{sum(len(b.index) for b in model.blocks.values())} terms); largest difference from scikit-learn {worst:.2e}; "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
