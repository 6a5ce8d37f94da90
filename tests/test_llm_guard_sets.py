"""Scripted model answers through a real server and KakaoTalk (tests/support/llm_guard.py): no wrong
one reaches a customer, and at most 2% of the correct ones are refused.

The tables were written by helpers who never saw the code (tests/fixtures/llm/README.md):
`wrong.jsonl` is a model that ignores the references and writes facts itself, `wrong_refs.jsonl` one
that uses references but errs or smuggles facts past them, `right_refs.jsonl` correct answers in the
protocol. They are training data now; the untouched shop in tests/fixtures/llm_holdout/ is scored by
bench/llm_guard.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.support.llm_guard import Guard, guard, load

SETS = ROOT / "tests/fixtures/llm"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guard]:
    with guard(SETS / "knowledge", "2026-01-10T12:00:00+09:00", tmp_path_factory.mktemp("guard")) as g:
        yield g


@pytest.mark.parametrize("table", ["wrong.jsonl", "wrong_refs.jsonl"])
def test_no_wrong_model_answer_reaches_a_customer(running: Guard, table: str) -> None:
    lines = load(SETS / table)
    assert len(lines) >= 140
    reached = [(o.line.id, o.reply) for o in map(running.ask, lines) if o.reached]
    assert reached == []


def test_correct_model_answers_are_let_through(running: Guard) -> None:
    outcomes = [running.ask(line) for line in load(SETS / "right_refs.jsonl")]
    asked = [o for o in outcomes if o.asked]
    refused = [(o.line.id, o.line.model_answer) for o in asked if not o.reached]
    assert len(asked) >= 150
    assert len(refused) <= 0.02 * len(asked), refused
    for o in asked:
        if o.reached:
            assert "{" not in o.reply and "}" not in o.reply  # every reference was filled
