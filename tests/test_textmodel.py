"""The scorer of the stored text models (bot/textmodel.py), on a model small enough to score by hand:
sublinear tf times idf, each block normalised on its own, the logistic and the softmax link, unknown
tokens ignored. The real models' files carry scikit-learn's own probabilities for a spread of inputs,
which tests/reviews/test_triage.py and tests/test_concepts.py reproduce."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bench import textmodels
from bot.textmodel import LinearTextModel, char_ngrams, with_bigrams

IDF = {"주차": 1.5, "강아지": 2.0, "되다": 1.0}
WEIGHTS = {"주차": [2.0, -1.0], "강아지": [-1.0, 3.0], "되다": [0.5, 0.5]}  # outputs: parking, pets
STAR = [0.25, -0.5]
INTERCEPTS = [-1.0, 0.5]


def store(path: Path, link: str) -> None:
    terms = list(IDF)
    arrays = {"intercepts": np.array(INTERCEPTS), "words.terms": np.array("\n".join(terms)), "words.idf": np.array([IDF[t] for t in terms], dtype=np.float32),
              "words.weights": np.array([WEIGHTS[t] for t in terms], dtype=np.float32), "stars.terms": np.array("★5"),
              "stars.idf": np.array([1.7], dtype=np.float32), "stars.weights": np.array([STAR], dtype=np.float32)}
    textmodels.write(path, {"meta": {"outputs": ["parking", "pets"], "link": link, "blocks": ["words", "stars"], "settings": {"threshold": 0.5}}, "arrays": arrays})


def by_hand(tokens: list[str], star: bool, link: str) -> list[float]:
    counts = {t: tokens.count(t) for t in set(tokens) if t in IDF}
    values = {t: (1 + math.log(c)) * IDF[t] for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values()))
    z = [INTERCEPTS[j] + sum(v / norm * WEIGHTS[t][j] for t, v in values.items()) + (STAR[j] if star else 0.0) for j in range(2)]
    if link == "softmax":
        e = [math.exp(x) for x in z]
        return [x / sum(e) for x in e]
    return [1 / (1 + math.exp(-x)) for x in z]


@pytest.mark.parametrize("link", ["sigmoid", "softmax"])
@pytest.mark.parametrize(("tokens", "star"), [(["주차", "주차", "되다", "모르는말"], True), (["강아지"], False), (["모르는말"], True), ([], False)])
def test_scores_as_by_hand(tmp_path: Path, link: str, tokens: list[str], star: bool) -> None:
    store(tmp_path / "m.npz", link)
    model = LinearTextModel.load(tmp_path / "m.npz")
    assert model is not None and model.settings == {"threshold": 0.5}
    p = model.probabilities({"words": tokens, "stars": ["★5"] if star else []})
    assert [p["parking"], p["pets"]] == pytest.approx(by_hand(tokens, star, link), abs=1e-6)


def test_a_missing_or_broken_file_is_no_model(tmp_path: Path) -> None:
    assert LinearTextModel.load(tmp_path / "none.npz") is None
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert LinearTextModel.load(tmp_path / "bad.npz") is None


def test_pieces_of_words() -> None:
    assert with_bigrams(["벌레", "나오다", "사진"]) == ["벌레", "나오다", "사진", "벌레_나오다", "나오다_사진"]
    assert char_ngrams("아 주차") == [" 아", "아 ", " 아 ", " 주", "주차", "차 ", " 주차", "주차 ", " 주차 "]  # scikit-learn's char_wb
