"""A second, semantic net under the urgent flags: words the lexicon does not list, close in meaning to
a kind's core concepts by Kiwi's CoNg word vectors (already loaded for the tokenizer; offline).

The regex lexicon (bot/reviews/urgent.py) meets a new writer's wording at about 83% recall; each
kind's core concepts (a creature or a foreign object in food; a symptom; money back; an insult) are a
small, closed set, and their neighbours in Kiwi's vectors (벌레 → 거미, 진드기, 나방, 지렁이) cover
words nobody wrote into the lexicon. The neighbours are computed once per process from the seeds
below (general Korean, not phrases from any review set), kept only above a similarity floor and in
content tags, and used only in a complaint: a sentence that reads negative (or a review with one or
two stars) with a neighbour of a kind's seed flags that kind.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

SEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "hygiene": (("벌레", "NNG"), ("곤충", "NNG"), ("이물질", "NNG"), ("곰팡이", "NNG"), ("머리카락", "NNG"), ("쓰레기", "NNG"),
                ("오물", "NNG"), ("비위생", "NNG"), ("악취", "NNG"), ("썩", "VV")),
    "health": (("복통", "NNG"), ("구토", "NNG"), ("두드러기", "NNG"), ("식중독", "NNG"), ("장염", "NNG"), ("발진", "NNG"),
               ("고열", "NNG"), ("어지럼증", "NNG")),
    "refund": (("환불", "NNG"), ("배상", "NNG"), ("보상금", "NNG"), ("소송", "NNG"), ("민원", "NNG"), ("차액", "NNG")),
    "abuse": (("욕설", "NNG"), ("모욕", "NNG"), ("폭언", "NNG"), ("협박", "NNG"), ("조롱", "NNG"), ("멸시", "NNG"),
              ("차별", "NNG"), ("희롱", "NNG")),
}
FLOOR = 0.66  # below this the neighbours turn into the topic's surroundings (벌레 → 풀잎 0.65, 새 0.67 is kept out by tag)
TAGS = ("NNG", "VV", "VA")
# Neighbours that name ordinary things in a food review, whatever the vectors say.
COMMON = frozenset({"새", "짐승", "풀잎", "풀", "꽃", "나무", "고기", "생선", "음식", "밥", "빵", "물", "맛", "가격", "돈", "결제", "예약", "주문",
                    "배송", "배송비", "예약금", "일시불", "선금", "결제일", "다이렉트", "완납", "매대", "바코드", "빈속", "먹성", "자연식품",
                    "이열치열", "오리고기", "목감기", "감기", "손톱", "이마", "목덜미", "정수리", "머릿결", "숱", "곱슬머리", "턱수염", "콧수염",
                    "잔소리", "구박", "험담", "흉보", "헐뜯"})


@lru_cache(maxsize=1)
def neighbours() -> dict[str, frozenset[str]]:
    """kind -> the forms near its seeds (computed once, about a millisecond a seed)."""
    from bot.kb.tokenizer import KiwiTokenizer, get_tokenizer

    tok = get_tokenizer("kiwi")
    kiwi: Any = tok._kiwi if isinstance(tok, KiwiTokenizer) else None
    out: dict[str, frozenset[str]] = {}
    for kind, seeds in SEEDS.items():
        found: set[str] = set()
        for form, tag in seeds:
            found.add(form)
            if kiwi is None:
                continue
            try:
                for m in kiwi.most_similar_morphemes((form, tag), top_n=25):
                    if m.score >= FLOOR and m.tag in TAGS and len(m.form) >= 2 and m.form not in COMMON:
                        found.add(m.form)
            except Exception:  # noqa: BLE001 - a seed Kiwi does not know adds nothing
                log.debug("no neighbours for %s/%s", form, tag)
        out[kind] = frozenset(found)
    return out


def kinds_of(sentences: list[list[Any]]) -> set[str]:
    return set().union(*(kinds(m) for m in sentences)) if sentences else set()


def kinds(morphs: list[Any]) -> set[str]:
    """The kinds whose concepts a sentence's morphemes touch, through words the lexicon does not know
    (the lexicon's own words are judged with its guards: a negated or joking mention stays unflagged)."""
    from bot.reviews.urgent import PATTERNS

    near = neighbours()
    forms = {m.form for m in morphs if m.tag.split("-")[0] in TAGS}
    return {kind for kind, words in near.items() if any(not PATTERNS[kind].search(f) for f in forms & words)}
