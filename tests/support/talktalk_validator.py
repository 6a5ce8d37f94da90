"""Checks an outgoing TalkTalk event against the documented limits (../shared/spec/talktalk.md §2).

Written from the spec, not from Danggol's renderer, so that a renderer bug cannot hide here.
"""

from __future__ import annotations

import re
from typing import Any

LIMITS = {"text": 10_000, "composite_title": 200, "composite_desc": 1_000, "composites": 10, "buttons": 10, "button_title": 18,
          "code": 1_000, "quick_title": 10, "quick_count": 10, "elements": 3, "element_text": 100, "menu_title": 20, "menus": 4}
BUTTON_TYPES = {"TEXT", "LINK", "OPTION", "PAY", "TIME", "CALENDAR", "TIMEINTERVAL"}
YMD = re.compile(r"\d{8}")


def _button(b: Any, where: str, title_limit: int, out: list[str]) -> None:
    if not isinstance(b, dict) or b.get("type") not in BUTTON_TYPES | {"NESTED"}:
        out.append(f"{where}: unknown button {b!r:.80}")
        return
    data = b.get("data") or {}
    title = data.get("title", "")
    limit = 18 if b["type"] in ("TIME", "CALENDAR", "TIMEINTERVAL") and where.startswith("composite") else title_limit
    if b["type"] in ("TIME", "CALENDAR", "TIMEINTERVAL"):
        limit = min(limit, 18)
    if b["type"] in ("TEXT", "LINK", "OPTION", "NESTED") and not title:
        out.append(f"{where}: {b['type']} button without a title")
    if len(title) > limit:
        out.append(f"{where}: title {title!r} over {limit}")
    if len(data.get("code", "") or "") > LIMITS["code"]:
        out.append(f"{where}: code over {LIMITS['code']}")
    if b["type"] == "LINK" and where.startswith("composite") and not data.get("mobileUrl"):
        out.append(f"{where}: LINK without mobileUrl")
    if b["type"] == "NESTED" and where != "menu":
        out.append(f"{where}: NESTED outside the persistent menu")
    calendar = ((data.get("options") or {}).get("calendar")) if b["type"] == "CALENDAR" else None
    if calendar:
        if ("start" in calendar) != ("end" in calendar):
            out.append(f"{where}: calendar needs both start and end")
        for key in ("start", "end"):
            if key in calendar and not YMD.fullmatch(calendar[key]):
                out.append(f"{where}: calendar {key} {calendar[key]!r} is not YYYYMMDD")
        for part in filter(None, (calendar.get("disables") or "").split(",")):
            if not (re.fullmatch(r"[0-6]", part) or YMD.fullmatch(part) or re.fullmatch(r"\d{8}-\d{8}", part)):
                out.append(f"{where}: calendar disables entry {part!r}")


def _quick(content: dict[str, Any], out: list[str]) -> None:
    quick = content.get("quickReply")
    if quick is None:
        return
    buttons = quick.get("buttonList") or []
    if not buttons or len(buttons) > LIMITS["quick_count"]:
        out.append(f"quickReply: {len(buttons)} buttons")
    for b in buttons:
        if isinstance(b, dict) and b.get("type") not in ("TEXT", "LINK", "PAY", "TIME", "CALENDAR", "TIMEINTERVAL"):
            out.append(f"quickReply: {b.get('type')} not allowed")
        _button(b, "quickReply", LIMITS["quick_title"], out)


def _composite(c: Any, out: list[str]) -> None:
    if not isinstance(c, dict):
        out.append("composite is not an object")
        return
    parts = [k for k in ("title", "description", "elementList", "image", "buttonList") if c.get(k)]
    if not {"title", "description", "elementList"} & set(parts) or len(parts) < 2:
        out.append(f"composite needs one of title/description/elementList and two parts, has {parts}")
    if len(c.get("title", "")) > LIMITS["composite_title"]:
        out.append("composite title too long")
    if len(c.get("description", "")) > LIMITS["composite_desc"]:
        out.append("composite description too long")
    buttons = c.get("buttonList") or []
    if len(buttons) > LIMITS["buttons"]:
        out.append(f"composite has {len(buttons)} buttons")
    for b in buttons:
        _button(b, "composite", LIMITS["button_title"], out)
    elements = (c.get("elementList") or {}).get("data") or []
    if len(elements) > LIMITS["elements"]:
        out.append(f"elementList has {len(elements)} rows")
    for e in elements:
        for key in ("title", "description", "subDescription"):
            if len(e.get(key, "") or "") > LIMITS["element_text"]:
                out.append(f"element {key} too long")


def problems(event: dict[str, Any]) -> list[str]:
    """Everything wrong with one outgoing event; [] when Naver would accept it."""
    out: list[str] = []
    name = event.get("event")
    if name == "send":
        kinds = [k for k in ("textContent", "imageContent", "compositeContent") if k in event]
        if len(kinds) != 1:
            return [f"send needs exactly one content, has {kinds}"]
        content = event[kinds[0]]
        if kinds[0] == "textContent":
            text = content.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > LIMITS["text"]:
                out.append(f"text missing or over {LIMITS['text']}")
        if kinds[0] == "compositeContent":
            composites = content.get("compositeList") or []
            if not composites or len(composites) > LIMITS["composites"]:
                out.append(f"{len(composites)} composites")
            for c in composites:
                _composite(c, out)
        _quick(content, out)
    elif name == "action":
        if (event.get("options") or {}).get("action") not in ("typingOn", "typingOff"):
            out.append(f"unknown action {event.get('options')!r}")
    elif name == "handover":
        options = event.get("options") or {}
        if options.get("control") == "passThread" and options.get("targetId") != 1:
            out.append("passThread needs targetId 1")
        if options.get("control") not in ("passThread", "takeThread"):
            out.append(f"unknown control {options.get('control')!r}")
        if "partner" in event:
            out.append("handover must not carry partner")
    elif name == "persistentMenu":
        for content in event.get("menuContent") or []:
            menus = content.get("menus") or []
            if len(menus) > LIMITS["menus"]:
                out.append(f"{len(menus)} menus")
            for m in menus:
                _button(m, "menu", LIMITS["menu_title"], out)
        return out  # a setting: no user
    elif name == "profile":
        pass
    else:
        out.append(f"unknown event {name!r}")
    user = event.get("user")
    if user is not None and not (isinstance(user, str) and user):
        out.append("user is not a string")
    return out
