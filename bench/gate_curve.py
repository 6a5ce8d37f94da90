"""The "I don't know" gate, measured: for each FAQ confidence threshold, how often an FAQ answer
is the right one (precision), how many FAQ questions get their answer (recall), and how many
questions the files do not answer are still answered with something (false answers).

    .venv/bin/python bench/gate_curve.py bakery chicken banchan

Prints a table; asserts nothing. A wrong answer costs more than a hand-over, so the threshold is
chosen for precision first (docs/decisions.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "fixtures" / "eval"
sys.path.insert(0, str(ROOT))
from tests.support.judges import judge  # noqa: E402


def run(name: str, threshold: float) -> tuple[int, int, int, int, int, int]:
    folder = SETS / name
    labels = [json.loads(line) for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    now = json.loads((folder / "set.json").read_text(encoding="utf-8"))["now"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(label["q"].replace("\n", " ") for label in labels) + "\n")
    env = {**os.environ, "DANGGOL_RETRIEVAL__MIN_CONFIDENCE": str(threshold)}
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--knowledge", str(folder / "knowledge"), "--now", now, "--json", "--batch", f.name],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=True).stdout
    got = [json.loads(line) for line in out.splitlines()]
    faq_answers = [(label, g) for label, g in zip(labels, got) if g["intent"] == "faq"]
    right_faq = sum(judge(label, g) is None for label, g in faq_answers)
    faq_labels = [(label, g) for label, g in zip(labels, got) if label["intent"] == "faq"]
    found = sum(judge(label, g) is None for label, g in faq_labels)
    unknown = [(label, g) for label, g in zip(labels, got) if label["intent"] == "unknown"]
    false = sum(g["intent"] not in ("unknown", "escalate") for _, g in unknown)
    total = sum(judge(label, g) is None for label, g in zip(labels, got))
    return right_faq, len(faq_answers), found, len(faq_labels), false, len(unknown) * 1000 + total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sets", nargs="+")
    p.add_argument("--thresholds", default="0.16,0.20,0.24,0.28,0.32,0.36")
    a = p.parse_args()
    print(f"{'threshold':>9}  {'FAQ precision':>14}  {'FAQ recall':>11}  {'unknowns answered':>18}  {'all right':>9}")
    for t in (float(x) for x in a.thresholds.split(",")):
        rows = [run(name, t) for name in a.sets]
        rp, np_, rr, nr, fa = (sum(r[i] for r in rows) for i in range(5))
        nu, total = sum(r[5] // 1000 for r in rows), sum(r[5] % 1000 for r in rows)
        print(f"{t:>9.2f}  {rp:>5}/{np_:<4} {rp / max(np_, 1):5.1%}  {rr:>4}/{nr:<4} {rr / max(nr, 1):5.1%}  {fa:>8}/{nu:<4}"
              f"        {total:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
