"""The learned FAQ encoder (bot/understand/encoder.py): its features, its stored model, and that it
carries meaning the shared words do not."""

from __future__ import annotations

import numpy as np
import pytest

from bot.kb.index import read_terms
from bot.kb.text import build_lexicon, builtin_lexicon, clean
from bot.kb.tokenizer import get_tokenizer
from bot.settings import RetrievalSettings
from bot.understand import encoder


def test_features_are_hashed_buckets_of_grams_and_terms() -> None:
    ids = encoder.feature_ids("주차 되나요", ("주차",))
    assert ids.dtype == np.int64 and len(ids) == len(set(ids.tolist())) and ids.min() >= 0 and ids.max() < encoder.BUCKETS
    assert np.array_equal(ids, encoder.feature_ids("주차 되나요", ("주차",)))  # no salt: the same every run
    assert len(encoder.feature_ids("", ())) == 0


def test_the_stored_model_is_two_tables_of_the_buckets() -> None:
    model = encoder.load()
    assert model is not None
    message, entry = model
    assert message.shape == entry.shape and message.shape[0] == encoder.BUCKETS
    v = encoder.embed(encoder.feature_ids("주차 되나요", ("주차",)), message)
    assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-3
    assert not np.any(encoder.embed(np.zeros(0, dtype=np.int64), message))


def vector(text: str, side: int) -> np.ndarray:
    s = RetrievalSettings()
    tok = get_tokenizer(s.tokenizer, s.kiwi_default_dict, s.kiwi_multi_dict)
    c = clean(text)
    ((tokens, lemmas),) = tok.analyse_many([c])
    c, _, terms, _ = read_terms(c, tokens, lemmas, build_lexicon(builtin_lexicon()))
    model = encoder.load()
    assert model is not None
    return encoder.embed(encoder.feature_ids(c, terms), model[side])


@pytest.mark.parametrize(("message", "right"), [
    ("울 집 강아지 데려가도 되나여", 0),
    ("카드 긁어도 되죠? 현금이 없어서", 1),
    ("남은 거 싸 갈 수 있어요?", 2),
])
def test_a_message_in_other_words_is_closest_to_the_entry_it_means(message: str, right: int) -> None:
    entries = ["반려동물 동반 가능한가요? 소형견은 케이지에 넣어 오시면 돼요.",
               "결제 수단 안내: 신용카드, 제로페이, 지역화폐 모두 받아요.",
               "포장 되나요? 드시고 남은 음식은 용기에 담아 드려요.",
               "주차 안내: 건물 뒤 공영주차장을 이용해 주세요."]
    sims = [float(vector(message, 0) @ vector(e, 1)) for e in entries]
    assert int(np.argmax(sims)) == right, sims
