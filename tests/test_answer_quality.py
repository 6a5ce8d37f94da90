"""Answer quality on labelled question sets for two more stores (a restaurant and a 분식집).

The same judge as ../shared/eval/score.py; the sets were written by people who did not see the
bot's code. These thresholds guard against regressions; the cafe set is scored by the shared
scorer itself (`make eval`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {"demo": (DEMO, FIXTURES / "demo_eval" / "questions.jsonl"), "heldout": (FIXTURES / "heldout_eval" / "knowledge", FIXTURES / "heldout_eval" / "questions.jsonl")}


def judge(label: dict, got: dict) -> str | None:  # type: ignore[type-arg]
    """A copy of the shared scorer's rules, so this test runs without ../shared."""
    want, intent = label["intent"], got.get("intent")
    if intent not in ({want, "escalate"} if want == "unknown" else {want}):
        return f"intent {intent} != {want}"
    sources = [s.get("id") for s in got.get("sources") or []]
    if "source" in label and want in ("faq", "menu", "store_info") and (not sources or sources[0] != label["source"]):
        return f"source {sources[:2]} != {label['source']!r}"
    if want == "recommend" and (not sources or any(s not in set(label.get("allow", [])) for s in sources)):
        return f"recommend {sources}"
    if want == "escalate" and not got.get("escalate"):
        return "escalate flag false"
    missing = [c for c in label.get("contains", []) if c not in (got.get("answer") or "")]
    return f"answer lacks {missing}" if missing else None


@pytest.mark.parametrize("name", sorted(SETS))
def test_labelled_questions(name: str, tmp_path: Path) -> None:
    knowledge, questions = SETS[name]
    labels = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    batch = tmp_path / "q.txt"
    batch.write_text("\n".join(label["q"] for label in labels) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--knowledge", str(knowledge), "--now", "2026-11-24T14:00", "--json", "--batch", str(batch)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**__import__("os").environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index")},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(answers) == len(labels)
    failures = [(label["q"], why) for label, got in zip(labels, answers) if (why := judge(label, got))]
    score = 1 - len(failures) / len(labels)
    assert score >= 0.93, failures
