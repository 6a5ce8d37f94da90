"""The scorer of the stored text models (bot/textmodel.py) against scikit-learn's own numbers for a
model trained here on the spot: both links, blocks of several tokens and of one, unknown tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.textmodel import LinearTextModel, char_ngrams, with_bigrams


def test_the_product_scores_as_scikit_learn_does(tmp_path: Path) -> None:
    from bench import textmodels

    texts = ["주차 되나요", "주차장 있어요", "강아지 데려가도 돼요", "애견 동반 가능", "와이파이 비번", "인터넷 돼요", "주차 어디에", "댕댕이 가도 돼요"]
    labels = [0, 0, 1, 1, 2, 2, 0, 1]
    inputs = [{"words": with_bigrams(t.split()), "chars": char_ngrams(t), "mark": ["x"] if i % 2 else []} for i, t in enumerate(texts)]
    probes = [{"words": with_bigrams(["주차", "강아지"]), "chars": char_ngrams("주차 강아지 없는말")}, {"words": ["없는말"], "chars": []}]
    for link, targets in (("softmax", np.array(labels)), ("sigmoid", np.eye(3, dtype=bool)[labels])):
        fitted = textmodels.fit(inputs, targets, ("parking", "pets", "wifi"), link, 10.0, min_df=1)
        data = textmodels.export(fitted, {"threshold": 0.5}, [({"i": i}, f) for i, f in enumerate(probes)], {})
        path = tmp_path / f"{link}.json.gz"
        textmodels.write(path, data)
        model = LinearTextModel.load(path)
        assert model is not None and model.link == link
        assert textmodels.largest_difference(data, lambda c: model.probabilities(probes[c["i"]])) < 1e-5  # noqa: B023


def test_a_missing_or_broken_file_is_no_model(tmp_path: Path) -> None:
    assert LinearTextModel.load(tmp_path / "none.json.gz") is None
    (tmp_path / "bad.json.gz").write_bytes(b"not gzip")
    assert LinearTextModel.load(tmp_path / "bad.json.gz") is None


def test_character_pieces_follow_scikit_learns_char_wb() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = "주차 되나여?? 아아 a"
    ours = sorted(set(char_ngrams(text)))
    theirs = sorted(CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit([text]).vocabulary_)
    assert ours == theirs
