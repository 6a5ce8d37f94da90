"""End to end against a real uvicorn server: health, the ask API, and hot reload of knowledge/."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO
from tests.support.live_server import live_server


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DEMO, root)
    return root


def ask(base: str, question: str, **extra: object) -> dict:  # type: ignore[type-arg]
    r = httpx.post(f"{base}/api/ask", json={"question": question, "now": "2026-11-24T14:00", **extra}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def wait_for(predicate, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Poll until `predicate()` holds; return how long it took, or fail after `seconds`."""
    t0 = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t0 > seconds:
            raise AssertionError(f"not true within {seconds} s")
        time.sleep(0.05)
    return time.perf_counter() - t0


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("server")
    with live_server(DEMO, tmp, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        yield base


def test_health_and_ask(demo_server: str) -> None:
    health = httpx.get(f"{demo_server}/healthz").json()
    assert health["status"] == "ok" and health["store"] == "소담식당 연남점"
    assert health["knowledge"]["menu_items"] == 35 and health["knowledge"]["errors"] == []
    answer = ask(demo_server, "김찌 얼마에요?")
    assert answer["intent"] == "menu" and answer["sources"] == [{"kind": "menu", "id": "돼지김치찌개"}]
    assert "9,000원" in answer["answer"] and "예약하기" in answer["quick_replies"]


def test_same_user_keeps_one_conversation(demo_server: str) -> None:
    first = ask(demo_server, "안녕하세요", user="u1")
    second = ask(demo_server, "주차 되나요?", user="u1")
    assert first["intent"] == "smalltalk" and second["intent"] == "faq"


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": "x" * 3000}, {"question": 3}, {"question": "hi", "now": "soon"}])
def test_bad_requests_get_a_clear_error(demo_server: str, body: dict) -> None:  # type: ignore[type-arg]
    r = httpx.post(f"{demo_server}/api/ask", json=body)
    assert r.status_code == 422 and r.json()["error"] == "invalid_request" and "요청 형식" in r.json()["message"]


def test_invalid_json_gets_a_clear_error(demo_server: str) -> None:
    r = httpx.post(f"{demo_server}/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"


def test_hot_reload_and_broken_files_keep_the_last_good_knowledge(knowledge: Path, tmp_path: Path) -> None:
    with live_server(knowledge, tmp_path) as (base, _, _):
        assert ask(base, "포장마차 할인 있어요?")["intent"] != "faq"
        faq = knowledge / "faq" / "주문결제.md"
        faq.write_text(faq.read_text(encoding="utf-8") + "\n## 포장마차 할인이 있나요?\n네, 포장마차 세트는 10% 할인해 드려요.\n", encoding="utf-8")
        wait_for(lambda: ask(base, "포장마차 할인 있어요?")["intent"] == "faq", 20.0)  # a margin for a loaded machine
        assert "10% 할인" in ask(base, "포장마차 할인 있어요?")["answer"]

        menu = knowledge / "menu.csv"
        good = menu.read_text(encoding="utf-8")
        menu.write_text(good.replace('"9,000원"', "구천원"), encoding="utf-8")
        wait_for(lambda: httpx.get(f"{base}/healthz").json()["knowledge"]["errors"] != [], 2.0)
        errors = httpx.get(f"{base}/healthz").json()["knowledge"]["errors"]
        assert errors == ["menu.csv:4: '순두부찌개'의 가격 '구천원'을 숫자로 읽을 수 없어요. 4500 또는 4,500원처럼 적고, 그날 값으로 받는 메뉴는 '시가'라고 적어 주세요."]
        assert "9,000원" in ask(base, "순두부찌개 얼마예요?")["answer"]  # still the last good menu

        menu.write_text(good.replace('"9,000원"', '"9,500원"'), encoding="utf-8")
        wait_for(lambda: "9,500원" in ask(base, "순두부찌개 얼마예요?")["answer"], 2.0)
        assert httpx.get(f"{base}/healthz").json()["knowledge"]["errors"] == []


def test_server_refuses_to_start_on_broken_knowledge(tmp_path: Path, make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(store="name = \n")
    with pytest.raises(RuntimeError, match="store.toml:1"), live_server(root, tmp_path):
        pass


def test_errors_have_one_shape_for_programs_and_a_page_for_people(demo_server: str) -> None:
    """bot/errors.py: programs get {"error", "message"} in Korean; console pages are pages."""
    missing = httpx.get(f"{demo_server}/no/such/path")
    assert missing.status_code == 404 and missing.json() == {"error": "not_found", "message": "찾는 페이지가 없어요."}
    wrong = httpx.post(f"{demo_server}/api/ask", json={})
    assert wrong.status_code == 422 and wrong.json()["error"] == "invalid_request" and "요청 형식" in wrong.json()["message"]
    page = httpx.get(f"{demo_server}/staff/c/999999", follow_redirects=False)
    assert page.status_code in (303, 404) and "application/json" not in page.headers.get("content-type", "")
