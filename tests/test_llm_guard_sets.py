"""Scripted model answers through a real server and KakaoTalk (tests/support/llm_guard.py): no wrong
one reaches a customer, and at most 2% of the correct ones are refused.

The tables were written by helpers who never saw the code (tests/fixtures/llm*/README*.md):
`wrong.jsonl` is a model that ignores the references and writes facts itself, `wrong_refs.jsonl` one
that uses references but errs or smuggles facts past them, `right_refs.jsonl` correct answers in the
protocol. Both shops are training data now (their first runs are in docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.support.llm_guard import Guard, guard, load

SETS = ROOT / "tests/fixtures"
SHOPS = {  # (folder, the clock its tables assume)
    "llm": "2026-01-10T12:00:00+09:00",  # 소담분식 연남점
    "llm_holdout": "2026-03-14T12:00:00+09:00",  # 물결횟집 망원본점 (first run recorded in docs/decisions.md)
    "llm_third": "2026-05-20T15:00:00+09:00",  # 은행나무 손칼국수 (first run recorded in docs/decisions.md)
}
WRONG = {"llm": ["wrong.jsonl", "wrong_refs.jsonl"], "llm_holdout": ["wrong_literal.jsonl", "wrong_refs.jsonl"],
         "llm_third": ["wrong_literal.jsonl", "wrong_refs.jsonl"]}
# Lines the helper marked wrong that the customer reads as true, kept visible here rather than dropped:
NOT_WRONG = {
    "X022": "{last_order:Friday} spells the day in English; the server reads it and fills Friday's true last order",
    "X066": "'24시간은 아니에요' repeats the customer's 24 and is true: the shop is not open around the clock",
}


@pytest.fixture(scope="module", params=sorted(SHOPS))
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Guard]]:
    name = request.param
    with guard(SETS / name / "knowledge", SHOPS[name], tmp_path_factory.mktemp("guard")) as g:
        yield name, g


def test_no_wrong_model_answer_reaches_a_customer(shop: tuple[str, Guard]) -> None:
    name, running = shop
    for table in WRONG[name]:
        lines = load(SETS / name / table)
        assert len(lines) >= 90
        reached = [(o.line.id, o.reply) for o in map(running.ask, lines) if o.reached and not (name == "llm_third" and o.line.id in NOT_WRONG)]
        assert reached == [], table


def test_talktalk_lets_through_the_same_and_no_more(shop: tuple[str, Guard]) -> None:
    """Every fourth line of each table again, through TalkTalk: the guard sits behind both channels."""
    name, running = shop
    for table in [*WRONG[name], "right_refs.jsonl"]:
        lines = load(SETS / name / table)[::4]
        outcomes = [running.ask(line, "naver") for line in lines]
        if table == "right_refs.jsonl":
            asked = [o for o in outcomes if o.asked]
            assert sum(not o.reached for o in asked) <= max(1, 0.02 * len(asked))
        else:
            assert [o.line.id for o in outcomes if o.reached and not (name == "llm_third" and o.line.id in NOT_WRONG)] == [], table


def test_correct_model_answers_are_let_through(shop: tuple[str, Guard]) -> None:
    name, running = shop
    outcomes = [running.ask(line) for line in load(SETS / name / "right_refs.jsonl")]
    asked = [o for o in outcomes if o.asked]
    refused = [(o.line.id, o.line.model_answer) for o in asked if not o.reached]
    assert len(asked) >= 150
    assert len(refused) <= 0.02 * len(asked), refused
    for o in asked:
        if o.reached:
            assert "{" not in o.reply and "}" not in o.reply  # every reference was filled
