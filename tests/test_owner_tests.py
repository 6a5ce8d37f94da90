"""The owner's tests (knowledge/tests.yaml): read with located problems, judged in Korean, run by
`danggol test`; the demo store's example passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.kb.owner_tests import OwnerTest, as_yaml, judge, load_tests
from bot.messages import Reply, Source
from tests.conftest import DEMO, ROOT


def test_tests_are_read_in_korean_or_english_keys_with_located_problems(tmp_path: Path) -> None:
    (tmp_path / "tests.yaml").write_text(
        "# 사장님 테스트\n- 질문: 주차 돼요?\n  근거: 주차할 수 있나요?\n- question: 얼마예요\n  contains: [\"9,000원\", 김치]\n"
        "- 질문: 아무거나\n- 질문: 뭐\n  느낌: 좋음\n", encoding="utf-8")
    tests, problems = load_tests(tmp_path)
    assert [t.question for t in tests] == ["주차 돼요?", "얼마예요"] and tests[1].contains == ("9,000원", "김치")
    assert tests[0].line == 2 and [p.line for p in problems] == [6, 7, 7]
    assert "확인할 것이 없어요" in problems[0].message and "'느낌'은 알 수 없는 항목" in problems[1].message
    (tmp_path / "tests.yaml").write_text("- 질문: [닫히지 않은\n", encoding="utf-8")
    tests, problems = load_tests(tmp_path)
    assert tests == [] and problems[0].line == 1 and "YAML 형식" in problems[0].message


def test_a_failure_says_what_was_wrong() -> None:
    reply = Reply("faq", ["지하 주차장 2시간 무료예요."], [Source("faq", "주차할 수 있나요?")])
    assert judge(OwnerTest("주차", 1, source="주차할 수 있나요?", contains=("2시간",)), reply).passed
    bad = judge(OwnerTest("주차", 1, source="영업시간", intent="store_info", contains=("유료",), excludes=("무료",)), reply)
    assert bad.failures == ["'영업시간'에서 답해야 하는데 주차할 수 있나요?에서 답했어요.", "답의 종류가 store_info여야 하는데 faq였어요.",
                            "답에 '유료'가 없어요.", "답에 '무료'가 들어 있으면 안 돼요."]
    assert as_yaml('그 "주차" 돼요?', reply) == '- 질문: "그 \\"주차\\" 돼요?"\n  근거: "주차할 수 있나요?"\n  의도: faq\n'


def test_danggol_test_runs_the_demo_example_and_fails_on_a_broken_test(tmp_path: Path) -> None:
    env = {**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index")}
    ok = subprocess.run([sys.executable, "-m", "bot", "test"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=180)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "통과" in ok.stdout and "✗" not in ok.stdout
    shop = tmp_path / "knowledge"
    shutil.copytree(DEMO, shop)
    (shop / "tests.yaml").write_text("- 질문: 주차 되나요?\n  근거: 영업시간이 어떻게 되나요?\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "bot", "test", "--knowledge", str(shop)], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=180)
    assert bad.returncode == 1 and "✗ 주차 되나요?" in bad.stdout and "tests.yaml:1" in bad.stdout
