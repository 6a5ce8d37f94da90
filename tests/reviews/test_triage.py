"""The trained urgent model (bot/reviews/triage.py): the product scores reviews exactly as the trainer
did (the model file records scikit-learn's probabilities for a spread of reviews), both readings are
needed (the model alone, the lexicon alone and the product rule differ on reviews they disagree on), and
without the file the lexicon alone still flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reviews import triage, urgent


def test_the_product_scores_as_the_trainer_did() -> None:
    model = triage.load()
    assert model is not None and len(model.checks) >= 30
    for check in model.checks:
        p = triage.probabilities(check["text"], check["rating"], model)
        assert p is not None
        assert [p[k] for k in triage.OUTPUTS] == pytest.approx(check["p"], abs=1e-5), check["text"]


def test_the_model_file_says_what_it_learned_from() -> None:
    model = triage.load()
    assert model is not None
    assert model.about["reviews"] >= 1000 and model.about["urgent"] >= 300
    assert 0.0 < model.settings["lexicon_threshold"] <= model.settings["threshold"] < 1.0
    assert {"words", "chars", "stars"} == set(model.blocks)
    assert "safety_g" not in model.about["groups"]  # the set that measures unseen writing is never learned from


@pytest.mark.parametrize(("text", "kind"), [  # written for this test; no word of the lexicon's
    ("김밥 속에 까만 실 같은 게 말려 있어서 빼 보니 한 뼘은 되더라고요.", "hygiene"),
    ("우동 면발 사이로 꼬물꼬물 움직이는 게 있었어요", "hygiene"),
])
def test_a_review_the_lexicon_has_no_word_for_is_flagged_by_the_model(text: str, kind: str) -> None:
    assert urgent.lexicon_flags(text) == ()
    assert kind in urgent.flags(text, rating=2)


def test_a_joke_the_lexicon_takes_literally_is_not_flagged() -> None:
    assert urgent.flags("고소한 참기름 향이 좋아요", rating=5) == ()
    assert urgent.flags("먹고 밤새 설사했어요", rating=1) == ("health",)


def test_without_the_model_file_the_lexicon_alone_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "urgent_model.npz"
    broken.write_bytes(b"PK not a zip")
    assert triage.load(broken) is None
    monkeypatch.setattr(triage, "load", lambda path=broken: None)
    assert urgent.flags("찌개에서 머리카락이 나왔어요", rating=4) == ("hygiene",)
    assert urgent.flags("우동 면발 사이로 꼬물꼬물 움직이는 게 있었어요", rating=2) == ()
