"""A validator for SkillResponse 2.0, written from ../shared/spec/kakao.md §2, independent of the renderer."""

from __future__ import annotations

import json
from typing import Any


def problems(response: dict[str, Any]) -> list[str]:
    """Every way `response` breaks the documented limits (empty when it is valid)."""
    out: list[str] = []

    def check(cond: bool, message: str) -> None:
        if not cond:
            out.append(message)

    check(response.get("version") == "2.0", "version must be '2.0'")
    size = len(json.dumps(response, ensure_ascii=False).encode())
    check(size <= 30 * 1024, f"response is {size} bytes, over 30 KB")
    if response.get("useCallback"):
        check(response.get("useCallback") is True and "template" not in response, "callback ack has no template")
        check(isinstance(response.get("data", {}), dict), "data must be an object")
        return out
    template = response.get("template")
    check(isinstance(template, dict), "template missing")
    if not isinstance(template, dict):
        return out
    outputs = template.get("outputs", [])
    check(1 <= len(outputs) <= 3, f"{len(outputs)} outputs (1 to 3)")
    for o in outputs:
        check(len(o) == 1, f"an output has {len(o)} components")
        kind, body = next(iter(o.items()))
        if kind == "simpleText":
            text = body.get("text", "")
            check(0 < len(text) <= 1000, f"simpleText of {len(text)} chars")
        elif kind == "carousel":
            items = body.get("items", [])
            check(body.get("type") in ("textCard", "basicCard", "commerceCard", "listCard", "itemCard"), f"carousel type {body.get('type')}")
            check(1 <= len(items) <= 10, f"carousel of {len(items)} items")
            check(not ("header" in body and body.get("type") in ("textCard", "listCard")), "no header with textCard/listCard")
            for item in items:
                _card(body.get("type"), item, True, check)
        else:
            _card(kind, body, False, check)
    quick = template.get("quickReplies", [])
    check(len(quick) <= 10, f"{len(quick)} quick replies (max 10)")
    for q in quick:
        check(q.get("action") in ("message", "block"), f"quick reply action {q.get('action')}")
        check(0 < len(q.get("label", "")) <= 14, f"quick reply label {q.get('label')!r} over 14")
        if q.get("action") == "message":
            check(bool(q.get("messageText")), "message quick reply needs messageText")
        if q.get("action") == "block":
            check(bool(q.get("blockId")), "block quick reply needs blockId")
    return out


def _card(kind: str | None, card: dict[str, Any], in_carousel: bool, check) -> None:  # type: ignore[no-untyped-def]
    if kind == "textCard":
        check(bool(card.get("title") or card.get("description")), "textCard needs title or description")
        check(len(card.get("title", "")) <= 50, "textCard title over 50")
        check(len(card.get("description", "")) <= (128 if in_carousel else 400), "textCard description too long")
    elif kind == "basicCard":
        check(bool(card.get("thumbnail", {}).get("imageUrl")), "basicCard needs a thumbnail")
        check(len(card.get("title", "")) <= 50 and len(card.get("description", "")) <= 230, "basicCard text too long")
    elif kind == "commerceCard":
        check(isinstance(card.get("price"), int) and not isinstance(card.get("price"), bool), "commerceCard price must be an int")
        check(card.get("currency", "won") == "won", "commerceCard currency is won")
        check(len(card.get("thumbnails", [])) == 1, "commerceCard needs exactly one thumbnail")
        check(len(card.get("title", "")) <= 30 and len(card.get("description", "")) <= 40, "commerceCard text too long")
    else:
        check(False, f"unexpected component {kind}")
        return
    buttons = card.get("buttons", [])
    layout = card.get("buttonLayout", "vertical")
    check(len(buttons) <= (2 if layout == "horizontal" else 3), f"{len(buttons)} buttons in {layout} layout")
    for b in buttons:
        limit = 8 if layout == "horizontal" else 14
        check(0 < len(b.get("label", "")) <= limit, f"button label {b.get('label')!r} over {limit}")
        action = b.get("action")
        check(action in ("webLink", "message", "phone", "block", "share", "operator"), f"button action {action}")
        if action == "webLink":
            check(str(b.get("webLinkUrl", "")).startswith(("http://", "https://")), "webLink needs an http(s) URL")
        if action == "message":
            check(bool(b.get("messageText")), "message button needs messageText")
        if action == "phone":
            check(bool(b.get("phoneNumber")), "phone button needs phoneNumber")
