"""The trained concept reader (bot/understand/concepts.py): it scores as its trainer did, its labels are
the built-in lexicon's own canonical words (what it adds is what the lexicon would have added), and it
reads wordings the lexicon has no entry for; nothing is added for a message about none of them."""

from __future__ import annotations

import pytest

from bot.kb.text import build_lexicon, builtin_lexicon, clean
from bot.understand import concepts
from tests.support.textmodels import assert_scores_as_trained


def test_the_product_scores_as_the_trainer_did() -> None:
    assert_scores_as_trained(concepts.load(), "softmax")


def test_every_label_is_a_canonical_word_of_the_lexicon() -> None:
    model = concepts.load()
    assert model is not None
    canonical = {s.canonical for s in builtin_lexicon()}
    assert set(model.outputs) - {concepts.NONE} <= canonical


@pytest.mark.parametrize(("text", "concept"), [  # written for this test, in wordings the lexicon has no entry for
    ("우리 말티 안고 들어가도 되남요", "반려동물"),
    ("노트북 꽂을 데 있어요?", "콘센트"),
    ("폰 배터리 나갔는데 잠깐 꽂아도 될까요", "콘센트"),
    ("남은 거 싸 갈 수 있어요", "포장"),
])
def test_a_wording_the_lexicon_lacks_gets_its_concept(text: str, concept: str) -> None:
    cleaned, tokens, lemmas = analysed(text)
    assert build_lexicon(builtin_lexicon()).expand(cleaned, lemmas) == []
    assert concepts.concept_of(cleaned, tokens) == concept


def analysed(text: str) -> tuple[str, list[str], str]:
    from bot.kb.tokenizer import get_tokenizer

    cleaned = clean(text)
    ((tokens, lemmas),) = get_tokenizer("kiwi").analyse_many([cleaned])
    return cleaned, tokens, lemmas


@pytest.mark.parametrize("text", ["김치찌개 얼마예요?", "안녕하세요~", "내일 저녁 7시에 4명 자리 있어요?"])
def test_no_concept_for_a_message_about_none(text: str) -> None:
    cleaned, tokens, _ = analysed(text)
    assert concepts.concept_of(cleaned, tokens) is None


@pytest.mark.parametrize("text", ["유자차 있나요?", "모과차 있어요"])
def test_a_tea_is_not_a_car(text: str) -> None:
    """차 ends tea names; the model's character pieces once read them as parking."""
    cleaned, tokens, _ = analysed(text)
    assert concepts.concept_of(cleaned, tokens) != "주차"
