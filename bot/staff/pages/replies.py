"""Saved replies: staff write the answers they give often once, and insert them with a tap."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.staff.deps import ConsoleDep, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/replies", response_class=HTMLResponse)
async def replies_page(request: Request, staff: Page, console: ConsoleDep) -> Response:
    replies = await console.storage.call(console.storage.saved_replies)
    return render(request, "replies.html", {"staff": staff, "replies": replies})  # type: ignore[no-any-return]


@router.post("/replies")
async def reply_add(staff: Page, console: ConsoleDep, csrf: Annotated[str, Form()] = "", title: Annotated[str, Form(max_length=40)] = "",
                    text: Annotated[str, Form(max_length=1000)] = "") -> Response:
    check_csrf(staff, csrf)
    if not title.strip() or not text.strip():
        raise HTTPException(status_code=400, detail="이름과 내용을 모두 적어 주세요.")
    await console.storage.call(console.storage.add_saved_reply, title=title.strip(), text=text.strip(), created_by=staff.name)
    return RedirectResponse("/staff/replies", status_code=303)


@router.post("/replies/{reply_id}/delete")
async def reply_delete(reply_id: int, staff: Page, console: ConsoleDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    if not 0 < reply_id < 2**63:
        raise HTTPException(status_code=404, detail="그 답장을 찾을 수 없어요.")
    await console.storage.call(console.storage.delete_saved_reply, reply_id=reply_id)
    return RedirectResponse("/staff/replies", status_code=303)
