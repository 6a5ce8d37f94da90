"""A local stand-in for TalkTalk's send API (gw.talk.naver.com/chatbot/v1/event), real HTTP on
127.0.0.1: it checks each call as Naver would (token, content type, JSON, the documented limits)
and answers with the result code a test asks for.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.live_server import free_port
from tests.support.talktalk_validator import problems


@dataclass
class Call:
    at: float
    headers: dict[str, str]
    body: dict[str, Any]
    problems: list[str]
    answered: str  # the resultCode (or "http-500", "drop") the fake answered with


class FakeTalkTalk:
    """Answers `00` unless told otherwise: `script` is a queue of codes for the next calls
    ("00", "01", "02", "99", "IMG-01", "http-500", "drop"); `always` answers every call."""

    def __init__(self, token: str = "ct_test_token"):
        self.token = token
        self.calls: list[Call] = []
        self.script: deque[str] = deque()
        self.always: str | None = None
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw)
                    found = problems(body) if isinstance(body, dict) else ["body is not an object"]
                except ValueError:
                    body, found = {}, ["body is not JSON"]
                if headers.get("authorization") != fake.token:
                    found.append(f"authorization {headers.get('authorization')!r} is not the token as issued")
                if not headers.get("content-type", "").startswith("application/json"):
                    found.append(f"content-type {headers.get('content-type')!r}")
                with fake.lock:
                    code = fake.always or (fake.script.popleft() if fake.script else "00")
                    if found and code == "00":
                        code = "02"  # what Naver answers to a malformed event
                    fake.calls.append(Call(time.monotonic(), headers, body, found, code))
                if code == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if code.startswith("http-"):
                    self._answer(int(code[5:]), b"<html>proxy error</html>", "text/html")
                    return
                answer = {"success": code == "00", "resultCode": code}
                if code != "00":
                    answer["resultMessage"] = {"01": "권한없는 파트너에 대한 요청", "02": "JSON 파싱 오류",
                                               "99": "알 수 없는 오류"}.get(code, "이미지 오류")
                self._answer(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/chatbot/v1/event"

    def bodies(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [c.body for c in self.calls if user is None or c.body.get("user") == user]

    def wait(self, count: int, user: str | None = None, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The calls (for `user`) once there are at least `count`, or whatever came by the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.bodies(user)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return self.bodies(user)

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()
            self.script.clear()
            self.always = None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
