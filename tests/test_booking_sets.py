"""Booking conversations written by people who never read the bot's code, played against the real
engine and booking service and graded on the database (tests/support/dialogues.py).

Floors, not targets: each set must keep at least the share of right end states and right
refusal reasons it reached when the method was final (docs/decisions.md has the first-run and
final figures; `bench/bookings.py -v` prints every miss).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.dialogues import play_set

SETS = Path(__file__).parent / "fixtures" / "bookings"
# set: (end states, reasons)
FLOORS = {"restaurant": (0.97, 0.97), "cafe": (0.97, 0.97), "bbq": (0.97, 0.97), "pub": (0.97, 0.97), "shabu": (0.97, 0.97)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_booking_conversations_end_in_the_right_state(name: str) -> None:
    outcomes = play_set(SETS / name)
    assert len(outcomes) >= 40
    state = sum(o.state_ok for o in outcomes) / len(outcomes)
    reason = sum(o.reason_ok for o in outcomes) / len(outcomes)
    wrong = "\n".join(o.report() for o in outcomes if not o.reason_ok)
    floor_state, floor_reason = FLOORS[name]
    assert state >= floor_state and reason >= floor_reason, f"{name}: state {state:.1%}, reason {reason:.1%}\n{wrong}"


def test_the_grader_catches_a_wrong_end_state(tmp_path: Path) -> None:
    """The grader is not blind: a conversation whose expectation the bot cannot meet is graded wrong."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "knowledge").symlink_to((SETS / "restaurant" / "knowledge").resolve())
    line = ('{"id": "X1", "now": "2026-12-09T14:20", "turns": ["안녕하세요"], "kind": "book", '
            '"expect": {"bookings": [{"start": "2026-12-11T19:00", "party": 2, "name": null}], "handoff": false, "reason": null}}')
    (folder / "conversations.jsonl").write_text(line + "\n", encoding="utf-8")
    [outcome] = play_set(folder)
    assert not outcome.state_ok and not outcome.reason_ok
