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
from datetime import date, datetime
from pathlib import Path

import httpx

from bot.kb.loader import load_knowledge
from bot.llm import references
from skills.llm import english
from tests.support.fake_llm import FakeLLM
from tests.support.fake_talktalk import FakeTalkTalk
from tests.support.live_server import live_server

SECRET = "guard-secret"
NAVER_SECRET = "guard-naver-secret-0123456789"
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
    reached: bool  # the customer read the model's answer, with its references filled
    asked: bool  # the model was asked at all (allergy questions, handovers and flows under way are not)


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

    def __init__(self, base: str, llm: FakeLLM, knowledge: Path, today: date, talktalk: FakeTalkTalk | None = None):
        self.base = base
        self.llm = llm
        self.talktalk = talktalk
        self.client = httpx.Client(timeout=30)
        self.answer = ""
        self.knowledge = load_knowledge(knowledge)
        self.today = today
        llm.respond_with(lambda body: self.answer)

    def ask(self, line: Line, channel: str = "kakao") -> Outcome:
        """One line through KakaoTalk's skill request or a TalkTalk `send` event (reply in the response or the send API)."""
        self.answer = line.model_answer
        before = len(self.llm.requests)
        if channel == "naver":
            reply = self._talktalk(line.question)
        else:
            r = self.client.post(f"{self.base}/kakao/skill", json=_payload(line.question, f"guard-{uuid.uuid4().hex[:12]}"),
                                 headers=HEADERS)
            r.raise_for_status()
            reply = _text(r.json())
        asked = len(self.llm.requests) > before
        expected = self.rendered(line)
        return Outcome(line, reply, asked and expected is not None and _squeeze(reply) == _squeeze(expected), asked)

    def _talktalk(self, question: str) -> str:
        assert self.talktalk is not None
        user = uuid.uuid4().hex[:22]
        event = {"event": "send", "user": user, "textContent": {"text": question, "inputType": "typing"}, "options": {"mobile": True}}
        r = self.client.post(f"{self.base}/naver/{NAVER_SECRET}", json=event)
        r.raise_for_status()
        body = r.json() if r.content else {}
        texts = [body["textContent"]["text"]] if isinstance(body, dict) and body.get("textContent") else []
        if not texts:
            sent = [b for b in self.talktalk.wait(1, user) if b.get("textContent")]
            texts = [b["textContent"]["text"] for b in sent]
        return "\n".join(texts)

    def rendered(self, line: Line) -> str | None:
        """What the customer reads if the answer is let through: the server's own rendering of its references."""
        try:
            return references.Renderer(self.knowledge, self.today, english=english(line.question)).render(line.model_answer).text
        except references.Unfillable:
            return None


def _squeeze(text: str) -> str:
    return "".join(text.split())


@contextmanager
def guard(knowledge: Path, now: str, tmp: Path | None = None) -> Iterator[Guard]:
    """A running server on `knowledge` at the fixed time `now` (ISO, with offset), answering through the fake model."""
    with tempfile.TemporaryDirectory() as scratch, FakeLLM() as llm:
        where = tmp or Path(scratch)
        clock = where / "clock.txt"
        clock.write_text(now)
        talktalk = FakeTalkTalk()
        env = {"DANGGOL_NAVER__ENABLED": "true", "DANGGOL_NAVER__PATH_SECRET": NAVER_SECRET, "DANGGOL_NAVER__SEND_TOKEN": talktalk.token,
               "DANGGOL_NAVER__API_URL": talktalk.url,
               "DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_TEST_CLOCK_FILE": str(clock),
               "DANGGOL_LLM__PROVIDER": "openai", "DANGGOL_LLM__MODEL": "guard-model", "DANGGOL_LLM__BASE_URL": llm.base_url,
               "DANGGOL_LLM_API_KEY": "sk-guard", "DANGGOL_LLM__MEMORY_TURNS": "0"}
        try:
            with live_server(knowledge, where, app="tests.support.clock_app:app", **env) as (base, _, _):
                yield Guard(base, llm, knowledge, datetime.fromisoformat(now).date(), talktalk)
        finally:
            talktalk.close()
