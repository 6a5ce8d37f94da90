"""더보기: on a phone, the pages that do not fit the bottom tab bar."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.deps import Page, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/more", response_class=HTMLResponse)
async def more_page(request: Request, staff: Page) -> Response:
    return render(request, "more.html", {"staff": staff})  # type: ignore[no-any-return]
