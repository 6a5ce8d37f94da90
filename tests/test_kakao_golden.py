"""Golden tests: recorded-shape SkillPayloads (tests/fixtures/kakao/) against their exact responses."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.channels.kakao import parse
from bot.server import create_app
from bot.settings import load_settings
from tests.conftest import ROOT, database_url
from tests.support.kakao_validator import problems

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "kakao").glob("*.json"))
BOT = "5f8a1c2e3b4d5e6f7a8b9c0d"
SECRET = "golden-secret"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("kakao")
    env = {"DANGGOL_DATABASE__URL": database_url(tmp), "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index"),
           "DANGGOL_KAKAO__SECRET": SECRET, "DANGGOL_KAKAO__BOT_IDS": json.dumps([BOT]), "DANGGOL_RELOAD__ENABLED": "false"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with TestClient(app) as c:
        yield c


def test_every_variant_has_a_fixture() -> None:
    names = {f.stem for f in FIXTURES}
    assert {"production_faq", "bot_test_panel", "skill_test_tab", "dev_channel_bot_id", "params_json_strings", "params_dicts",
            "plugin_date", "plugin_datetime", "plugin_time", "client_extra_ours", "image_upload", "menu_carousel",
            "escalation", "unknown_fields"} <= names


@pytest.mark.parametrize("path", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_golden(client: TestClient, path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    turn = parse(case["request"]).turn
    assert {"text": turn.text, "user_key": turn.user_key, "params": turn.params} == case["turn"]
    r = client.post("/kakao/skill", json=case["request"], headers={"X-Danggol-Secret": SECRET})
    assert r.status_code == 200
    assert r.json() == case["response"]
    assert problems(r.json()) == []


def test_structured_values_are_normalised() -> None:
    cases = {f.stem: json.loads(f.read_text(encoding="utf-8"))["turn"]["params"] for f in FIXTURES}
    assert cases["params_json_strings"]["date"] == "2026-11-25" and cases["params_json_strings"]["number"] == 4
    assert cases["params_dicts"]["date"] == "2026-11-25" and cases["params_dicts"]["number"] == 3
    assert cases["plugin_date"]["date"] == "2026-11-27"
    assert (cases["plugin_datetime"]["date"], cases["plugin_datetime"]["time"]) == ("2026-11-27", "19:30")
    assert cases["plugin_time"]["time"] == "19:30"
    assert cases["client_extra_ours"]["extra"] == {"danggol": "more"}
    assert cases["image_upload"]["image_url"].startswith("https://talk.kakaocdn.net/")
    assert "extra" not in cases["skill_test_tab"] and "extra" not in cases["production_faq"]


def test_escalation_is_recorded_for_staff(client: TestClient) -> None:
    case = json.loads((ROOT / "tests" / "fixtures" / "kakao" / "escalation.json").read_text(encoding="utf-8"))
    request = json.loads(json.dumps(case["request"]))
    request["userRequest"]["user"]["id"] = "escalation-check"
    assert client.post("/kakao/skill", json=request, headers={"X-Danggol-Secret": SECRET}).status_code == 200
    from sqlmodel import Session, select

    from bot.db import Conversation, Handoff

    with Session(client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        conv = s.exec(select(Conversation).where(Conversation.user_key == "escalation-check")).one()
        assert conv.handoff == "waiting"
        assert s.exec(select(Handoff).where(Handoff.conversation_id == conv.id)).one().status == "waiting"


@pytest.mark.parametrize(
    "headers,body,status,error",
    [
        ({}, b"{}", 401, "unauthorized"),
        ({"X-Danggol-Secret": "wrong"}, b"{}", 401, "unauthorized"),
        ({"X-Danggol-Secret": SECRET}, b"{not json", 400, "invalid_json"),
        ({"X-Danggol-Secret": SECRET}, b"[1, 2]", 400, "invalid_json"),
        ({"X-Danggol-Secret": SECRET}, b'{"a": "' + b"x" * 70000 + b'"}', 400, "too_large"),
    ],
)
def test_rejections(client: TestClient, headers: dict[str, str], body: bytes, status: int, error: str) -> None:
    r = client.post("/kakao/skill", content=body, headers={"content-type": "application/json", **headers})
    assert r.status_code == status and r.json()["error"] == error
    assert "소담" not in r.text  # no store data before authentication


def test_bot_not_on_the_allow_list(client: TestClient) -> None:
    case = json.loads((ROOT / "tests" / "fixtures" / "kakao" / "production_faq.json").read_text(encoding="utf-8"))
    case["request"]["bot"]["id"] = "someone-elses-bot"
    r = client.post("/kakao/skill", json=case["request"], headers={"X-Danggol-Secret": SECRET})
    assert r.status_code == 403 and "소담" not in r.text


@pytest.mark.parametrize("payload", [{}, {"userRequest": None}, {"userRequest": {"utterance": 3, "user": "x"}}, {"action": {"params": "oops"}},
                                     {"userRequest": {"utterance": "주차 되나요?", "user": {"id": None}}, "action": {"clientExtra": []}}])
def test_odd_but_valid_payloads_never_get_a_5xx(client: TestClient, payload: dict) -> None:  # type: ignore[type-arg]
    r = client.post("/kakao/skill", json={**payload, "bot": {"id": BOT}}, headers={"X-Danggol-Secret": SECRET})
    assert r.status_code == 200 and problems(r.json()) == []
