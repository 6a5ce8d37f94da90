"""What customers asked that the bot could not answer, and one tap to teach it: the question as
another phrasing of an existing FAQ entry, or a new entry whose answer starts from what staff
replied. Staff see the list; the owner edits (bot/kb/edit.py writes the files through the loader).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.kb.edit import NEW_FAQ_FILE, EditRefused
from bot.staff.deps import LearningDep, Owner, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/unanswered", response_class=HTMLResponse)
async def unanswered_page(request: Request, staff: Page, learning: LearningDep, done: str = "", q: str = "",
                          ok: int = 1) -> Response:
    learned = await learning.unanswered()
    flash = {"done": done, "question": q[:100], "ok": bool(ok)} if done in ("phrasing", "faq") else None
    return render(request, "unanswered.html", {"staff": staff, "learned": learned, "flash": flash,  # type: ignore[no-any-return]
                                               "drafts": _drafts(learned), "faq_ids": learning.faq_ids()})


@router.post("/unanswered/phrasing")
async def add_phrasing(request: Request, staff: Owner, learning: LearningDep, csrf: Annotated[str, Form()] = "",
                       faq_id: Annotated[str, Form(max_length=200)] = "", question: Annotated[str, Form(max_length=300)] = "") -> Response:
    """The question becomes a `다른 표현:` of the chosen FAQ entry; the page comes back without it."""
    check_csrf(staff, csrf)
    try:
        answered = await learning.add_phrasing(faq_id, question, staff.name)
    except EditRefused as e:
        learned = await learning.unanswered()
        return render(request, "unanswered.html", {"staff": staff, "learned": learned, "flash": None,  # type: ignore[no-any-return]
                                                   "drafts": _drafts(learned), "faq_ids": learning.faq_ids(),
                                                   "problems": [str(p) for p in e.problems]},
                      status_code=400)
    query = urlencode({"done": "phrasing", "q": question[:100], "ok": int(answered)})
    return RedirectResponse(f"/staff/unanswered?{query}", status_code=303)


@router.get("/unanswered/new", response_class=HTMLResponse)
async def new_faq_form(request: Request, staff: Owner, learning: LearningDep, q: str = "",
                       alt: Annotated[list[str] | None, Query()] = None, a: str = "", reply: int = 0) -> Response:
    """A new FAQ entry, prefilled: the question, its other wordings, and what staff answered (from the
    unanswered group, or from one staff reply on a conversation page)."""
    if reply and 0 < reply < 2**63:
        draft = await learning.draft_from_reply(reply)
        if draft:
            q, a = draft
    form = {"question": q[:100], "aliases": "\n".join(x[:100] for x in (alt or [])[:10]), "answer": a[:2000],
            "place": learning.place_for(q) if q.strip() else ""}  # beside the entries it is most like
    return _form(request, staff, learning, form)


@router.post("/unanswered/faq")
async def add_faq(request: Request, staff: Owner, learning: LearningDep, csrf: Annotated[str, Form()] = "",
                  question: Annotated[str, Form(max_length=300)] = "", aliases: Annotated[str, Form(max_length=2000)] = "",
                  answer: Annotated[str, Form(max_length=4000)] = "", place: Annotated[str, Form(max_length=300)] = "") -> Response:
    check_csrf(staff, csrf)
    places = learning.places()
    chosen = next(((f, c) for f, c in places if _place_key(f, c) == place), places[0])
    try:
        answered = await learning.add_faq(question, answer, aliases.splitlines(), chosen[0], chosen[1], staff.name)
    except EditRefused as e:
        form = {"question": question, "aliases": aliases, "answer": answer, "place": place}
        return _form(request, staff, learning, form, [str(p) for p in e.problems], status_code=400)
    query = urlencode({"done": "faq", "q": question[:100], "ok": int(answered)})
    return RedirectResponse(f"/staff/unanswered?{query}", status_code=303)


def _drafts(learned: Any) -> dict[str, str]:
    """Each group's link to a new FAQ entry: its newest wording, the others as phrasings, and what
    staff first replied as the answer to edit."""
    return {g.example: "/staff/unanswered/new?" + urlencode({"q": g.example, "alt": g.questions[1:8],
                                                              "a": g.staff_replies[0] if g.staff_replies else ""}, doseq=True)
            for g in learned.groups}


def _place_key(file: str, category: str) -> str:
    return f"{file}#{category}"


def _form(request: Request, staff: object, learning: object, form: dict[str, str], problems: list[str] | None = None,
          status_code: int = 200) -> Response:
    places = [{"key": _place_key(f, c), "label": f"{f.removeprefix('faq/')} · {c}" if c else f.removeprefix("faq/"),
               "new": f == NEW_FAQ_FILE} for f, c in learning.places()]  # type: ignore[attr-defined]
    return render(request, "faq_new.html", {"staff": staff, "form": form, "places": places,  # type: ignore[no-any-return]
                                            "problems": problems or []}, status_code=status_code)
