"""Train the shop-concept model (bot/understand/concepts.py): which of the general customer-service
concepts (parking, pets, waiting, refills, deposits...) a customer's message or an owner's FAQ heading is
about, or none. Prints each writer's messages scored by a model trained on the other writers (how it
meets a way of writing it has not seen), a threshold curve over those left-out predictions, then fits on
everything and writes bot/understand/concept_model.npz.

The corpus (bench/data/concepts/) was written for training by helpers who saw only the concept list,
never the bot's code or any evaluation store. Needs the `train` extra:

    .venv/bin/python bench/train_concepts.py [--no-write] [--no-left-out] [--threshold 0.5]
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
from bot.understand import concepts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "data" / "concepts"
C = 10.0
MIN_DF = 2


def load() -> list[dict[str, Any]]:
    return textmodels.message_corpus(CORPUS, "q")


def fit(rows: list[dict[str, Any]], outputs: tuple[str, ...]) -> textmodels.Fitted:
    index = {o: i for i, o in enumerate(outputs)}
    return textmodels.fit([r["features"] for r in rows], np.array([index[r["concept"]] for r in rows]), outputs, "softmax", C, MIN_DF)


def report(pooled: list[tuple[dict[str, Any], dict[str, float]]]) -> None:
    print("\nthreshold   concept given: right / given   concept messages given one   none given a concept")
    concept_rows = [r for r, _ in pooled if r["concept"] != "none"]
    none_rows = sum(r["concept"] == "none" for r, _ in pooled)
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        given = [(r, max(p, key=p.__getitem__)) for r, p in pooled if max(p.values()) >= t and max(p, key=p.__getitem__) != "none"]
        right = sum(r["concept"] == g for r, g in given)
        wrong_none = sum(r["concept"] == "none" for r, _ in given)
        covered = sum(r["concept"] == g for r, g in given)
        print(f"  {t:.2f}      {right}/{len(given)} ({right / max(len(given), 1):.3f})            "
              f"{covered}/{len(concept_rows)} ({covered / max(len(concept_rows), 1):.3f})          {wrong_none}/{none_rows}")
    misses = Counter(r["concept"] for r, p in pooled if r["concept"] != "none" and max(p, key=p.__getitem__) != r["concept"])
    print("concepts most often missed (left-out):", ", ".join(f"{k} {v}" for k, v in misses.most_common(12)))


def main() -> None:
    args = textmodels.arguments(0.5).parse_args()
    started = time.perf_counter()
    rows = load()
    outputs = tuple(sorted({r["concept"] for r in rows}))
    print(f"{len(rows)} messages, {len(outputs) - 1} concepts and none, from {len({r['group'] for r in rows})} writers")
    if not args.no_left_out:
        pooled = []
        for group in sorted({r["group"] for r in rows}):
            test = [r for r in rows if r["group"] == group]
            p = fit([r for r in rows if r["group"] != group], outputs).predict([r["features"] for r in test])
            right = sum(r["concept"] == outputs[int(np.argmax(q))] for r, q in zip(test, p, strict=True))
            print(f"left out {group}: top choice right {right}/{len(test)} ({right / len(test):.3f})")
            pooled.extend((r, dict(zip(outputs, map(float, q), strict=True))) for r, q in zip(test, p, strict=True))
        report(pooled)
    if args.no_write:
        return
    checks = [({"text": r["q"]}, r["features"]) for r in rows[:: max(1, len(rows) // 40)]]
    data = textmodels.export(fit(rows, outputs), {"threshold": args.threshold}, checks,
                             {"trained": time.strftime("%Y-%m-%d"), "messages": len(rows), "writers": sorted({r["group"] for r in rows}),
                              "C": C, "min_df": MIN_DF})
    textmodels.write(concepts.MODEL, data)
    concepts.load.cache_clear()
    model = concepts.load()
    assert model is not None
    worst = textmodels.largest_difference(data, lambda c: model.probabilities(concepts.features_of(c["text"])))
    print(f"\nwrote {concepts.MODEL.relative_to(ROOT)} ({concepts.MODEL.stat().st_size / 1e6:.2f} MB, "
          f"{sum(len(b.index) for b in model.blocks.values())} terms); largest difference from scikit-learn {worst:.2e}; "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
