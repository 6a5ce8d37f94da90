"""Fitting and storing the product's small text models (bot/textmodel.py) with scikit-learn: one
TfidfVectorizer per block of tokens and logistic regressions, exported as vocabulary, idf and weights.
Shared by bench/train_urgent.py, train_asks.py, train_complaints.py, train_concepts.py and train_store_topics.py; needs
the `train` extra.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Features = dict[str, list[str]]


@dataclass
class Fitted:
    vectorizers: dict[str, Any]
    models: list[Any]  # one per output (sigmoid) or one multinomial (softmax)
    outputs: tuple[str, ...]
    link: str

    def _matrix(self, inputs: Sequence[Features]) -> Any:
        from scipy.sparse import hstack

        return hstack([v.transform([f.get(n, []) for f in inputs]) for n, v in self.vectorizers.items()]).tocsr()

    def predict(self, inputs: Sequence[Features]) -> np.ndarray:
        """[inputs, outputs] probabilities."""
        x = self._matrix(inputs)
        if self.link == "softmax":
            return np.asarray(self.models[0].predict_proba(x))
        return np.column_stack([m.predict_proba(x)[:, 1] for m in self.models])


def fit(inputs: Sequence[Features], targets: np.ndarray, outputs: Sequence[str], link: str, c: float, min_df: int = 2) -> Fitted:
    """sigmoid: targets is [inputs, outputs] of booleans; softmax: [inputs] of output indices."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    names = sorted({n for f in inputs for n in f})
    vectorizers = {}
    for n in names:
        docs = [f.get(n, []) for f in inputs]
        single = all(len(d) <= 1 for d in docs)  # a one-token block (the stars) keeps every value
        vectorizers[n] = TfidfVectorizer(analyzer=_same, sublinear_tf=True, min_df=1 if single else min_df)
        vectorizers[n].fit(docs)
    x = hstack([v.transform([f.get(n, []) for f in inputs]) for n, v in vectorizers.items()]).tocsr()
    if link == "softmax":
        models = [LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, targets)]
    else:
        models = [LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, targets[:, j]) for j in range(len(outputs))]
    return Fitted(vectorizers, models, tuple(outputs), link)


def message_corpus(folder: Path, text_key: str, prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every line of the folder's .jsonl files, each with its writer (`group`, the file's name) and
    its features as the knowledge index reads a message (bot/understand/concepts.py); `prepare`
    rewrites a line first (a corpus that marks what the product takes out before reading)."""
    from bot.kb.text import clean
    from bot.kb.tokenizer import get_tokenizer
    from bot.understand.concepts import features

    rows = []
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = {**json.loads(line), "group": f.stem}
                rows.append(prepare(row) if prepare else row)
    cleaned = [clean(r[text_key]) for r in rows]
    for r, c, (tokens, _) in zip(rows, cleaned, get_tokenizer("kiwi").analyse_many(cleaned), strict=True):
        r["features"] = features(c, tokens)
    return rows


def arguments(threshold: float, **extra: float) -> argparse.ArgumentParser:
    """The trainers' shared options: the stored threshold (and any other named ones), whether to
    write the model, and whether to run the left-out evaluation first."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=threshold)
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=default)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-left-out", action="store_true")
    return parser


def _same(tokens: list[str]) -> list[str]:
    return tokens


def export(fitted: Fitted, settings: dict[str, Any], checks: Sequence[tuple[dict[str, Any], Features]], about: dict[str, Any]) -> dict[str, Any]:
    """The stored form: each block's terms, idf and weights [terms, outputs]; the trainer's
    probabilities for the check inputs, which the product's tests reproduce."""
    if fitted.link == "softmax":
        coef, intercepts = fitted.models[0].coef_.T, fitted.models[0].intercept_
    else:
        coef = np.vstack([m.coef_[0] for m in fitted.models]).T
        intercepts = np.array([m.intercept_[0] for m in fitted.models])
    arrays: dict[str, np.ndarray] = {"intercepts": np.asarray(intercepts, dtype=np.float64)}
    start = 0
    for name, v in fitted.vectorizers.items():
        terms = sorted(v.vocabulary_, key=v.vocabulary_.get)
        assert not any("\n" in t for t in terms)
        arrays[f"{name}.terms"] = np.array("\n".join(terms))
        arrays[f"{name}.idf"] = np.asarray(v.idf_, dtype=np.float32)
        arrays[f"{name}.weights"] = np.asarray(coef[start:start + len(terms)], dtype=np.float32)
        start += len(terms)
    probs = fitted.predict([f for _, f in checks]) if checks else np.zeros((0, len(fitted.outputs)))
    meta = {"outputs": list(fitted.outputs), "link": fitted.link, "blocks": list(fitted.vectorizers), "settings": settings,
            "checks": [{**given, "p": [float(x) for x in p]} for (given, _), p in zip(checks, probs, strict=True)], "about": about}
    return {"meta": meta, "arrays": arrays}


def write(path: Path, data: dict[str, Any]) -> None:
    with path.open("wb") as f:
        np.savez_compressed(f, meta=np.array(json.dumps(data["meta"], ensure_ascii=False)), **data["arrays"])


def largest_difference(data: dict[str, Any], score: Callable[[dict[str, Any]], dict[str, float]]) -> float:
    """How far the product's scoring is from the trainer's on the check inputs."""
    meta = data["meta"]
    worst = max((abs(score(c)[o] - c["p"][j]) for c in meta["checks"] for j, o in enumerate(meta["outputs"])), default=0.0)
    if worst > 1e-5:
        raise SystemExit(f"the product scores the check inputs {worst:.2e} away from scikit-learn: fix bot/textmodel.py")
    return worst


def train_classes(corpus: Path, text_key: str, label: str, module: Any, what: str, threshold: float = 0.5) -> None:
    """A trainer's whole run for a model that picks one class or none (bot/understand/concepts.py,
    store_topics.py): each writer's messages scored by a model fitted on the other writers, a
    threshold curve over those left-out predictions, then a fit on everything written to
    `module.MODEL`, checked against the product's own scoring. `label` is the corpus field holding the
    class; `what` names a class in the printed figures."""
    import time
    from collections import Counter

    from bot.understand.concepts import features_of

    c, min_df = 10.0, 2
    args = arguments(threshold).parse_args()
    started = time.perf_counter()
    rows = message_corpus(corpus, text_key)
    outputs = tuple(sorted({r[label] for r in rows}))
    index = {o: i for i, o in enumerate(outputs)}

    def fitted(part: list[dict[str, Any]]) -> Fitted:
        return fit([r["features"] for r in part], np.array([index[r[label]] for r in part]), outputs, "softmax", c, min_df)

    print(f"{len(rows)} messages, {len(outputs) - 1} {what}s and none, from {len({r['group'] for r in rows})} writers")
    if not args.no_left_out:
        pooled: list[tuple[dict[str, Any], dict[str, float]]] = []
        for group in sorted({r["group"] for r in rows}):
            test = [r for r in rows if r["group"] == group]
            p = fitted([r for r in rows if r["group"] != group]).predict([r["features"] for r in test])
            right = sum(r[label] == outputs[int(np.argmax(q))] for r, q in zip(test, p, strict=True))
            print(f"left out {group}: top choice right {right}/{len(test)} ({right / len(test):.3f})")
            pooled.extend((r, dict(zip(outputs, map(float, q), strict=True))) for r, q in zip(test, p, strict=True))
        print(f"\nthreshold   {what} given: right / given   {what} messages given one   none given a {what}")
        named = [r for r, _ in pooled if r[label] != "none"]
        nones = sum(r[label] == "none" for r, _ in pooled)
        for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            given = [(r, max(p, key=p.__getitem__)) for r, p in pooled if max(p.values()) >= t and max(p, key=p.__getitem__) != "none"]
            right = sum(r[label] == g for r, g in given)
            wrong_none = sum(r[label] == "none" for r, _ in given)
            print(f"  {t:.2f}      {right}/{len(given)} ({right / max(len(given), 1):.3f})            "
                  f"{right}/{len(named)} ({right / max(len(named), 1):.3f})          {wrong_none}/{nones}")
        misses = Counter(r[label] for r, p in pooled if r[label] != "none" and max(p, key=p.__getitem__) != r[label])
        print(f"{what}s most often missed (left-out):", ", ".join(f"{k} {v}" for k, v in misses.most_common(12)))
    if args.no_write:
        return
    checks = [({"text": r[text_key]}, r["features"]) for r in rows[:: max(1, len(rows) // 40)]]
    data = export(fitted(rows), {"threshold": args.threshold}, checks,
                  {"trained": time.strftime("%Y-%m-%d"), "messages": len(rows), "writers": sorted({r["group"] for r in rows}), "C": c, "min_df": min_df})
    write(module.MODEL, data)
    module.load.cache_clear()
    model = module.load()
    assert model is not None
    worst = largest_difference(data, lambda check: model.probabilities(features_of(check["text"])))
    print(f"\nwrote {module.MODEL.name} ({module.MODEL.stat().st_size / 1e6:.2f} MB, {sum(len(b.index) for b in model.blocks.values())} terms); "
          f"largest difference from scikit-learn {worst:.2e}; {time.perf_counter() - started:.0f} s")


def train_flag(corpus: Path, text_key: str, label: str, module: Any, what: str, threshold: float,
               prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
    """A trainer's whole run for a model that says yes or no of a message (bot/understand/asks.py,
    complaints.py): each writer's messages scored by a model fitted on the other writers, a threshold
    curve over those left-out predictions, then a fit on everything written to `module.MODEL` (its one
    output `module.OUTPUT`), checked against the product's own scoring. `label` is the corpus field
    holding true or false; `what` names a true message in the printed figures."""
    import time

    from bot.understand.concepts import features_of

    c, min_df = 10.0, 2
    args = arguments(threshold).parse_args()
    started = time.perf_counter()
    rows = message_corpus(corpus, text_key, prepare)

    def fitted(part: list[dict[str, Any]]) -> Fitted:
        return fit([r["features"] for r in part], np.array([[bool(r[label])] for r in part], dtype=bool), (module.OUTPUT,), "sigmoid", c, min_df)

    print(f"{len(rows)} messages ({sum(bool(r[label]) for r in rows)} {what}s) from {len({r['group'] for r in rows})} writers")
    if not args.no_left_out:
        pooled: list[tuple[dict[str, Any], float]] = []
        for group in sorted({r["group"] for r in rows}):
            test = [r for r in rows if r["group"] == group]
            p = fitted([r for r in rows if r["group"] != group]).predict([r["features"] for r in test])[:, 0]
            right = sum(bool(r[label]) == (q >= args.threshold) for r, q in zip(test, p, strict=True))
            print(f"left out {group}: right at {args.threshold} {right}/{len(test)} ({right / len(test):.3f})")
            pooled.extend((r, float(q)) for r, q in zip(test, p, strict=True))
        found_all = sum(bool(r[label]) for r, _ in pooled)
        print(f"\nthreshold   {what}s found      others taken for one")
        for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            found = sum(bool(r[label]) and p >= t for r, p in pooled)
            wrong = sum(not r[label] and p >= t for r, p in pooled)
            print(f"  {t:.2f}      {found}/{found_all} ({found / max(found_all, 1):.3f})   {wrong}/{len(pooled) - found_all}")
    if args.no_write:
        return
    checks = [({"text": r[text_key]}, r["features"]) for r in rows[:: max(1, len(rows) // 40)]]
    data = export(fitted(rows), {"threshold": args.threshold}, checks,
                  {"trained": time.strftime("%Y-%m-%d"), "messages": len(rows), "writers": sorted({r["group"] for r in rows}), "C": c, "min_df": min_df})
    write(module.MODEL, data)
    module.load.cache_clear()
    model = module.load()
    assert model is not None
    worst = largest_difference(data, lambda check: model.probabilities(features_of(check["text"])))
    print(f"\nwrote {module.MODEL.name} ({module.MODEL.stat().st_size / 1e6:.2f} MB, {sum(len(b.index) for b in model.blocks.values())} terms); "
          f"largest difference from scikit-learn {worst:.2e}; {time.perf_counter() - started:.0f} s")
