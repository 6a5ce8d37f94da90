"""A local stand-in for Kakao's Event API (spec/kakao.md §6.1), real HTTP on 127.0.0.1:

- `POST /v2/bots/{botId}/talk` with `Authorization: KakaoAK <key>`: checks the body (event name,
  1 to 100 distinct users, botUserKey type), answers `{"taskId", "status": "SUCCESS"}` or, when a
  test says so, refuses (HTTP 400 / `status: FAIL`), answers 500, or drops the connection after
  reading the request (the request arrived: the sender must not repeat it);
- `GET /v1/tasks/{taskId}`: the per-user results, `ALL SUCCESS` or `"<n> FAIL"` with the failed
  users in `fail.list`; users a test marks as failing (not a friend, blocked) fail there.

Every delivered (user, text) is recorded, so a test can assert that nobody got a message twice.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.live_server import free_port


@dataclass
class Task:
    users: list[str]
    failed: list[str]
    text: str


@dataclass
class FakeKakaoEvents:
    key: str = "rest-key"
    event: str = "danggol_push"
    failing_users: set[str] = field(default_factory=set)  # fail in the task results
    script: deque[str] = field(default_factory=deque)  # for the next talk calls: ok, refuse, http-500, drop
    task_list_format: str = "strings"  # how fail.list names users: strings, objects, missing
    pending_polls: int = 0  # task polls answered "PROCESSING" before the result
    calls: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    delivered: list[tuple[str, str]] = field(default_factory=list)
    tasks: dict[str, Task] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                m = re.fullmatch(r"/v2/bots/([^/]+)/talk", self.path)
                if m is None:
                    return self._json(404, {"message": "not found"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                with fake.lock:
                    fake.calls.append(body)
                    fake._check(body, self.headers.get("authorization", ""))
                    step = fake.script.popleft() if fake.script else "ok"
                if step == "drop":
                    with fake.lock:  # it arrived: Kakao would deliver it
                        fake._accept(body)
                    self.close_connection = True
                    self.connection.close()
                    return None
                if step == "http-500":
                    return self._json(500, {"message": "internal error"})
                if step == "refuse":
                    return self._json(400, {"status": "FAIL", "message": "invalid request"})
                with fake.lock:
                    task_id = fake._accept(body)
                return self._json(200, {"taskId": task_id, "status": "SUCCESS", "message": "", "timestamp": 0})

            def do_GET(self) -> None:  # noqa: N802
                m = re.fullmatch(r"/v[12]/tasks/([^/]+)", self.path)
                with fake.lock:
                    task = fake.tasks.get(m.group(1)) if m else None
                    if task is None:
                        return self._json(404, {"message": "no such task"})
                    if fake.pending_polls > 0:
                        fake.pending_polls -= 1
                        return self._json(200, {"taskId": m.group(1) if m else "", "status": "PROCESSING"})
                    failed = task.failed
                    fail: dict[str, Any] = {"count": len(failed)}
                    if fake.task_list_format == "strings":
                        fail["list"] = list(failed)
                    elif fake.task_list_format == "objects":
                        fail["list"] = [{"id": u, "reason": "not a friend"} for u in failed]
                status = "ALL SUCCESS" if not failed else f"{len(failed)} FAIL"
                return self._json(200, {"taskId": m.group(1) if m else "", "status": status, "allRequestCount": len(task.users),
                                        "successCount": len(task.users) - len(failed), "fail": fail})

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _check(self, body: dict[str, Any], auth: str) -> None:
        if auth != f"KakaoAK {self.key}":
            self.problems.append(f"authorization {auth!r}")
        if (body.get("event") or {}).get("name") != self.event:
            self.problems.append(f"event name {body.get('event')!r}")
        users = body.get("user") or []
        ids = [u.get("id") for u in users if isinstance(u, dict)]
        if not 1 <= len(users) <= 100:
            self.problems.append(f"{len(users)} users in one call")
        if len(set(ids)) != len(ids):
            self.problems.append("duplicate users in one call")
        if any(u.get("type") not in ("botUserKey", "plusfriendUserKey", "appUserId") for u in users):
            self.problems.append("bad user type")

    def _accept(self, body: dict[str, Any]) -> str:
        users = [u["id"] for u in body.get("user", [])]
        text = str(((body.get("event") or {}).get("data") or {}).get("text", ""))
        failed = [u for u in users if u in self.failing_users]
        task_id = uuid.uuid4().hex
        self.tasks[task_id] = Task(users, failed, text)
        self.delivered += [(u, text) for u in users if u not in failed]
        return task_id

    @property
    def talk_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2/bots/{{bot_id}}/talk"

    @property
    def task_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/tasks/{{task_id}}"

    def received_per_user(self) -> Counter[str]:
        with self.lock:
            return Counter(u for u, _ in self.delivered)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
