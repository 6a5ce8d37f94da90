"""The 단골 pages over HTTP: the picture with every segment's count, a segment's members, a customer's
page (masked phones for staff), a visit recorded by phone, a POS import (bad rows by line, idempotent),
merge and split by the owner, the Excel export, the stamp card's code; staff kept off the owner's forms."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.ledger.stats import SEGMENT_KO
from bot.server import create_app
from bot.settings import load_settings
from bot.staff.auth import add_staff
from tests.conftest import database_url

PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DANGGOL_DATABASE__URL", database_url(tmp_path))
    monkeypatch.setenv("DANGGOL_RETRIEVAL__INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DANGGOL_RELOAD__ENABLED", "false")
    application = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    add_staff(application.state.storage, "사장", PASSWORD)
    add_staff(application.state.storage, "알바", PASSWORD, role="staff")
    with TestClient(application, base_url="https://testserver") as client:
        yield client


def login(client: TestClient, name: str) -> str:
    page = client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    client.post("/staff/login", data={"name": name, "password": PASSWORD, "csrf": token})
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/customers").text)[1]  # type: ignore[index]


EXPORT = ("매출 내역\r\n거래일시,휴대폰,결제금액,상품명,영수증번호\r\n"
          "2026-11-20 12:10:00,010-2222-3333,\"9,000\",김치찌개,1\r\n"
          "2026-11-21 12:40:00,+82 10 2222 3333,\"8,000\",제육덮밥,2\r\n"
          "어제,010-4444-5555,\"7,000\",잔치국수,3\r\n"
          "2026-11-22 18:00:00,,\"7,000\",잔치국수,4\r\n").encode("cp949")


def test_the_owner_imports_sees_and_manages_customers(app: TestClient) -> None:
    token = login(app, "사장")
    r = app.post("/staff/customers/import", data={"csrf": token}, files={"file": ("매출.csv", EXPORT, "text/csv")})
    assert r.status_code == 200 and "새 방문 2건" in r.text and "새 손님 1명" in r.text
    assert "매출.csv:5" in r.text and "손님 정보가 없는 거래 1건" in r.text  # the bad row by its line; the anonymous sale left out
    again = app.post("/staff/customers/import", data={"csrf": token}, files={"file": ("매출.csv", EXPORT, "text/csv")})
    assert "새 방문 0건" in again.text and "이미 있던 2건" in again.text
    page = app.get("/staff/customers")
    assert page.status_code == 200 and all(SEGMENT_KO[s] in page.text for s in SEGMENT_KO)
    who = app.post("/staff/customers/visit", data={"csrf": token, "phone": "010.2222.3333", "party": "2"}, follow_redirects=False)
    customer = who.headers["location"].split("/c/")[1].split("?")[0]
    detail = app.get(f"/staff/customers/c/{customer}").text
    assert "010-2222-3333" in detail and "직원 기록" in detail and "김치찌개 1번" in detail
    other = app.post("/staff/customers/visit", data={"csrf": token, "phone": "010-7777-8888"}, follow_redirects=False)
    other_id = other.headers["location"].split("/c/")[1].split("?")[0]
    merged = app.post(f"/staff/customers/c/{customer}/merge", data={"csrf": token, "phone": "010 7777 8888"}, follow_redirects=False)
    assert merged.status_code == 303 and app.get(f"/staff/customers/c/{other_id}").status_code == 404
    detail = app.get(f"/staff/customers/c/{customer}").text
    identity = re.findall(r'name="identity" value="(\d+)"', detail)[-1]
    split = app.post(f"/staff/customers/c/{customer}/split", data={"csrf": token, "identity": identity}, follow_redirects=False)
    assert split.status_code == 303 and "/staff/customers/c/" in split.headers["location"]
    xlsx = app.get("/staff/customers/export.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["손님", "묶음"] and book["손님"]["C2"].value == "010-2222-3333"
    stamps = app.post("/staff/stamps", data={"csrf": token, "enabled": "1", "needed": "8", "reward": "소금빵"}, follow_redirects=False)
    assert stamps.status_code == 303 and re.search(r'class="stamp-code"[^>]*>\d{4}<', app.get("/staff/stamps").text)


def test_staff_see_masked_phones_and_cannot_use_the_owners_forms(app: TestClient) -> None:
    token = login(app, "사장")
    who = app.post("/staff/customers/visit", data={"csrf": token, "phone": "010-2222-3333"}, follow_redirects=False)
    customer = who.headers["location"].split("/c/")[1].split("?")[0]
    app.post("/staff/logout", data={"csrf": token})
    token = login(app, "알바")
    detail = app.get(f"/staff/customers/c/{customer}").text
    assert "010-****-3333" in detail and "010-2222-3333" not in detail and "떼어 내기" not in detail
    assert app.post("/staff/customers/visit", data={"csrf": token, "phone": "010-9999-0000"}, follow_redirects=False).status_code == 303
    for path in ("/staff/customers/import", "/staff/customers/export.xlsx"):
        assert app.get(path).status_code == 403
    assert app.post(f"/staff/customers/c/{customer}/merge", data={"csrf": token, "phone": "010-9999-0000"}).status_code == 403
    assert app.post("/staff/stamps", data={"csrf": token, "enabled": "1"}).status_code == 403
