"""What a customer's visits say, and which segments they fall in: pure functions over visit times.

Visits are counted by day: two visits on one day (lunch and an afternoon coffee, or a booking and
a stamp for the same visit) are one visit for rhythm and segments. Thresholds are the owner's
(`Thresholds`), with defaults taken from how small shops describe their regulars: 주 1회 이상,
월 1회 이상, 30/60일 휴면, and 이탈 위험 when a regular stays away twice as long as usual.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

SEGMENTS = ("weekly", "monthly", "new", "one_and_done", "at_risk", "dormant_30", "dormant_60")
SEGMENT_KO = {"weekly": "주 1회 이상 단골", "monthly": "월 1회 이상 단골", "new": "신규", "one_and_done": "1회 방문 후 재방문 없는 신규",
              "at_risk": "이탈 위험", "dormant_30": "30일 휴면", "dormant_60": "60일 휴면"}
SEGMENT_HELP = {
    "weekly": "최근 {weekly_days}일 동안 {weekly_visits}번 이상 온 손님",
    "monthly": "최근 {monthly_days}일 동안 {monthly_visits}번 이상 온 손님 (주 1회 단골 제외)",
    "new": "처음 온 지 {new_days}일이 안 된 손님",
    "one_and_done": "한 번 온 뒤 {no_return_days}일이 지나도록 다시 오지 않은 손님",
    "at_risk": "두 번 이상 온 손님 중, 평소 방문 간격의 {at_risk_factor}배가 넘도록 오지 않은 손님 (휴면 전)",
    "dormant_30": "마지막 방문이 {dormant_short}일 넘게 지난 손님 ({dormant_long}일 이하)",
    "dormant_60": "마지막 방문이 {dormant_long}일 넘게 지난 손님",
}


@dataclass(frozen=True)
class Thresholds:
    weekly_days: int = 28
    weekly_visits: int = 4
    monthly_days: int = 90
    monthly_visits: int = 3
    new_days: int = 30
    no_return_days: int = 7
    at_risk_factor: float = 2.0
    dormant_short: int = 30
    dormant_long: int = 60

    @classmethod
    def from_dict(cls, raw: dict[str, object] | None) -> Thresholds:
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, object] = {}
        for key, value in (raw or {}).items():
            if key in known:
                try:
                    values[key] = float(value) if key == "at_risk_factor" else int(value)  # type: ignore[call-overload,arg-type]
                except (TypeError, ValueError):
                    continue
        return cls(**values)  # type: ignore[arg-type]

    def describe(self, segment: str) -> str:
        return SEGMENT_HELP[segment].format(**{f.name: getattr(self, f.name) for f in fields(self)})


@dataclass
class Profile:
    """One customer's rhythm, as of `today`."""

    customer_id: int
    days: list[date]  # distinct visit days, oldest first
    first: date | None = None
    last: date | None = None
    in_30: int = 0
    in_90: int = 0
    in_365: int = 0
    median_gap: float | None = None  # days between visits
    expected_next: date | None = None
    usual_weekday: int | None = None  # 0 = 월요일
    usual_hour: int | None = None
    party: float | None = None
    segments: set[str] = field(default_factory=set)

    @property
    def visits(self) -> int:
        return len(self.days)

    def since_last(self, today: date) -> int | None:
        return (today - self.last).days if self.last else None


def profile(customer_id: int, moments: list[datetime], today: date, thresholds: Thresholds | None = None,
            parties: list[int] | None = None) -> Profile:
    """The customer's figures and segments from their visit times (local, any order) up to `today`."""
    t = thresholds or Thresholds()
    seen = sorted(m for m in moments if m.date() <= today)
    days = sorted({m.date() for m in seen})
    p = Profile(customer_id, days)
    if not days:
        return p
    p.first, p.last = days[0], days[-1]
    p.in_30 = sum(1 for d in days if (today - d).days < 30)
    p.in_90 = sum(1 for d in days if (today - d).days < 90)
    p.in_365 = sum(1 for d in days if (today - d).days < 365)
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    if gaps:
        p.median_gap = float(statistics.median(gaps))
        p.expected_next = p.last + timedelta(days=round(p.median_gap))
    p.usual_weekday = Counter(m.weekday() for m in seen).most_common(1)[0][0]
    p.usual_hour = Counter(m.hour for m in seen).most_common(1)[0][0]
    if parties:
        p.party = float(statistics.median(parties))
    p.segments = segments(p, today, t)
    return p


def segments_at(days: list[date], today: date, t: Thresholds) -> set[str]:
    """The segments on a past `today`, from the sorted distinct visit days alone (the dashboard's
    trend asks this for every customer at the end of each of the last weeks)."""
    upto = days[: bisect.bisect_right(days, today)]
    if not upto:
        return set()
    p = Profile(0, upto, first=upto[0], last=upto[-1])
    gaps = [(b - a).days for a, b in zip(upto, upto[1:], strict=False)]
    p.median_gap = float(statistics.median(gaps)) if gaps else None
    return segments(p, today, t)


def segments(p: Profile, today: date, t: Thresholds) -> set[str]:
    """Every segment the customer is in on `today` (weekly and monthly exclude each other; the rest
    are independent: a regular who has stayed away can be 이탈 위험 and 30일 휴면 at once)."""
    out: set[str] = set()
    if not p.last or not p.first:
        return out
    away = (today - p.last).days
    recent_weekly = sum(1 for d in p.days if (today - d).days < t.weekly_days)
    recent_monthly = sum(1 for d in p.days if (today - d).days < t.monthly_days)
    if recent_weekly >= t.weekly_visits:
        out.add("weekly")
    elif recent_monthly >= t.monthly_visits:
        out.add("monthly")
    if (today - p.first).days < t.new_days:
        out.add("new")
    if p.visits == 1 and away >= t.no_return_days:
        out.add("one_and_done")
    if p.visits >= 2 and p.median_gap is not None and away > t.at_risk_factor * max(p.median_gap, 1) and away <= t.dormant_long:
        out.add("at_risk")
    if t.dormant_short < away <= t.dormant_long:
        out.add("dormant_30")
    elif away > t.dormant_long:
        out.add("dormant_60")
    return out
