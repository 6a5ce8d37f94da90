"""수신거부 recognition on four sets written from the spec by writers who never saw the recogniser:
optout.yaml (its first run was 88/106 recognised, 89/91 near-misses left alone; the method was then
tuned on it) and optout_heldout.yaml (scored once before any change it prompted: 90/99 and 80/84;
tuned after) and optout_fresh.yaml (a third writer, scored once before any change it prompted: 80/92
and 80/85; tuned after) and optout_final.yaml (a fourth writer, scored once on the method final after
the third: 75/81 and 76/81; tuned after). All must stay at 95% or better on each side; the `ambiguous` lists are not
scored."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.outreach.optout import is_optout

SETS = Path(__file__).parent.parent / "fixtures" / "outreach"


@pytest.mark.parametrize("name", ["optout.yaml", "optout_heldout.yaml", "optout_fresh.yaml", "optout_final.yaml"])
def test_opt_out_phrasings_are_recognised_and_near_misses_are_not(name: str) -> None:
    data = yaml.safe_load((SETS / name).read_text(encoding="utf-8"))
    said, near = data["optout"], data["not_optout"]
    assert len(said) >= 40 and len(near) >= 40
    missed = [t for t in said if not is_optout(t)]
    false = [t for t in near if is_optout(t)]
    assert len(said) - len(missed) >= 0.95 * len(said), missed
    assert len(near) - len(false) >= 0.95 * len(near), false


def test_long_messages_and_empty_ones_are_not_opt_outs() -> None:
    assert not is_optout("")
    assert not is_optout("   ")
    assert not is_optout("광고 " * 300)  # a pasted wall of text is not a request
