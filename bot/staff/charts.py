"""Inline SVG charts for the dashboard: geometry here, markup in templates/_charts.html.

No chart library and no script: an SVG scales to the phone's width through its viewBox, and each
chart is followed by the same numbers as a table (screen readers, and owners who want figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.staff.dashboard import WEEKDAYS_KO, Activity, Figures

WEEKDAY_NAMES = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    value: int


def daily_bars(days: list[tuple[date, int]], width: int = 600, height: int = 160) -> dict[str, object]:
    """One bar per day; a date label under every seventh bar (and the last)."""
    top = max((n for _, n in days), default=0) or 1
    slot = width / max(len(days), 1)
    bars = [Bar(round(i * slot + slot * 0.15, 1), round(height - n / top * height, 1), round(slot * 0.7, 1), round(n / top * height, 1),
                f"{d.month}/{d.day}", n) for i, (d, n) in enumerate(days)]
    labels = [(b.x + b.w / 2, b.label) for i, b in enumerate(bars) if (len(bars) - 1 - i) % 7 == 0]  # today, a week before, ...
    return {"width": width, "height": height, "bars": bars, "labels": labels, "top": top}


def split_bar(f: Figures, width: int = 600) -> list[dict[str, object]]:
    """The bot's replies split into answered, handed over and unanswered, as one stacked bar."""
    parts = [("answered", "챗봇이 답함", f.answered), ("handed_over", "직원에게 연결", f.handed_over), ("unanswered", "답하지 못함", f.unanswered)]
    total = f.replies or 1
    x = 0.0
    out = []
    for key, label, n in parts:
        w = width * n / total
        out.append({"key": key, "label": label, "value": n, "share": f.share(n), "x": round(x, 1), "w": round(w, 1)})
        x += w
    return out


def heatmap(a: Activity, cell: int = 24, left: int = 30, top: int = 22) -> dict[str, object]:
    """Weekday rows × 24 hour columns; darker is busier."""
    peak = a.peak or 1
    cells = [{"x": left + h * cell, "y": top + d * cell, "size": cell - 2, "value": a.heat[d][h],
              "opacity": round(0.08 + 0.92 * a.heat[d][h] / peak, 2) if a.heat[d][h] else 0.0,
              "title": f"{WEEKDAY_NAMES[d]} {h}시: {a.heat[d][h]}건"} for d in range(7) for h in range(24)]
    rows = [{"y": top + d * cell + cell / 2 + 5, "label": WEEKDAYS_KO[d]} for d in range(7)]
    hours = [{"x": left + h * cell + cell / 2, "label": str(h)} for h in range(0, 24, 3)]
    return {"width": left + 24 * cell, "height": top + 7 * cell, "cells": cells, "rows": rows, "hours": hours,
            "names": WEEKDAY_NAMES}


def bars(values: list[tuple[str, int]], width: int = 600, height: int = 150, label_every: int = 1) -> dict[str, object]:
    """Labelled bars for any short series (weeks, gap ranges, party sizes)."""
    top = max((n for _, n in values), default=0) or 1
    slot = width / max(len(values), 1)
    out = [Bar(round(i * slot + slot * 0.15, 1), round(height - n / top * height, 1), round(slot * 0.7, 1), round(n / top * height, 1), label, n)
           for i, (label, n) in enumerate(values)]
    labels = [(b.x + b.w / 2, b.label) for i, b in enumerate(out) if (len(out) - 1 - i) % label_every == 0]
    return {"width": width, "height": height, "bars": out, "labels": labels, "top": top}


def stacked(weeks: list[tuple[date, int, int]], width: int = 600, height: int = 150) -> dict[str, object]:
    """New (bottom) and returning (top) customers per week."""
    top = max((a + b for _, a, b in weeks), default=0) or 1
    slot = width / max(len(weeks), 1)
    cols: list[dict[str, Any]] = []
    for i, (start, new, back) in enumerate(weeks):
        h_new, h_back = new / top * height, back / top * height
        x = round(i * slot + slot * 0.15, 1)
        cols.append({"x": x, "w": round(slot * 0.7, 1), "new_y": round(height - h_new, 1), "new_h": round(h_new, 1),
                     "back_y": round(height - h_new - h_back, 1), "back_h": round(h_back, 1), "label": f"{start.month}/{start.day}",
                     "new": new, "back": back})
    return {"width": width, "height": height, "cols": cols, "labels": [(c["x"] + c["w"] / 2, c["label"]) for i, c in enumerate(cols) if i % 3 == 2]}
