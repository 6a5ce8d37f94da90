"""Kakao end to end against a real uvicorn server: conversation, authentication, the 5-second rule.

The far edge, Kakao's callback endpoint, is a local HTTP receiver speaking the same wire format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from sqlmodel import create_engine

from bot.db import Storage
from tests.conftest import DEMO, ROOT, database_url
from tests.support.kakao_validator import problems
from tests.support.live_server import free_port, live_server

SECRET = "live-secret"
HEADERS = {"X-Danggol-Secret": SECRET}


def payload(text: str, user: str = "live-user", callback: str | None = None) -> dict:  # type: ignore[type-arg]
    request = {"userRequest": {"timezone": "Asia/Seoul", "utterance": text, "lang": "ko", "params": {"surface": "Kakaotalk.plusfriend"},
                               "user": {"id": user, "type": "botUserKey", "properties": {}}},
               "bot": {"id": "bot1", "name": "봇"}, "action": {"id": "a", "name": "s", "params": {}, "detailParams": {}, "clientExtra": None},
               "intent": {"id": "i", "name": "폴백"}, "contexts": []}
    if callback:
        request["userRequest"]["callbackUrl"] = callback
    return request


class Receiver:
    """Kakao's callback endpoint, recording each POST with its arrival time."""

    def __init__(self) -> None:
        self.posts: list[tuple[float, str, dict]] = []  # type: ignore[type-arg]
        self.headers: list[dict[str, str]] = []
        received = self.posts
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                received.append((time.monotonic(), self.path, json.loads(body)))
                receiver.headers.append(dict(self.headers))
                reply = json.dumps({"taskId": "t-1", "status": "SUCCESS", "message": "", "timestamp": 0}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.port}/v1/bots/bot1/callback/{token}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("kakao-live")
    with live_server(DEMO, tmp, DANGGOL_KAKAO__SECRET=SECRET, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        yield base, tmp


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("kakao-slow")
    with live_server(DEMO, tmp, app="tests.support.slow_app:app", DANGGOL_KAKAO__SECRET=SECRET, DANGGOL_KAKAO__DEADLINE_S="1.0",
                     DANGGOL_KAKAO__ALLOW_LOOPBACK_CALLBACK="true", DANGGOL_RELOAD__ENABLED="false", SLOW_SECONDS="2.5") as (base, _, _):
        yield base


def post(base: str, body: dict, headers: dict | None = HEADERS) -> httpx.Response:  # type: ignore[type-arg]
    return httpx.post(f"{base}/kakao/skill", json=body, headers=headers or {}, timeout=10)


def test_multi_turn_conversation_is_stored_in_order(demo: tuple[str, Path]) -> None:
    base, tmp = demo
    first = post(base, payload("삼성전자 주가 어때요?", "multi")).json()
    assert "직원에게 연결해 드릴까요?" in first["template"]["outputs"][0]["simpleText"]["text"]
    second = post(base, payload("네", "multi")).json()  # the answer to the offer, understood from the stored state
    assert second["template"]["outputs"][-1]["textCard"]["buttons"] == [{"action": "operator", "label": "상담직원 연결"}]
    third = post(base, payload("주차 되나요?", "multi")).json()
    # Staff are coming: a question the files answer is answered, with a word that staff follow and a way back
    assert "주차" in third["template"]["outputs"][0]["simpleText"]["text"] and "직원도 곧" in json.dumps(third, ensure_ascii=False)
    assert all(problems(r) == [] for r in (first, second, third))
    storage = Storage(create_engine(database_url(tmp)))
    messages = storage.messages(channel="kakao", user_key="multi")
    assert [(m.direction, m.text) for m in messages][::2] == [("in", "삼성전자 주가 어때요?"), ("in", "네"), ("in", "주차 되나요?")]
    assert [m.direction for m in messages] == ["in", "out", "in", "out", "in", "out"]  # no message lost, none answered twice
    assert messages[0].payload["userRequest"]["utterance"] == "삼성전자 주가 어때요?"  # type: ignore[index]
    assert messages[3].intent == "escalate" and messages[3].payload == second


def test_secret_header_and_bad_requests(demo: tuple[str, Path]) -> None:
    base, _ = demo
    assert post(base, payload("주차 되나요?"), headers=None).status_code == 401
    assert post(base, payload("주차 되나요?"), headers={"X-Danggol-Secret": "nope"}).status_code == 401
    r = httpx.post(f"{base}/kakao/skill", content=b"{oops", headers={**HEADERS, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_json"
    big = json.dumps(payload("x" * 70_000))
    r = httpx.post(f"{base}/kakao/skill", content=big, headers={**HEADERS, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "too_large"


def test_slow_answer_goes_to_the_callback_once(slow: str) -> None:
    receiver = Receiver()
    t0 = time.monotonic()
    r = post(slow, payload("천천히 알려 주세요", "cb-user", callback=receiver.url("token-1")))
    acked = time.monotonic()
    assert r.status_code == 200 and acked - t0 < 4.0
    assert r.json() == {"version": "2.0", "useCallback": True, "data": {"text": "답변을 준비하고 있어요. 잠시만 기다려 주세요!"}}
    deadline = time.monotonic() + 15
    while not receiver.posts and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # a second POST would arrive by now
    assert len(receiver.posts) == 1
    arrived, path, body = receiver.posts[0]
    assert path == "/v1/bots/bot1/callback/token-1"
    assert arrived - acked >= 0.95  # at least a second after the acknowledgement
    assert problems(body) == [] and body["template"]["outputs"][0]["simpleText"]["text"] == "천천히 준비한 답변이에요."


def test_deadline_without_callback_sends_the_offline_answer(slow: str) -> None:
    t0 = time.monotonic()
    r = post(slow, payload("천천히 알려 주세요", "no-cb"))
    took = time.monotonic() - t0
    body = r.json()
    assert r.status_code == 200 and took < 4.0 and "useCallback" not in body
    assert problems(body) == [] and "천천히 준비한" not in json.dumps(body, ensure_ascii=False)


def test_callback_to_a_foreign_host_is_never_posted(slow: str) -> None:
    receiver = Receiver()
    r = post(slow, payload("천천히 알려 주세요", "evil", callback="https://evil.example.net/steal"))
    assert r.status_code == 200 and "useCallback" not in r.json()
    time.sleep(0.5)
    assert receiver.posts == []


def test_serve_refuses_a_public_address_without_a_secret(tmp_path: Path) -> None:
    env = {**os.environ, "DANGGOL_KAKAO__SECRET": "", "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "bot", "serve", "--host", "0.0.0.0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "kakao.secret" in run.stderr
