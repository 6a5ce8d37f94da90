"""The staff console's security and its handoff loop (in-process; the browser tests drive the same pages)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.db import StaffUser, Storage
from bot.server import create_app
from bot.settings import load_settings
from bot.staff.auth import AccountError, add_staff
from tests.conftest import ROOT, database_url

PASSWORD = "correct horse battery"


@pytest.fixture
def app_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    add_staff(app.state.storage, "민지", PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def login(client: TestClient, name: str = "민지", password: str = PASSWORD) -> int:
    page = client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    return client.post("/staff/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False).status_code


def csrf_of(client: TestClient, path: str = "/staff") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)[1]  # type: ignore[index]


def kakao(client: TestClient, user: str, text: str) -> dict:  # type: ignore[type-arg]
    body = {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    return client.post("/kakao/skill", json=body).json()  # type: ignore[no-any-return]


def test_anonymous_requests_are_refused(app_client: TestClient) -> None:
    """Every console route, found in the app itself so a new page cannot be forgotten here."""
    kakao(app_client, "anon-check", "직원 불러주세요")
    routes = [(m, r.path) for r in app_client.app.state.staff_routes  # type: ignore[attr-defined]
              if r.path != "/staff/login" for m in r.methods]
    assert len(routes) >= 13
    for method, path in routes:
        url = path.replace("{conversation_id}", "1").replace("{action}", "claim").replace("{code}", "ABCDEF").replace("{version_id}", "1").replace("{customer_id}", "1").replace("{campaign_id}", "1").replace("{review_id}", "1")
        r = app_client.request(method, url, data={"text": "x"} if method == "POST" else None, follow_redirects=False)
        if "/api/" in url or url.endswith("/events") or (url.endswith("/simulator") and method == "POST"):
            assert r.status_code == 401, (method, url)
        else:
            assert r.status_code == 303 and r.headers["location"] == "/staff/login", (method, url, r.status_code)
        assert "anon-check" not in r.text and "소담" not in r.text


def test_forms_need_the_csrf_token(app_client: TestClient) -> None:
    assert app_client.post("/staff/login", data={"name": "민지", "password": PASSWORD, "csrf": "forged"}).status_code == 403
    assert login(app_client) == 303
    kakao(app_client, "csrf-check", "직원 불러주세요")
    r = app_client.post("/staff/c/1/claim", data={"csrf": "forged"})
    assert r.status_code == 403 and "보안 토큰" in r.text
    assert app_client.post("/staff/c/1/claim", data={}).status_code == 403
    assert app_client.post("/staff/c/1/claim", data={"csrf": csrf_of(app_client)}, follow_redirects=False).status_code == 303
    # every other form that changes something refuses a missing or forged token too, before doing anything
    app = app_client.app
    posts = [r.path for r in app.state.staff_routes if "POST" in getattr(r, "methods", ()) and r.path not in ("/staff/login", "/staff/simulator")]  # type: ignore[attr-defined]
    assert {"/staff/replies", "/staff/replies/{reply_id}/delete", "/staff/c/{conversation_id}/{action}"} <= set(posts)
    for path in posts:
        url = path.replace("{conversation_id}", "1").replace("{action}", "note").replace("{code}", "ABCDEF").replace("{reply_id}", "1").replace("{version_id}", "1").replace("{customer_id}", "1").replace("{campaign_id}", "1").replace("{review_id}", "1")
        for data in ({"csrf": "forged", "title": "x", "text": "x"}, {"title": "x", "text": "x"}):
            assert app_client.post(url, data=data, follow_redirects=False).status_code == 403, url
    storage: Storage = app.state.storage  # type: ignore[attr-defined]
    assert storage.saved_replies() == []


def test_passwords_are_stored_hashed_and_accounts_are_checked(app_client: TestClient) -> None:
    storage: Storage = app_client.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        user = s.exec(select(StaffUser).where(StaffUser.name == "민지")).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with pytest.raises(AccountError):
        add_staff(storage, "민지", "another password")
    with pytest.raises(AccountError):
        add_staff(storage, "짧은", "short")


def test_the_eleventh_wrong_login_in_a_minute_is_refused(app_client: TestClient) -> None:
    for _ in range(10):
        assert login(app_client, password="wrong password") == 303  # back to the form with an error
    assert login(app_client, password="wrong password") == 429
    assert login(app_client) == 429  # even the right password, until the minute has passed
    assert app_client.get("/staff", follow_redirects=False).status_code == 303


def test_a_session_is_dead_after_logout(app_client: TestClient) -> None:
    assert login(app_client) == 303
    cookie = app_client.cookies.get("danggol_staff")
    assert app_client.get("/staff").status_code == 200
    token = csrf_of(app_client)
    assert app_client.post("/staff/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    app_client.cookies.set("danggol_staff", cookie, path="/staff")  # replaying the old cookie does not work
    assert app_client.get("/staff", follow_redirects=False).status_code == 303
    assert app_client.get("/staff/api/queue").status_code == 401


def test_cookies_are_httponly_and_samesite(app_client: TestClient) -> None:
    page = app_client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    r = app_client.post("/staff/login", data={"name": "민지", "password": PASSWORD, "csrf": token}, follow_redirects=False)
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("danggol_staff="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie and "Path=/staff" in cookie


def test_staff_take_over_reply_and_give_back(app_client: TestClient) -> None:
    assert "상담직원 연결" in json.dumps(kakao(app_client, "loop", "사장님이랑 얘기하고 싶어요 <script>alert(1)</script>"), ensure_ascii=False)
    assert login(app_client) == 303
    queue = app_client.get("/staff/api/queue").json()["queue"]
    assert [(c["state"], c["channel"]) for c in queue] == [("waiting", "카카오톡")]
    cid = queue[0]["id"]
    page = app_client.get(f"/staff/c/{cid}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page  # customer text is escaped
    token = csrf_of(app_client, f"/staff/c/{cid}")
    app_client.post(f"/staff/c/{cid}/claim", data={"csrf": token})
    assert app_client.get("/staff/api/queue").json()["queue"][0]["state"] == "human"
    app_client.post(f"/staff/c/{cid}/reply", data={"csrf": token, "text": "안녕하세요, 직원 민지예요!"})
    assert "손님의 다음 메시지와 함께 전달돼요" in app_client.get(f"/staff/c/{cid}").text
    delivered = kakao(app_client, "loop", "네 기다릴게요")
    assert delivered["template"]["outputs"][0]["simpleText"]["text"] == "직원: 안녕하세요, 직원 민지예요!"
    app_client.post(f"/staff/c/{cid}/resolve", data={"csrf": token})
    assert app_client.get("/staff/api/queue").json()["queue"] == []
    outputs = [o["simpleText"]["text"] for o in kakao(app_client, "loop", "주차 되나요?")["template"]["outputs"] if "simpleText" in o]
    assert outputs[0].startswith("직원 상담이 끝났어요") and "주차" in outputs[1]  # the closing notice, then the answer


def test_resolving_with_an_undelivered_reply_asks_first_and_loses_nothing(app_client: TestClient) -> None:
    kakao(app_client, "hair", "음식에서 머리카락 나왔어요")
    assert login(app_client) == 303
    cid = app_client.get("/staff/api/queue").json()["queue"][0]["id"]
    token = csrf_of(app_client, f"/staff/c/{cid}")
    app_client.post(f"/staff/c/{cid}/reply", data={"csrf": token, "text": "정말 죄송합니다. 바로 환불해 드릴게요."})
    asked = app_client.post(f"/staff/c/{cid}/resolve", data={"csrf": token})
    assert "confirm=resolve" in asked.url.query.decode() if isinstance(asked.url.query, bytes) else "confirm=resolve" in str(asked.url)
    assert "아직 손님에게 전달되지 않은 답장이 1개" in asked.text and app_client.get("/staff/api/queue").json()["queue"] != []
    app_client.post(f"/staff/c/{cid}/resolve", data={"csrf": token, "confirmed": "1"})
    assert app_client.get("/staff/api/queue").json()["queue"] == []
    outputs = [o["simpleText"]["text"] for o in kakao(app_client, "hair", "네")["template"]["outputs"] if "simpleText" in o]
    assert outputs[0] == "직원: 정말 죄송합니다. 바로 환불해 드릴게요." and outputs[1].startswith("직원 상담이 끝났어요"), outputs


def test_the_queue_streams_as_server_sent_events(app_client: TestClient) -> None:
    kakao(app_client, "sse", "상담원 연결해 주세요")
    assert login(app_client) == 303
    with app_client.stream("GET", "/staff/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = []
        for line in stream.iter_lines():
            lines.append(line)
            if line.startswith("data: "):
                break
    event = json.loads(lines[-1].removeprefix("data: "))
    assert lines[0] == "event: queue" and event[0]["state"] == "waiting"


def test_staff_add_command(tmp_path: Path) -> None:
    env = {**os.environ, "DANGGOL_DATABASE__URL": database_url(tmp_path)}

    def run(name: str, password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "staff", "add", name, "--password-stdin"], input=password + "\n",
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)

    first = run("서연", "a long password")
    assert first.returncode == 0 and "사장님 계정을 만들었어요: 서연" in first.stdout  # the first account is the owner's
    second = run("하준", "another long one")
    assert second.returncode == 0 and "직원 계정을 만들었어요: 하준" in second.stdout
    short = run("도윤", "short")
    assert short.returncode == 1 and "8자 이상" in short.stderr
    assert "이미 있어요" in run("서연", "a long password").stderr


def test_staff_accounts_answer_chats_and_only_the_owner_edits_knowledge(app_client: TestClient) -> None:
    """A staff account sees the queue, bookings, history and the unanswered list, but not the dashboard, and
    cannot write an FAQ (even with a valid CSRF token); the owner sees both, and the tab bar says so."""
    storage: Storage = app_client.app.state.storage  # type: ignore[attr-defined]
    add_staff(storage, "준호", PASSWORD, role="staff")
    with pytest.raises(AccountError):
        add_staff(storage, "지배인", PASSWORD, role="manager")
    kakao(app_client, "role-check", "영어 메뉴판 있어요?")
    assert login(app_client, "준호") == 303
    queue = app_client.get("/staff").text
    assert "/staff/dashboard" not in queue and "/staff/unanswered" in queue
    refused = app_client.get("/staff/dashboard")
    assert refused.status_code == 403 and "사장님 계정만" in refused.text
    unanswered = app_client.get("/staff/unanswered")
    assert unanswered.status_code == 200 and "영어 메뉴판 있어요?" in unanswered.text and "다른 표현으로 넣기" not in unanswered.text
    token = csrf_of(app_client, "/staff/unanswered")
    r = app_client.post("/staff/unanswered/phrasing", data={"csrf": token, "faq_id": "와이파이 되나요?", "question": "영어 메뉴판 있어요?"})
    assert r.status_code == 403
    assert app_client.get("/staff/unanswered/new?q=x").status_code == 403
    app_client.post("/staff/logout", data={"csrf": token})
    assert login(app_client) == 303
    assert "/staff/dashboard" in app_client.get("/staff").text and app_client.get("/staff/dashboard").status_code == 200
    assert "다른 표현으로 넣기" in app_client.get("/staff/unanswered").text


def test_reservations_for_a_day(app_client: TestClient) -> None:
    assert login(app_client) == 303
    token = csrf_of(app_client, "/staff/reservations?date=2026-11-27")
    form = {"csrf": token, "day": "2026-11-27", "clock": "19:00", "party": "4", "name": "전화손님", "phone": "010-5555-6666", "note": "창가"}
    r = app_client.post("/staff/reservations", data=form, follow_redirects=False)
    assert r.status_code == 303 and "error" not in r.headers["location"]
    page = app_client.get("/staff/reservations?date=2026-11-27").text
    assert "19:00" in page and "전화손님" in page and "01055556666" in page and "4인석" in page and "확정" in page
    code = re.search(r"<small>([A-Z0-9]{6})</small>", page)[1]  # type: ignore[index]
    closed = app_client.post("/staff/reservations", data={**form, "day": "2026-11-30"}, follow_redirects=False)
    assert "error=" in closed.headers["location"]  # a Monday: closed, even for staff
    assert "정기 휴무일" in app_client.get(closed.headers["location"]).text
    moved = app_client.post(f"/staff/reservations/{code}/change", data={"csrf": token, "day": "2026-11-27", "clock": "20:00", "party": "5"})
    assert moved.status_code == 200 and "20:00" in moved.text and "5명" in moved.text
    app_client.post(f"/staff/reservations/{code}/no_show", data={"csrf": token})
    assert "노쇼" in app_client.get("/staff/reservations?date=2026-11-27").text
    bookings = app_client.app.state.bookings  # type: ignore[attr-defined]
    actions = [(e["action"], e["actor"]) for e in bookings.events_sync(code)]
    assert actions == [("created", "staff:민지"), ("changed", "staff:민지"), ("no_show", "staff:민지")]
    assert app_client.post("/staff/reservations", data={**form, "csrf": "forged"}).status_code == 403


def test_kakao_event_api_delivers_staff_replies_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A local stand-in for Kakao's Event API, in its wire format, receives the staff reply."""
    from tests.test_kakao_live import Receiver

    api = Receiver()
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    monkeypatch.setenv("DANGGOL_KAKAO__EVENT_API_URL", f"http://127.0.0.1:{api.port}/v2/bots/{{bot_id}}/talk")
    monkeypatch.setenv("DANGGOL_KAKAO__EVENT_BOT_ID", "bot-123")
    monkeypatch.setenv("DANGGOL_KAKAO__EVENT_NAME", "staff_reply")
    monkeypatch.setenv("DANGGOL_KAKAO__EVENT_REST_KEY", "rest-key-1")
    app = create_app(load_settings())
    add_staff(app.state.storage, "민지", PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        kakao(client, "pushed", "직원 연결해 주세요")
        assert login(client) == 303
        cid = client.get("/staff/api/queue").json()["queue"][0]["id"]
        token = csrf_of(client, f"/staff/c/{cid}")
        client.post(f"/staff/c/{cid}/reply", data={"csrf": token, "text": "바로 확인해 드릴게요"})
        assert "손님의 다음 메시지와 함께 전달돼요" not in client.get(f"/staff/c/{cid}").text
        after = json.dumps(kakao(client, "pushed", "네"), ensure_ascii=False)
        assert "바로 확인해 드릴게요" not in after and "민지 직원" in after  # already delivered: not twice; who has it is said
        client.post(f"/staff/c/{cid}/resolve", data={"csrf": token})  # the closing notice is pushed at once too
        assert "직원 상담이 끝났어요" not in json.dumps(kakao(client, "pushed", "주차 되나요?"), ensure_ascii=False)
    assert len(api.posts) == 2 and api.posts[1][2]["event"]["data"]["text"].startswith("직원 상담이 끝났어요")
    _, path, body = api.posts[0]
    assert path == "/v2/bots/bot-123/talk"
    assert body == {"event": {"name": "staff_reply", "data": {"text": "바로 확인해 드릴게요"}}, "user": [{"type": "botUserKey", "id": "pushed"}],
                    "params": {"text": "바로 확인해 드릴게요"}}
    assert api.headers[0]["Authorization"] == "KakaoAK rest-key-1"


def test_knowledge_status_shows_located_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tests.conftest import DEMO

    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEMO, knowledge)
    monkeypatch.setenv("DANGGOL_STORE__KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    app = create_app(load_settings())
    add_staff(app.state.storage, "민지", PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        assert login(client) == 303
        assert "오류 없이 최신 파일로 답하고 있어요." in client.get("/staff/knowledge").text
        menu = knowledge / "menu.csv"
        menu.write_text(menu.read_text(encoding="utf-8").replace('"9,000원"', "구천원"), encoding="utf-8")
        app.state.kb.reload()
        page = client.get("/staff/knowledge").text
        assert "고칠 곳이 있어요" in page and "menu.csv:4: &#39;순두부찌개&#39;의 가격 &#39;구천원&#39;" in page
