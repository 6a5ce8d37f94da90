"""The questions inside one message: two or three asked at once, or one at the end of a long story.

Customers write "주차 되고 아이 의자 있어요?" and expect both answers; they also tell a long
story and ask at the very end. Splitting is conservative: a part must carry its own predicate
(되고, 있고, 돼요?) so that "떡볶이랑 순대 얼마예요?" stays one question about two items.
"""

from __future__ import annotations

import re

MAX_PARTS = 3
# Where one question ends and another begins: a question mark or sentence end, or a clause that
# ends in a connective after its own predicate (되고, 있고, 하고, 이고, 되나요 그리고).
SENTENCE = re.compile(r"(?<=[?？!])\s+|(?<=[.。])\s+|\n+")
CLAUSE = re.compile(r"(?<=되고|있고|없고|돼고|되구|있구|이고|이구|되며)\s+(?=[가-힣])")
ASKS = re.compile(r"\?|나요|까요|는지|뭐|얼마|어디|언제|몇|어떻|되나|돼요|있어요|있나|없나|하나요|가능|알려|주세요|인가요|예요|에요|죠")
# A question of a frame word alone ("얼마?", "몇 시요?", "어디예요?") asks about what the one before it named.
FRAME_ONLY = re.compile(r"(얼마|가격|금액|언제|어디|몇\s*(시|개|명|분|장|인분)|뭐|무슨\s*맛|어떻게)[가-힣]{0,4}\s*[?？!.~]*")
CONTENT = re.compile(r"[가-힣a-z]{2,}", re.I)


def questions(text: str) -> list[str]:
    """Up to three questions of one message, in order; one element when it asks one thing."""
    asked: list[str] = []
    for sentence in SENTENCE.split(text.strip()):
        if not ASKS.search(sentence):
            continue  # the story around the questions
        if asked and FRAME_ONLY.fullmatch(sentence.strip()):
            asked[-1] = f"{asked[-1]} {sentence.strip()}"  # "와인 있어요? 얼마?": the price of that wine
            continue
        pieces = [p.strip() for p in CLAUSE.split(sentence) if p.strip()]
        # A clause split off with 되고/있고 asks with the predicate at its sentence's end; it
        # must name something of its own (주차 되고 / 아이 의자 있어요?).
        if len(pieces) > 1 and all(len(CONTENT.findall(p)) >= 2 for p in pieces):
            asked += pieces
        else:
            asked.append(sentence.strip())
    if len(asked) < 2 or len(asked) > MAX_PARTS:
        return [text]
    return asked


def focus(text: str, limit: int) -> str:
    """A long message cut to `limit` characters around what it asks: the questions and the end,
    where a story's question usually sits, instead of the first `limit` characters."""
    if len(text) <= limit:
        return text
    sentences = [s for s in SENTENCE.split(text) if s.strip()]
    keep = [s for s in sentences if ASKS.search(s)] or sentences[-2:]
    picked: list[str] = []
    for s in reversed(keep):  # the last questions first: the story comes before the ask
        if sum(len(p) + 1 for p in picked) + len(s) > limit:
            break
        picked.insert(0, s.strip())
    return " ".join(picked) if picked else text[-limit:]
