"""Every change to the knowledge files, who made it and when, with a readable diff; one tap restores
any earlier version (through the same checks as every edit)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from bot.kb import history
from bot.kb.edit import Plan
from bot.staff.deps import Owner, WorkspaceDep, check_csrf, render
from bot.staff.pages.editing import preview_or_apply

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
NOT_FOUND = "그 버전을 찾을 수 없어요."


@router.get("/changes", response_class=HTMLResponse)
async def changes_page(request: Request, staff: Owner, workspace: WorkspaceDep, before: int = 0, saved: str = "") -> Response:
    changes = await workspace.changes(before if 0 < before < 2**63 else None)
    more = changes[-1].version.id if len(changes) == 50 else None
    return render(request, "changes.html", {"staff": staff, "changes": changes, "more": more, "saved": saved[:200]})  # type: ignore[no-any-return]


@router.get("/changes/{version_id}", response_class=HTMLResponse)
async def change_page(request: Request, version_id: int, staff: Owner, workspace: WorkspaceDep) -> Response:
    found = await workspace.version(version_id) if 0 < version_id < 2**63 else None
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    version, previous = found
    return render(request, "change.html", {"staff": staff, "v": version, "previous": previous,  # type: ignore[no-any-return]
                                           "lines": history.diff(previous, version)})


@router.post("/changes/{version_id}/restore")
async def restore(request: Request, version_id: int, staff: Owner, workspace: WorkspaceDep) -> Response:
    """Write this version of its file back; previewed like any edit, recorded as a new change."""
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    if not 0 < version_id < 2**63:
        raise HTTPException(status_code=404, detail=NOT_FOUND)

    async def make() -> Plan:
        return await workspace.restore_plan(version_id)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, "/staff/knowledge/changes", "이 버전으로 되돌리기")
