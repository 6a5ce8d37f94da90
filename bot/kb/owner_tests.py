"""The owner's own tests: `knowledge/tests.yaml`, questions with what their answer must be.

```yaml
- 질문: 주차 되나요?
  근거: 주차할 수 있나요?        # the FAQ question or menu item the answer must come from
- 질문: 김치찌개 얼마예요?
  포함: 9,000원                  # words the answer must contain (one, or a list)
- 질문: 내일 몇 시에 열어요?
  의도: store_info               # what kind of answer (faq, menu, store_info, reservation, ...)
  제외: 휴무                     # words it must not contain
```

English keys (question, source, contains, intent, excludes) work too. `danggol test` runs them
offline; the console's preview asks their questions before an edit is saved, and "이 대화를
테스트로 저장" appends a conversation's answered questions here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.josa import josa
from bot.kb.errors import Problem
from bot.messages import Reply

TESTS_FILE = "tests.yaml"
KEYS = {"질문": "question", "question": "question", "근거": "source", "출처": "source", "source": "source", "포함": "contains",
        "contains": "contains", "의도": "intent", "intent": "intent", "제외": "excludes", "excludes": "excludes"}


@dataclass(frozen=True)
class OwnerTest:
    question: str
    line: int
    source: str = ""
    intent: str = ""
    contains: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


@dataclass
class Outcome:
    test: OwnerTest
    answer: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return (str(value),) if str(value).strip() else ()


def load_tests(root: Path) -> tuple[list[OwnerTest], list[Problem]]:
    """The tests in `root/tests.yaml` (none when the file is missing) and the problems found, located."""
    import yaml

    path = root / TESTS_FILE
    if not path.is_file():
        return [], []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(TESTS_FILE, None, "글자 인코딩을 읽을 수 없어요. UTF-8로 저장해 주세요.")]
    try:
        nodes = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)  # where the broken part starts
        return [], [Problem(TESTS_FILE, mark.line + 1 if mark else None,
                            "YAML 형식이 맞지 않아요. 줄 앞의 빈칸(들여쓰기)과 '- 질문:' 모양을 확인해 주세요.")]
    if nodes is None:
        return [], []
    if not isinstance(nodes, yaml.SequenceNode):
        return [], [Problem(TESTS_FILE, 1, "테스트는 '- 질문: ...'으로 시작하는 목록으로 적어 주세요.")]
    tests: list[OwnerTest] = []
    problems: list[Problem] = []
    for node in nodes.value:
        line = node.start_mark.line + 1
        item = yaml.safe_load(yaml.serialize(node))
        if not isinstance(item, dict):
            problems.append(Problem(TESTS_FILE, line, "테스트마다 '질문:'과 확인할 것(근거:, 포함:, 의도:)을 적어 주세요."))
            continue
        fields: dict[str, Any] = {}
        for key, value in item.items():
            name = KEYS.get(str(key).strip())
            if name is None:
                problems.append(Problem(TESTS_FILE, line, f"{josa(repr(str(key)), '은')} 알 수 없는 항목이에요. 질문, 근거, 포함, 의도, 제외 중에서 골라 주세요."))
                continue
            fields[name] = value
        question = str(fields.get("question") or "").strip()
        if not question:
            problems.append(Problem(TESTS_FILE, line, "'질문:'이 비어 있어요."))
            continue
        test = OwnerTest(question, line, str(fields.get("source") or "").strip(), str(fields.get("intent") or "").strip(),
                         _words(fields.get("contains")), _words(fields.get("excludes")))
        if not (test.source or test.intent or test.contains or test.excludes):
            problems.append(Problem(TESTS_FILE, line, f"'{question}' 테스트에 확인할 것이 없어요. 근거:, 포함:, 의도: 중 하나를 적어 주세요."))
            continue
        tests.append(test)
    return tests, problems


def judge(test: OwnerTest, reply: Reply) -> Outcome:
    """What the answer got wrong, in Korean (nothing when it passed)."""
    answer = "\n".join(reply.texts)
    failures = []
    sources = [s.id for s in reply.sources]
    if test.source and test.source not in sources:
        got = ", ".join(sources) if sources else "근거 없음"
        failures.append(f"'{test.source}'에서 답해야 하는데 {got}에서 답했어요.")
    if test.intent and reply.intent != test.intent:
        failures.append(f"답의 종류가 {test.intent}여야 하는데 {reply.intent}였어요.")
    compact = answer.replace(" ", "")
    for word in test.contains:
        if word.replace(" ", "") not in compact:
            failures.append(f"답에 '{word}'이(가) 없어요.".replace("이(가)", _subject(word)))
    for word in test.excludes:
        if word.replace(" ", "") in compact:
            failures.append(f"답에 '{word}'이(가) 들어 있으면 안 돼요.".replace("이(가)", _subject(word)))
    return Outcome(test, answer, failures)


def _subject(word: str) -> str:
    return josa(word, "이")[len(word):]


def as_yaml(question: str, reply: Reply) -> str:
    """A test that keeps today's answer: its source when it has one, else its kind; JSON strings are
    valid YAML, so any text is quoted safely."""
    lines = [f"- 질문: {json.dumps(question, ensure_ascii=False)}"]
    sources = [s for s in reply.sources if s.kind in ("faq", "menu")]
    if sources:
        lines.append(f"  근거: {json.dumps(sources[0].id, ensure_ascii=False)}")
    lines.append(f"  의도: {reply.intent}")
    return "\n".join(lines) + "\n"
