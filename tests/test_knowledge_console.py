"""The owner's knowledge pages over HTTP: every edit previewed before it is written, written through
the loader, recorded with who and what, and restorable; a refused edit writes nothing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.kb.loader import load_knowledge
from bot.server import create_app
from bot.settings import load_settings
from bot.staff.auth import add_staff
from tests.conftest import DEMO, database_url

PASSWORD = "correct horse battery"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEMO, folder)
    return folder


@pytest.fixture
def owner(tmp_path: Path, shop: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    monkeypatch.setenv("DANGGOL_STORE__KNOWLEDGE_DIR", str(shop))
    app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    add_staff(app.state.storage, "사장", PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/staff/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        client.post("/staff/login", data={"name": "사장", "password": PASSWORD, "csrf": token})
        yield client


def csrf(client: TestClient, path: str = "/staff/knowledge/menu") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)[1]  # type: ignore[index]


def ask(client: TestClient, text: str) -> str:
    return client.post("/api/ask", json={"question": text}).json()["answer"]  # type: ignore[no-any-return]


def test_sold_out_in_one_tap_then_back_through_the_history(owner: TestClient, shop: Path) -> None:
    item = load_knowledge(shop).menu[0]
    assert "판매하지 않아요" not in ask(owner, f"{item.name} 주문할게요")
    r = owner.post("/staff/knowledge/menu/available", data={"csrf": csrf(owner), "name": item.name, "available": "0"}, follow_redirects=False)
    assert r.status_code == 303
    assert not next(m for m in load_knowledge(shop).menu if m.name == item.name).available
    assert "지금은 판매하지 않아요" in ask(owner, f"{item.name} 주문할게요")  # live at once
    changes = owner.get("/staff/knowledge/changes").text
    assert f"메뉴 &#39;{item.name}&#39; 품절로 바꿈" in changes and "사장" in changes
    change = int(re.findall(r'href="/staff/knowledge/changes/(\d+)"', changes)[0])  # the newest: the sold-out change
    page = owner.get(f"/staff/knowledge/changes/{change}").text
    assert "−" in page and "+" in page and item.name in page  # the line before and after
    version = int(re.search(r'action="/staff/knowledge/changes/(\d+)/restore" class="undo"', page)[1])  # type: ignore[index]
    token = csrf(owner)
    preview = owner.post(f"/staff/knowledge/changes/{version}/restore", data={"csrf": token})
    assert preview.status_code == 200 and "저장" in preview.text and "달라지는 답변" in preview.text
    assert not next(m for m in load_knowledge(shop).menu if m.name == item.name).available  # a preview writes nothing
    done = owner.post(f"/staff/knowledge/changes/{version}/restore", data={"csrf": token, "confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert next(m for m in load_knowledge(shop).menu if m.name == item.name).available
    assert "되돌림" in owner.get("/staff/knowledge/changes").text


def test_an_edit_is_previewed_with_the_answers_it_changes(owner: TestClient, shop: Path) -> None:
    item = next(m for m in load_knowledge(shop).menu if m.price)
    before = ask(owner, f"{item.name} 얼마예요?")
    token = csrf(owner)
    data = {"csrf": token, "original": item.name, "price": str(item.price + 500)}
    preview = owner.post("/staff/knowledge/menu/edit", data=data)
    assert preview.status_code == 200
    assert f"{item.price + 500:,}원" in preview.text and f"{item.name} 얼마예요?" in preview.text  # the question the customer asked
    assert ask(owner, f"{item.name} 얼마예요?") == before  # nothing written yet
    owner.post("/staff/knowledge/menu/edit", data={**data, "confirm": "1"})
    assert f"{item.price + 500:,}원" in ask(owner, f"{item.name} 얼마예요?")


def test_a_bad_edit_is_refused_with_the_located_error_and_nothing_written(owner: TestClient, shop: Path) -> None:
    item = load_knowledge(shop).menu[0]
    files = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    token = csrf(owner)
    r = owner.post("/staff/knowledge/menu/edit", data={"csrf": token, "original": item.name, "price": "구천원쯤", "confirm": "1"})
    assert r.status_code == 400 and "menu.csv:" in r.text and "숫자로 읽을 수 없어요" in r.text
    faq = load_knowledge(shop).faqs
    r = owner.post("/staff/knowledge/faq/edit", data={"csrf": token, "original": faq[0].id, "question": faq[1].id, "answer": "x",
                                                       "place": f"{faq[0].origin.file}#{faq[0].category}", "confirm": "1"})
    assert r.status_code == 400 and "같은 질문은 한 번만" in r.text
    r = owner.post("/staff/knowledge/store", data={"csrf": token, "name": "소담", "open_mon": "11:00", "close_mon": "", "confirm": "1"})
    assert r.status_code == 400 and "월요일" in r.text
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()} == files


def test_store_hours_are_written_with_the_owners_comments_kept(owner: TestClient, shop: Path) -> None:
    page = owner.get("/staff/knowledge/store").text
    form = {m[0]: m[1] for m in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page)}
    form["csrf"] = csrf(owner, "/staff/knowledge/store")
    checked = set(re.findall(r'name="(\w+)" value="1" checked', page))
    data: dict[str, str | list[str]] = {k: v for k, v in form.items() if k not in ("holiday_date", "holiday_reason") and not k.startswith("closed_")}
    data.update({k: "1" for k in checked})
    data["holiday_date"] = re.findall(r'name="holiday_date" value="([^"]*)"', page)
    data["holiday_reason"] = re.findall(r'name="holiday_reason" maxlength="60" value="([^"]*)"', page)
    data["close_sun"], data["confirm"] = "21:30", "1"
    r = owner.post("/staff/knowledge/store", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    text = (shop / "store.toml").read_text(encoding="utf-8")
    original = (DEMO / "store.toml").read_text(encoding="utf-8")
    assert text == original.replace('sun = "11:00-20:00"', 'sun = "11:00-21:30"')  # one value changed, every comment and line kept
    assert "21시 30분" in ask(owner, "일요일 몇 시까지 해요?") or "9시 30분" in ask(owner, "일요일 몇 시까지 해요?")


def test_the_staff_role_cannot_reach_the_knowledge_pages(owner: TestClient) -> None:
    storage = owner.app.state.storage  # type: ignore[attr-defined]
    add_staff(storage, "알바", PASSWORD, role="staff")
    owner.post("/staff/logout", data={"csrf": csrf(owner)})
    page = owner.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    owner.post("/staff/login", data={"name": "알바", "password": PASSWORD, "csrf": token})
    for path in ("/staff/knowledge/menu", "/staff/knowledge/faq", "/staff/knowledge/store", "/staff/knowledge/changes", "/staff/knowledge/menu.xlsx"):
        assert owner.get(path).status_code == 403, path
    assert "/staff/knowledge/menu" not in owner.get("/staff/knowledge").text


def test_a_conversation_saved_as_tests_guards_its_answers(owner: TestClient, shop: Path) -> None:
    from bot.kb.owner_tests import load_tests

    body = {"userRequest": {"utterance": "차 가지고 가도 돼요?", "user": {"id": "tested-1", "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    owner.post("/kakao/skill", json=body)
    before = {t.question for t in load_tests(shop)[0]}
    r = owner.post("/staff/c/1/save-test", data={"csrf": csrf(owner, "/staff/c/1")}, follow_redirects=False)
    assert r.status_code == 303 and "tested=" in r.headers["location"]
    tests = {t.question: t for t in load_tests(shop)[0]}
    assert set(tests) - before == {"차 가지고 가도 돼요?"} and tests["차 가지고 가도 돼요?"].source == "주차할 수 있나요?"
    again = owner.post("/staff/c/1/save-test", data={"csrf": csrf(owner, "/staff/c/1")})
    assert "이미 테스트에 있어요" in again.text
    # the saved test is asked in every preview: an edit that changes its answer shows it
    faq = next(f for f in load_knowledge(shop).faqs if f.id == "주차할 수 있나요?")
    preview = owner.post("/staff/knowledge/faq/edit", data={"csrf": csrf(owner), "original": faq.id, "question": faq.id,
                                                             "answer": "주차장은 없어요.", "place": f"{faq.origin.file}#{faq.category}"})
    assert "차 가지고 가도 돼요?" in preview.text and "주차장은 없어요." in preview.text
