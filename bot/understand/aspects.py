"""What a question asks of its topic: its cost, its time, its place, its way, its amount or its kind.

Why: a shop's FAQ often holds several entries on one topic, and the topic words alone cannot tell
them apart. 택배 has "택배 되나요?", "택배비 얼마예요?", "언제 받아요?" and "택배는 어떻게 주문해요?";
a customer who asks what shipping costs, how long it takes or how one orders it says so with a
question word (얼마, 며칠, 어떻게), not with the heading's topic word. The search sees topics; the
ranker (bot/kb/rank.py) also compares these aspects of the message and of each entry's question.

The forms are general Korean (and English) question vocabulary, read on text already normalised
(bot/understand/normalize.py maps 우째, 얼매, 워디 and chat spellings to standard words). A form
must not be a part of another word: 돈 is not 돈가스, 값 is a word of its own, 몇 분 is left out
because it counts minutes and guests alike.
"""

from __future__ import annotations

import re

_W = r"(?<![가-힣])"  # a word start

ASPECTS: dict[str, re.Pattern[str]] = {
    "cost": re.compile(
        _W + r"(얼마(?!나)|얼만|가격|비용|요금|금액|값|무료|공짜|유료|추가금|추가\s*요금|돈(?![가까]스|카츠|육|사태|앞다리))"
        r"|\d\s*(원|만\s*원)|[가-힣](비|료|값|세)\s*(얼마|받|내)"
        r"|(택배|배달|배송|포장|주차|입장|대관|이용|서비스|상차림|콜키지|자릿)\s*(비|료|값|세)(?![가-힣])"
        r"|\b(how much|price|prices|cost|costs|fee|fees|charge|charges|free)\b", re.I),
    "time": re.compile(
        _W + r"(언제|며칠|메칠|몇\s*일|몇\s*시|몇\s*시간|몇\s*주|얼마나\s*(걸|오래|있다가|지나|기다|보관|가|두)|오래\s*(걸|가|두|보관)"
        r"|걸리|걸려|기간|유효\s*기간|소요)"
        r"|\b(when|how long|what time|how many days|how soon)\b", re.I),
    "place": re.compile(_W + r"(어디|어데|어딨|어느\s*(쪽|역|곳|건물|층|출구)|위치)|\b(where)\b", re.I),
    "way": re.compile(_W + r"(어떻게|어떡|어찌|방법|요령)|\bhow (do|can|to|should|would)\b", re.I),
    "amount": re.compile(
        _W + r"(몇\s*(명|개|인분|그람|그램|키로|근|마리|판|접시|박스|상자|통|병|잔|봉|팩|줄|장|알|조각|kg|g|인|사람|테이블)"
        r"|얼마나\s*(많|나와|나오|들어|양|먹)|양\s*(이|은|도)?\s*(많|적|얼마|어느))"
        r"|\bhow many\b", re.I),
    "kind": re.compile(_W + r"(무슨|어떤|어느\s*(거|것|게|종류|메뉴|카드|앱)|뭐\s*뭐|종류|뭐가\s*있)|\b(which|what kind)\b", re.I),
}


def aspects(text: str) -> frozenset[str]:
    """The aspects a question (or an owner's FAQ heading) asks about."""
    return frozenset(name for name, pattern in ASPECTS.items() if pattern.search(text))
