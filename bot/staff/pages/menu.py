"""The menu, edited from a phone: sold out in one tap, an item's price, allergens, tags and text,
new items, removal, and the whole menu as an Excel file (download, or upload in place of the file)."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.kb.edit import EditRefused, Plan
from bot.kb.errors import Problem
from bot.kb.loader import MENU_FILE
from bot.kb.records import MenuItem
from bot.staff.deps import KbDep, Owner, WorkspaceDep, check_csrf, render
from bot.staff.pages.editing import preview_or_apply

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
FIELDS = ("name", "category", "price", "description", "tags", "allergens", "spicy", "image")
MAX_UPLOAD = 2_000_000
BACK = "/staff/knowledge/menu"


def as_fields(item: MenuItem) -> dict[str, str]:
    """An item's cells as the form shows them."""
    price = "시가" if item.market_price else ("" if item.price is None else str(item.price))
    return {"name": item.name, "category": item.category, "price": price, "description": item.description,
            "tags": ", ".join(item.tags), "allergens": ", ".join(item.allergens), "spicy": str(item.spicy) if item.spicy else "",
            "image": item.image}


@router.get("/menu", response_class=HTMLResponse)
async def menu_page(request: Request, staff: Owner, kb: KbDep, saved: str = "") -> Response:
    k = kb.snapshot.knowledge
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in k.menu:
        groups.setdefault(item.category or "분류 없음", []).append({"item": item, "fields": as_fields(item)})
    return render(request, "menu.html", {"staff": staff, "groups": groups, "saved": saved[:200], "count": len(k.menu),  # type: ignore[no-any-return]
                                         "file": k.menu[0].origin.file if k.menu else MENU_FILE})


@router.post("/menu/available")
async def toggle(staff: Owner, kb: KbDep, workspace: WorkspaceDep, csrf: Annotated[str, Form()] = "",
                 name: Annotated[str, Form(max_length=200)] = "", available: Annotated[str, Form()] = "0") -> Response:
    """Sold out (or back on sale) in one tap, live at once; the history keeps the way back."""
    check_csrf(staff, csrf)
    selling = available == "1"
    summary = f"메뉴 '{name}' {'다시 판매' if selling else '품절'}로 바꿈"
    try:
        plan = await workspace.plan(workspace.editor.plan_menu, name, {"available": "O" if selling else "X"}, summary)
        await workspace.apply(plan, staff.name)
    except EditRefused as e:
        raise HTTPException(status_code=400, detail=" ".join(str(p) for p in e.problems)) from e
    return RedirectResponse(f"{BACK}?{urlencode({'saved': summary})}#item-{name}", status_code=303)


@router.post("/menu/edit")
async def edit_item(request: Request, staff: Owner, kb: KbDep, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    original = str(form.get("original", ""))
    item = next((m for m in kb.snapshot.knowledge.menu if m.name == original), None)
    current = as_fields(item) if item else {}
    values = {k: str(form.get(k, "")).strip() for k in FIELDS if k in form and str(form.get(k, "")).strip() != current.get(k, "")}

    async def make() -> Plan:
        if not values:
            raise EditRefused([Problem(item.origin.file if item else MENU_FILE, item.origin.line if item else None, "바꾼 내용이 없어요.")])
        return await workspace.plan(workspace.editor.plan_menu, original, values)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, BACK, f"메뉴 '{original}' 고치기")


@router.post("/menu/new")
async def new_item(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    values = {k: str(form.get(k, "")).strip() for k in FIELDS if str(form.get(k, "")).strip()}

    async def make() -> Plan:
        return await workspace.plan(workspace.editor.plan_new_menu, values)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, BACK, "새 메뉴 추가")


@router.post("/menu/delete")
async def delete_item(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    original = str(form.get("original", ""))

    async def make() -> Plan:
        return await workspace.plan(workspace.editor.plan_delete_menu, original)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, BACK, f"메뉴 '{original}' 지우기")


@router.get("/menu.xlsx")
async def download(staff: Owner, kb: KbDep) -> Response:
    """The menu as an Excel workbook, whatever file it lives in: the owner edits it there and uploads it back."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "메뉴"
    sheet.append(["이름", "분류", "가격", "설명", "태그", "알레르기", "맵기", "판매", "사진"])
    for item in kb.snapshot.knowledge.menu:
        price: Any = "시가" if item.market_price else item.price
        sheet.append([item.name, item.category, price, item.description, ", ".join(item.tags), ", ".join(item.allergens),
                      item.spicy or None, "O" if item.available else "X", item.image or None])
    for column, width in zip("ABCDEFGHI", (18, 10, 10, 40, 16, 16, 6, 6, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''menu.xlsx"})


@router.post("/menu/upload")
async def upload(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    """A menu file from the owner's phone or PC (xlsx, or csv in any encoding the loader reads) in place
    of the current one, previewed first like every other edit. The preview carries the file back as
    base64 in the form, so nothing is kept on the server between the two steps."""
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    upload_file = form.get("file")
    data: bytes = b""
    name = str(form.get("filename", ""))
    if isinstance(upload_file, UploadFile) or hasattr(upload_file, "read"):
        data = await upload_file.read(MAX_UPLOAD + 1)  # type: ignore[union-attr]
        name = getattr(upload_file, "filename", "") or ""
    elif form.get("data"):
        try:
            data = base64.b64decode(str(form.get("data")), validate=True)
        except (binascii.Error, ValueError):
            data = b""

    async def make() -> Plan:
        if len(data) > MAX_UPLOAD:
            raise EditRefused([Problem(MENU_FILE, None, "파일이 너무 커요. 2MB보다 작은 메뉴 파일을 올려 주세요.")])
        return await workspace.plan(workspace.editor.plan_menu_upload, name, data)  # type: ignore[no-any-return]

    # The preview posts the file back as base64 (the browser cannot re-send a chosen file).
    request.state.carry = {"data": base64.b64encode(data).decode(), "filename": name}
    return await preview_or_apply(request, staff, workspace, make, BACK, "메뉴 파일 올리기")
