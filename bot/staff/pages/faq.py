"""FAQ entries edited from a phone: question, other phrasings, answer and where it lives; removal."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.kb.edit import Plan, faq_places
from bot.staff.deps import KbDep, Owner, WorkspaceDep, check_csrf, render
from bot.staff.pages.editing import preview_or_apply

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
BACK = "/staff/knowledge/faq"


def place_key(file: str, category: str) -> str:
    return f"{file}#{category}"


@router.get("/faq", response_class=HTMLResponse)
async def faq_page(request: Request, staff: Owner, kb: KbDep, saved: str = "") -> Response:
    k = kb.snapshot.knowledge
    groups: dict[str, list[object]] = {}
    for f in k.faqs:
        groups.setdefault(f"{f.origin.file.removeprefix('faq/')} · {f.category}" if f.category else f.origin.file.removeprefix("faq/"),
                          []).append(f)
    places = [{"key": place_key(f, c), "label": f"{f.removeprefix('faq/')} · {c}" if c else f.removeprefix("faq/")} for f, c in faq_places(k)]
    return render(request, "faq_list.html", {"staff": staff, "groups": groups, "places": places, "saved": saved[:200],  # type: ignore[no-any-return]
                                             "count": len(k.faqs), "place_key": place_key})


@router.post("/faq/edit")
async def edit_faq(request: Request, staff: Owner, kb: KbDep, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    original = str(form.get("original", ""))
    file, _, category = str(form.get("place", "")).partition("#")

    async def make() -> Plan:
        return await workspace.plan(workspace.editor.plan_edit_faq, original, str(form.get("question", "")), str(form.get("answer", "")),  # type: ignore[no-any-return]
                                    str(form.get("aliases", "")).splitlines(), file, category)

    return await preview_or_apply(request, staff, workspace, make, BACK, f"FAQ '{original}' 고치기")


@router.post("/faq/delete")
async def delete_faq(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    original = str(form.get("original", ""))

    async def make() -> Plan:
        return await workspace.plan(workspace.editor.plan_delete_faq, original)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, BACK, f"FAQ '{original}' 지우기")


@router.get("/synonyms", response_class=HTMLResponse)
async def synonyms_page(request: Request, staff: Owner, workspace: WorkspaceDep, saved: str = "") -> Response:
    from bot.kb.edit import read_file
    from bot.kb.loader import SYNONYM_FILE

    text = read_file(workspace.editor.root / SYNONYM_FILE).text
    return render(request, "synonyms.html", {"staff": staff, "text": text, "saved": saved[:200]})  # type: ignore[no-any-return]


@router.post("/synonyms")
async def save_synonyms(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))

    async def make() -> Plan:
        return await workspace.plan(workspace.editor.plan_synonyms, str(form.get("text", "")))  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, "/staff/knowledge/synonyms", "손님 말(동의어) 고치기")
