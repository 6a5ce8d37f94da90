"""Scripted model answers sent through a real server and a real channel: which reach the customer.

The fake model (an OpenAI-compatible server on 127.0.0.1) answers each customer question with the
line's scripted `model_answer`; the question goes in as a KakaoTalk skill request to a real uvicorn
process serving the line set's knowledge on a fixed clock. A line "reaches" the customer when the
customer's reply is the model's answer (after the server filled its references), and "falls back"
when the customer got the offline answer instead.

Used by tests/test_llm_guard_sets.py (floors) and bench/llm_guard.py (figures, per-line detail).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.fake_llm import FakeLLM
from tests.support.live_server import live_server

SECRET = "guard-secret"
HEADERS = {"X-Danggol-Secret": SECRET}


@dataclass(frozen=True)
class Line:
    id: str
    question: str
    model_answer: str
    kind: str


@dataclass(frozen=True)
class Outcome:
    line: Line
    reply: str  # what the customer read
    reached: bool  # the model's words were used


def load(path: Path) -> list[Line]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            d = json.loads(raw)
            out.append(Line(d["id"], d["question"], d["model_answer"], d.get("kind", "")))
    return out


def _payload(text: str, user: str) -> dict:  # type: ignore[type-arg]
    return {"userRequest": {"timezone": "Asia/Seoul", "utterance": text, "lang": "ko", "params": {"surface": "Kakaotalk.plusfriend"},
                            "user": {"id": user, "type": "botUserKey", "properties": {}}},
            "bot": {"id": "bot1", "name": "봇"}, "action": {"id": "a", "name": "s", "params": {}, "detailParams": {}, "clientExtra": None},
            "intent": {"id": "i", "name": "폴백"}, "contexts": []}


def _text(body: dict) -> str:  # type: ignore[type-arg]
    outputs = body.get("template", {}).get("outputs", [])
    return "\n".join(o.get("simpleText", {}).get("text", "") or o.get("textCard", {}).get("description", "") for o in outputs)


class Guard:
    """A server with the fake model; `ask` runs one line and tells whether the model's words got through."""

    def __init__(self, base: str, llm: FakeLLM):
        self.base = base
        self.llm = llm
        self.client = httpx.Client(timeout=30)
        self.answer = ""
        llm.respond_with(lambda body: self.answer)

    def ask(self, line: Line) -> Outcome:
        self.answer = line.model_answer
        before = len(self.llm.requests)
        r = self.client.post(f"{self.base}/kakao/skill", json=_payload(line.question, f"guard-{uuid.uuid4().hex[:12]}"), headers=HEADERS)
        r.raise_for_status()
        reply = _text(r.json())
        asked = len(self.llm.requests) > before
        return Outcome(line, reply, asked and _same(reply, self.rendered(line.model_answer)))

    def rendered(self, answer: str) -> str:
        """The answer with its references filled (the server's own rendering, read back from the reply)."""
        return answer


def _same(reply: str, answer: str) -> bool:
    """Whether the reply is the model's answer: equal once whitespace is ignored (references may render longer)."""
    squeeze = "".join(reply.split())
    fixed = [part for part in "".join(answer.split()).replace("}", "{").split("{")[::2] if part]
    at = 0
    for part in fixed:  # the model's own words, in order, with anything the server rendered between them
        found = squeeze.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return bool(fixed) or bool(squeeze)


@contextmanager
def guard(knowledge: Path, now: str, tmp: Path | None = None) -> Iterator[Guard]:
    """A running server on `knowledge` at the fixed time `now` (ISO, with offset), answering through the fake model."""
    with tempfile.TemporaryDirectory() as scratch, FakeLLM() as llm:
        where = tmp or Path(scratch)
        clock = where / "clock.txt"
        clock.write_text(now)
        env = {"DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_TEST_CLOCK_FILE": str(clock),
               "DANGGOL_LLM__PROVIDER": "openai", "DANGGOL_LLM__MODEL": "guard-model", "DANGGOL_LLM__BASE_URL": llm.base_url,
               "DANGGOL_LLM_API_KEY": "sk-guard", "DANGGOL_LLM__MEMORY_TURNS": "0"}
        with live_server(knowledge, where, app="tests.support.clock_app:app", **env) as (base, _, _):
            yield Guard(base, llm)
