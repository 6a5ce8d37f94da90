"""The review analyser on labelled sets written by writers who never saw it (tests/fixtures/reviews/
labelled/). Sentiment: cafe_a was tuned on from the start (first run macro-F1 0.618), restaurant_b and
mixed_c were held out until the method was first done (0.795, 0.779), final_d was scored once when it
was final (0.807, the issue's figure) and tuned on after.

Urgent flags: the lexicon alone met each new writer at 0.70-0.84 recall (safety_f, asked for unusual
wordings: 0.646), so a trained model (bot/reviews/triage.py, bench/train_urgent.py) now decides with it,
trained on every set below but safety_g and on a corpus written for training. safety_g, written after by
a writer who saw neither, was scored once on the final method: recall 0.970 (64/66), precision 0.865
(64/74); the lexicon alone would have scored 0.697 and 0.780 on it. It is held to that run; the sets the
model learned from are held to the issue's targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.reviews.analysis import analyse
from bot.reviews.urgent import flags

SETS = Path(__file__).resolve().parent.parent / "fixtures" / "reviews" / "labelled"
LABELS = ("positive", "neutral", "negative")


def load(name: str) -> list[dict]:  # type: ignore[type-arg]
    rows = [json.loads(line) for line in (SETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:  # safety_g's writer could label a review "mixed"; the analyser's word for it is neutral
        r["sentiment"] = "neutral" if r["sentiment"] == "mixed" else r["sentiment"]
    return rows


def macro_f1(gold: list[str], pred: list[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def urgent_scores(rows: list[dict]) -> tuple[float, float, int]:  # type: ignore[type-arg]
    safety = [r for r in rows if r["safety"]]
    got = {r["id"]: bool(analyse(r["text"], r["rating"]).urgent) for r in safety}  # the lexicon and the semantic net
    tp = sum(bool(r["urgent"]) and got[r["id"]] for r in safety)
    fp = sum(not r["urgent"] and got[r["id"]] for r in safety)
    fn = sum(bool(r["urgent"]) and not got[r["id"]] for r in safety)
    return tp / (tp + fn), tp / (tp + fp), len(safety)


@pytest.mark.parametrize(("name", "f1", "recall", "precision"), [
    ("cafe_a", 0.80, 0.95, 0.80), ("restaurant_b", 0.80, 0.95, 0.80), ("mixed_c", 0.80, 0.95, 0.80),
    ("final_d", 0.80, 0.95, 0.80),  # its single run: 0.807, 0.84, 0.74; tuned on after
    ("safety_e", 0.78, 0.95, 0.80),  # its first run: 0.738, 0.82, 0.85 (133 safety items); tuned on after
    ("safety_f", 0.72, 0.95, 0.80),  # its only lexicon run: 0.666, 0.646, 0.797; the model learned from it after
    # never trained or tuned on; its single run on the final method: sentiment 0.727, urgent 0.970 / 0.865
    ("safety_g", 0.70, 0.95, 0.83),
])
def test_sentiment_and_urgent_flags_on_the_labelled_sets(name: str, f1: float, recall: float, precision: float) -> None:
    rows = load(name)
    assert len(rows) >= 150
    got = macro_f1([r["sentiment"] for r in rows], [analyse(r["text"], r["rating"]).sentiment for r in rows])
    assert got >= f1, f"{name}: sentiment macro-F1 {got:.3f}"
    r, p, n = urgent_scores(rows)
    assert n >= 45 and r >= recall and p >= precision, f"{name}: urgent recall {r:.3f}, precision {p:.3f} over {n}"


def test_negation_irony_and_the_stars() -> None:
    assert analyse("맛없진 않은데 양이 좀 아쉬워요", 3).sentiment != "positive"
    assert analyse("친절하지 않았어요", None).sentiment == "negative"
    assert analyse("별 다섯 개지만 음식이 다 식어서 왔어요. 다시는 안 시켜요", 5).sentiment == "negative"  # the words overrule the stars
    assert analyse("와 배달 참 빠르네요^^ 1시간 40분 걸렸어요", None).sentiment == "negative"  # 반어
    assert analyse("국물이 진하고 고기도 푸짐해요 또 올게요", None).sentiment == "positive"
    a = analyse("국물은 진한데 직원이 불친절했어요", None)
    assert a.aspects.get("친절") == "neg"


def test_urgent_flags_read_the_guards() -> None:
    assert flags("찌개에서 머리카락이 나왔어요") == ("hygiene",)
    assert flags("머리카락 한 올 없이 깔끔해요") == ()
    assert flags("먹고 밤새 설사했어요") == ("health",)
    assert flags("배 터지게 먹었어요") == ()
    assert flags("고소한 참기름 향이 좋아요") == ()
    assert "refund" in flags("결제가 두 번 됐는데 환불해 주세요")
    assert flags("욕쟁이 할머니 컨셉이라 재밌어요") == ()
