"""Score every labelled store: answers with `shared/eval/score.py`, allergy probes with the rules
of `shared/spec/allergens.md`, recommendations against their `allow` lists.

    .venv/bin/python bench/eval_sets.py                   # every set under tests/fixtures/eval
    .venv/bin/python bench/eval_sets.py bakery chicken -v # some sets, printing every failure

Each set is a folder with `knowledge/`, `questions.jsonl`, optionally `safety.jsonl`, and
`set.json` holding the clock the questions were written for. Written by people who never read
the bot's code; a set that has steered a change is training data from then on (docs/decisions.md
says which sets are which). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.judges import judge_safety  # noqa: E402  (one judge for the tests and these figures)

SETS = ROOT / "tests" / "fixtures" / "eval"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
CLI = [sys.executable, "-m", "bot"]


def ask(knowledge: Path, questions: list[str], now: str | None) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(q.replace("\n", " ") for q in questions) + "\n")
    cmd = [*CLI, "ask", "--knowledge", str(knowledge), "--json", "--batch", f.name] + (["--now", now] if now else [])
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(run.stderr[-2000:])
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def score_set(folder: Path, verbose: bool) -> dict[str, str]:
    meta = json.loads((folder / "set.json").read_text(encoding="utf-8")) if (folder / "set.json").exists() else {}
    now = meta.get("now")
    cmd = [sys.executable, str(SCORER), "--set", str(folder), "--cmd", " ".join(CLI)] + (["--now", now] if now else [])
    run = subprocess.run([*cmd, "-v"] if verbose else cmd, capture_output=True, text=True, cwd=ROOT)
    lines = run.stdout.strip().splitlines()
    if verbose:
        print("\n".join(lines[:-1]))
    out = {"answers": lines[-1].removeprefix("score: ") if lines else run.stderr[-300:]}
    safety = folder / "safety.jsonl"
    if safety.exists():
        probes = [json.loads(line) for line in safety.read_text(encoding="utf-8").splitlines() if line.strip()]
        answers = ask(folder / "knowledge", [p["q"] for p in probes], now)
        bad = [(p, a, why) for p, a in zip(probes, answers) if (why := judge_safety(p, a))]
        out["allergy"] = f"{len(probes) - len(bad)}/{len(probes)} safe"
        if verbose:
            for p, a, why in bad:
                print(f"  UNSAFE [{p['kind']}] {p['q']!r}: {why}\n     -> {a.get('intent')} {a.get('answer', '')[:160]!r}")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sets", nargs="*", help="set names under tests/fixtures/eval (default: all)")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args()
    folders = [SETS / n for n in a.sets] if a.sets else sorted(d for d in SETS.iterdir() if (d / "questions.jsonl").exists())
    for folder in folders:
        result = score_set(folder, a.verbose)
        print(f"{folder.name:12} answers {result['answers']:24} allergy {result.get('allergy', '-')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
