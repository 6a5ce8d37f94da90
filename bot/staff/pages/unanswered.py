"""What customers asked that the bot could not answer, grouped, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.deps import ConsoleDep, KbDep, Page, render
from bot.staff.insights import unanswered

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/unanswered", response_class=HTMLResponse)
async def unanswered_page(request: Request, staff: Page, console: ConsoleDep, kb: KbDep) -> Response:
    index = kb.snapshot.index
    groups = await console.storage.call(unanswered, storage=console.storage, terms=lambda t: set(index.analyse(t)[2]))
    return render(request, "unanswered.html", {"staff": staff, "groups": groups})  # type: ignore[no-any-return]
