"""The shop's customers as figures: every customer's profile and segments, and the picture of the
shop (new vs returning per week, returns within 7/30/60 days, the revisit-cycle histogram, weekday ×
hour, no-shows, party sizes, segment sizes over the last weeks).

Everything is computed from one read of the visits (customer, time, kind, party, items), in the
store's time zone; shop-wide figures use customer ids only (pseudonymous: no name or phone is read).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.db import Storage
from bot.ledger.stats import SEGMENTS, Profile, Thresholds, profile, segments_at
from bot.ledger.visits import visit_rows

WEEKS = 12
GAP_BINS = ((1, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, 100_000))
GAP_KO = ("1주 이내", "1~2주", "2주~1달", "1~2달", "2~3달", "3~6달", "6달 넘게")


@dataclass
class Picture:
    today: date
    profiles: dict[int, Profile]
    segment_members: dict[str, list[int]]
    weeks: list[tuple[date, int, int]]  # (week start, new customers, returning customers)
    came_back: dict[int, tuple[int, int]]  # days -> (came back within, of first-timers old enough to tell)
    gaps: list[tuple[str, int]]  # revisit-cycle histogram
    heat: list[list[int]]  # weekday × hour visits
    no_shows: int
    bookings: int
    parties: list[tuple[int, int]]  # party size -> count
    trend: dict[str, list[int]] = field(default_factory=dict)  # segment -> size at each of the last weeks' ends

    @property
    def customers(self) -> int:
        return len(self.profiles)


def picture(storage: Storage, timezone: str, today: date | None = None, thresholds: Thresholds | None = None,
            trend_weeks: int = 8) -> Picture:
    zone = ZoneInfo(timezone)
    today = today or datetime.now(zone).date()
    t = thresholds or Thresholds()
    with Session(storage.engine) as s:
        rows = visit_rows(s)
    visits: dict[int, list[datetime]] = defaultdict(list)
    parties: dict[int, list[int]] = defaultdict(list)
    heat = [[0] * 24 for _ in range(7)]
    no_shows = bookings = 0
    party_sizes: Counter[int] = Counter()
    for customer, at, kind, party, source in rows:
        local = at.astimezone(zone)
        if source == "booking":
            bookings += 1
        if kind == "no_show":
            no_shows += 1
        if kind != "visit":  # a no-show, or a stamp card's reward handed over
            continue
        if local.date() > today:
            continue
        visits[customer].append(local)
        heat[local.weekday()][local.hour] += 1
        if party:
            parties[customer].append(party)
            party_sizes[party] += 1
    profiles = {c: profile(c, v, today, t, parties.get(c)) for c, v in visits.items()}
    members = {seg: sorted(c for c, p in profiles.items() if seg in p.segments) for seg in SEGMENTS}

    start = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    new_in: Counter[int] = Counter()
    back_in: Counter[int] = Counter()
    for p in profiles.values():
        for week in {(d - start).days // 7 for d in p.days if d >= start}:
            if p.first is not None and (p.first - start).days // 7 == week and p.first >= start:
                new_in[week] += 1
            else:
                back_in[week] += 1
    weeks = [(start + timedelta(weeks=w), new_in[w], back_in[w]) for w in range(WEEKS)]
    came_back = {}
    for window in (7, 30, 60):
        old_enough = [p for p in profiles.values() if p.first is not None and (today - p.first).days >= window]
        back = sum(1 for p in old_enough if len(p.days) > 1 and (p.days[1] - p.days[0]).days <= window)
        came_back[window] = (back, len(old_enough))
    gap_counts = [0] * len(GAP_BINS)
    for p in profiles.values():
        for a, b in zip(p.days, p.days[1:], strict=False):
            gap = (b - a).days
            gap_counts[next(i for i, (lo, hi) in enumerate(GAP_BINS) if lo <= gap <= hi)] += 1
    trend: dict[str, list[int]] = {seg: [] for seg in SEGMENTS}
    for w in range(trend_weeks - 1, -1, -1):
        as_of = today - timedelta(weeks=w)
        sizes: Counter[str] = Counter()
        for p in profiles.values():
            sizes.update(segments_at(p.days, as_of, t))
        for seg in SEGMENTS:
            trend[seg].append(sizes[seg])
    return Picture(today, profiles, members, weeks, came_back, list(zip(GAP_KO, gap_counts, strict=True)), heat, no_shows, bookings,
                   sorted(party_sizes.items()), trend)
