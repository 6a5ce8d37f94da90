"""Golden tests: every TalkTalk webhook event type (tests/fixtures/naver/, composed from the spec)
against the exact response bodies and the exact send-API calls, sent to a local fake of the send API.

`DANGGOL_REGEN_GOLDEN=1` rewrites the expected parts after a deliberate change; review the diff.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.channels.naver import parse, turn_of
from bot.server import create_app
from bot.settings import load_settings
from tests.conftest import ROOT, database_url
from tests.support.fake_talktalk import FakeTalkTalk
from tests.support.talktalk_validator import problems

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "naver").glob("*.json"))
SECRET = "golden-path-secret-0123456789"
REGEN = os.environ.get("DANGGOL_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTalkTalk]:
    f = FakeTalkTalk()
    yield f
    f.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, fake: FakeTalkTalk) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("naver")
    env = {"DANGGOL_DATABASE__URL": database_url(tmp), "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index"),
           "DANGGOL_NAVER__ENABLED": "true", "DANGGOL_NAVER__PATH_SECRET": SECRET, "DANGGOL_NAVER__SEND_TOKEN": fake.token,
           "DANGGOL_NAVER__API_URL": fake.url, "DANGGOL_RELOAD__ENABLED": "false"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    with TestClient(app) as c:
        yield c


def settle(client: TestClient) -> None:
    """Wait until the channel's background sends are done."""
    naver = client.app.state.channels["naver"]  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while naver.pending and time.monotonic() < deadline:
        time.sleep(0.01)


def _stable(value: Any) -> Any:
    """Booking codes are random: compared as a placeholder."""
    return json.loads(re.sub(r"(예약 코드: )[A-Z0-9]{4,12}", r"\1<code>", json.dumps(value, ensure_ascii=False)))


def test_every_event_type_has_a_fixture() -> None:
    kinds = {r["event"] for f in FIXTURES for r in json.loads(f.read_text(encoding="utf-8"))["requests"]}
    assert {"open", "send", "echo", "handover", "friend", "leave", "profile", "pay_complete"} <= kinds
    inputs = {r.get("textContent", {}).get("inputType") for f in FIXTURES for r in json.loads(f.read_text(encoding="utf-8"))["requests"]}
    assert {"typing", "button", "calendar", "time", "sticker", "product"} <= inputs


@pytest.mark.parametrize("path", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_golden(client: TestClient, fake: FakeTalkTalk, path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    fake.clear()
    responses: list[Any] = []
    for request in case["requests"]:
        r = client.post(f"/naver/{SECRET}", json=request)
        assert r.status_code == 200
        responses.append(r.json())
        settle(client)
    responses, sends = _stable(responses), _stable(fake.bodies())
    user = case["requests"][0]["user"]
    storage = client.app.state.storage  # type: ignore[attr-defined]
    profile = storage.profile(channel="naver", user_key=user)
    if REGEN:
        case |= {"responses": responses, "sends": sends, "profile": profile}
        path.write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    assert responses == case["responses"]
    assert sends == case["sends"]
    assert profile == case["profile"]
    for event in [*responses, *sends]:
        if event:
            assert problems(event) == [], event
    assert all(not c.problems for c in fake.calls)
    stored = [m for m in storage.messages(channel="naver", user_key=user) if m.direction == "in"]
    assert len(stored) == sum(1 for r in case["requests"] if r["event"] == "send")  # every customer message kept


def test_calendar_and_time_components_become_structured_values() -> None:
    date_turn = turn_of(parse({"event": "send", "user": "u" * 22, "textContent": {"text": "20261127", "inputType": "calendar"}}))  # type: ignore[arg-type]
    assert date_turn.params == {"date": "2026-11-27"} and date_turn.text == "11월 27일"
    time_turn = turn_of(parse({"event": "send", "user": "u" * 22, "textContent": {"text": "19:30", "inputType": "time"}}))  # type: ignore[arg-type]
    assert time_turn.params == {"time": "19:30"} and time_turn.text == "19시 30분"
    bad = turn_of(parse({"event": "send", "user": "u" * 22, "textContent": {"text": "20261399", "inputType": "calendar"}}))  # type: ignore[arg-type]
    assert "date" not in bad.params


def test_bodies_that_are_not_events_get_200_and_nothing(client: TestClient) -> None:
    for body in ([], {"user": "x"}, {"event": 3}, {"event": "send"}, {"event": "send", "user": ["x"]}):
        r = client.post(f"/naver/{SECRET}", json=body)
        assert (r.status_code, r.json()) == (200, {})
    assert client.post(f"/naver/{SECRET}", content=b"{not json").status_code == 400


def test_wrong_secret_is_not_found(client: TestClient) -> None:
    r = client.post("/naver/wrong-secret", json={"event": "send", "user": "u" * 22, "textContent": {"text": "메뉴"}})
    assert r.status_code == 404 and "메뉴" not in r.text
