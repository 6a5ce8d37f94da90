"""What every knowledge form shares: preview first, then write on the owner's confirmation.

A form posts its fields; without `confirm` the owner sees the preview (the lines that change in the
files, and the customers' recent questions whose answer would change, old and new); the preview
posts the same fields back with `confirm=1`, and only then is anything written. A refused edit
shows the loader's located problems and writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from bot.kb.edit import EditRefused, Plan
from bot.staff.deps import render


async def preview_or_apply(request: Request, staff: Any, workspace: Any, make: Callable[[], Awaitable[Plan]], back: str,
                           title: str) -> Response:
    form = await request.form()
    carry = getattr(request.state, "carry", None)  # what the form cannot post back itself (an uploaded file)
    fields = list(carry.items()) if carry else [(k, str(v)) for k, v in form.multi_items() if k not in ("csrf", "confirm")]
    try:
        plan = await make()
        if form.get("confirm") == "1":
            await workspace.apply(plan, staff.name)
            return RedirectResponse(f"{back}{'&' if '?' in back else '?'}{urlencode({'saved': plan.summary[:120]})}", status_code=303)
        preview = await workspace.preview(plan)
    except EditRefused as e:
        return render(request, "preview.html", {"staff": staff, "title": title, "problems": [str(p) for p in e.problems],  # type: ignore[no-any-return]
                                                "back": back, "fields": fields, "action": request.url.path}, status_code=400)
    return render(request, "preview.html", {"staff": staff, "title": title, "preview": preview, "plan": plan, "back": back,  # type: ignore[no-any-return]
                                            "fields": fields, "action": request.url.path, "problems": []})
