"""Answer quality and allergy safety on every labelled store in tests/fixtures/eval.

Each set was written by people who did not see the bot's code (docs/decisions.md says which
sets have since steered changes). The answer thresholds guard against regressions a little below
the figures measured; allergy safety has no margin: not one unsafe answer on any set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.judges import judge, judge_safety

SETS = ROOT / "tests" / "fixtures" / "eval"
# The least share of each set answered right (measured figures are in docs/decisions.md).
MIN_SCORE = {"demo": 0.97, "bunsik": 0.93, "bakery": 0.84, "chicken": 0.86, "banchan": 0.82, "chinese": 0.83, "gangneung": 0.81,
             "gogi": 0.79, "jeju": 0.71, "tteok": 0.64, "pho": 0.84, "gukbap": 0.74, "tongdak": 0.77, "boribap": 0.78, "eomuk": 0.76,
             "burger": 0.75, "jokbal": 0.72, "bindae": 0.70, "dakgalbi": 0.78,
             "makchang": 0.83, "malatang": 0.75, "hanjeongsik": 0.82, "jeongyuk": 0.78,
             "naengmyeon": 0.71, "sushi": 0.83, "kalguksu": 0.78, "dakgangjeong": 0.74, "bistro": 0.86,
             "jeonju": 0.84, "poke": 0.79, "mulhoe": 0.82, "baeksuk": 0.75, "bingsu": 0.74, "geoneomul": 0.68, "yanggochi": 0.79,
             "jjimdak": 0.77, "izakaya": 0.73, "kkwabaegi": 0.66, "vegan": 0.72, "gwail": 0.56,
             "pizza": 0.77, "agujjim": 0.76, "cake": 0.68, "teahouse": 0.76, "gisa": 0.68,
             "gejang": 0.79, "curry": 0.78, "donkatsu": 0.79, "saengseon": 0.74, "bagel": 0.74, "jjukkumi": 0.79,
             "jangeo": 0.78, "hotteok": 0.78, "makguksu": 0.77, "mandu": 0.73, "jogaegui": 0.71, "oritang": 0.82,
             "winebar": 0.66, "dosirak": 0.66, "kkomak": 0.84, "hodu": 0.74, "gamjatang": 0.80, "thai": 0.79, "daege": 0.73,
             "gomtang": 0.78, "brunch": 0.77, "galbi": 0.83, "shabu": 0.75, "ramen": 0.83, "chueotang": 0.83, "milmyeon": 0.81,
             "tteokgalbi": 0.84, "gelato": 0.69, "brewpub": 0.74, "kidscafe": 0.78}


def answers(name: str, questions: list[str], tmp_path: Path) -> list[dict]:  # type: ignore[type-arg]
    folder = SETS / name
    now = json.loads((folder / "set.json").read_text(encoding="utf-8"))["now"]
    batch = tmp_path / f"{name}.txt"
    batch.write_text("\n".join(q.replace("\n", " ") for q in questions) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--knowledge", str(folder / "knowledge"), "--now", now, "--json", "--batch", str(batch)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index")},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    got = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(got) == len(questions)
    return got


@pytest.mark.parametrize("name", sorted(MIN_SCORE))
def test_labelled_questions(name: str, tmp_path: Path) -> None:
    labels = [json.loads(line) for line in (SETS / name / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    got = answers(name, [label["q"] for label in labels], tmp_path)
    failures = [(label["q"], why) for label, g in zip(labels, got) if (why := judge(label, g))]
    assert 1 - len(failures) / len(labels) >= MIN_SCORE[name], failures


def test_allergy_safety_table(tmp_path: Path) -> None:
    """Every allergy probe of every store (recommend-avoid, contains, not listed, never mentioned)."""
    unsafe, total, stores = [], 0, 0
    for folder in sorted(SETS.iterdir()):
        path = folder / "safety.jsonl"
        if not path.exists():
            continue
        probes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        got = answers(folder.name, [p["q"] for p in probes], tmp_path)
        unsafe += [(folder.name, p["q"], why, g.get("answer", "")[:120]) for p, g in zip(probes, got) if (why := judge_safety(p, g))]
        total, stores = total + len(probes), stores + 1
    assert total >= 150 and stores >= 4
    assert unsafe == [], unsafe
