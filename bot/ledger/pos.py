"""Visits from a POS or card-terminal export: CSV (CP949 or UTF-8 with BOM) or xlsx, Korean headers.

Columns are found by their usual Korean names (거래일시, 결제일시, 휴대폰, 회원번호, 결제금액,
상품명, 영수증번호...) or by the owner's saved mapping; each bad row is reported by its line and
the rest are imported. A row's reference (the receipt number, else a digest of its contents) makes
a re-import of the same file, or of an overlapping later export, add nothing twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot import sheets
from bot.kb.errors import Problem
from bot.ledger.phones import normalize

FIELDS = ("when", "day", "clock", "phone", "customer", "amount", "items", "party", "receipt", "coupon")
FIELD_KO = {"when": "거래 일시", "day": "날짜", "clock": "시각", "phone": "휴대폰 번호", "customer": "고객 번호", "amount": "금액",
            "items": "상품", "party": "인원", "receipt": "영수증 번호",
            "coupon": "쿠폰 번호"}
ALIASES = {
    "when": ("거래일시", "결제일시", "승인일시", "판매일시", "주문일시", "일시", "datetime", "date time"),
    "day": ("거래일자", "결제일자", "승인일자", "판매일자", "일자", "날짜", "date"),
    "clock": ("거래시간", "결제시간", "승인시간", "판매시간", "시간", "시각", "time"),
    "phone": ("휴대폰", "휴대폰번호", "핸드폰", "전화번호", "연락처", "고객연락처", "phone", "mobile"),
    "customer": ("고객번호", "회원번호", "고객id", "회원id", "고객코드", "멤버십번호", "customer", "customer id"),
    "amount": ("결제금액", "금액", "매출액", "판매금액", "합계", "총액", "amount", "total"),
    "items": ("상품명", "메뉴", "메뉴명", "품목", "주문내역", "상품", "items", "menu"),
    "party": ("인원", "인원수", "고객수", "party", "guests"),
    "receipt": ("영수증번호", "거래번호", "승인번호", "주문번호", "receipt", "order no"),
    "coupon": ("쿠폰번호", "쿠폰", "쿠폰코드", "할인코드", "coupon", "coupon code"),  # a campaign's coupon handed in (bot/outreach)
}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y%m%d %H%M%S", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%Y. %m. %d. %H:%M", "%Y. %m. %d %H:%M")
DAY_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d", "%Y. %m. %d.", "%Y. %m. %d")
CLOCK_FORMATS = ("%H:%M:%S", "%H:%M", "%H%M%S", "%H%M")


@dataclass(frozen=True)
class PosVisit:
    line: int
    at: datetime  # aware, in the store's zone
    phone: str | None
    customer: str | None  # the POS's own customer id
    amount: int | None
    items: tuple[str, ...]
    party: int | None
    ref: str  # unique per visit across re-imports
    coupon: str | None = None  # a campaign coupon code used with this sale


@dataclass
class Parsed:
    visits: list[PosVisit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index used
    header: list[str] = field(default_factory=list)
    skipped_anonymous: int = 0  # rows with no phone or customer id: a sale, not a known customer's visit


def _key(text: str) -> str:
    return re.sub(r"[\s_()\-./]", "", unicodedata.normalize("NFKC", text)).lower()


def rows_of(name: str, data: bytes) -> list[tuple[int, list[Any]]]:
    """(line, cells) of a CSV (UTF-8, BOM, CP949) or the first sheet of an xlsx (values as Excel keeps them)."""
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return sheets.xlsx_rows(data)
    rows, _ = sheets.csv_rows(sheets.decode(data), keep_going=True)  # an unreadable line is an empty row: the rest still counts
    return [(no, list(cells)) for no, cells in rows]


def find_header(rows: list[tuple[int, list[Any]]], saved: dict[str, str] | None = None) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first 15) and each field's column: the owner's saved mapping first
    (header text per field), then the usual names. A header needs a date and someone to attach it to."""
    wanted = {f: {_key(a) for a in ALIASES[f]} for f in FIELDS}
    for index, (_, cells) in enumerate(rows[:15]):
        keys = [_key(str(c)) if c is not None else "" for c in cells]
        mapping: dict[str, int] = {}
        for f, header in (saved or {}).items():
            if f in FIELDS and _key(header) in keys:
                mapping[f] = keys.index(_key(header))
        for f in FIELDS:
            if f not in mapping:
                hit = next((i for i, k in enumerate(keys) if k in wanted[f] and i not in mapping.values()), None)
                if hit is not None:
                    mapping[f] = hit
        if ("when" in mapping or "day" in mapping) and ("phone" in mapping or "customer" in mapping):
            return index, mapping
    return None


def _when(cells: list[Any], m: dict[str, int], zone: ZoneInfo) -> datetime | None:
    def cell(f: str) -> Any:
        i = m.get(f)
        return cells[i] if i is not None and i < len(cells) else None

    raw = cell("when")
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=zone) if raw.tzinfo is None else raw.astimezone(zone)
    if raw not in (None, ""):
        text = re.sub(r"\s+", " ", str(raw).strip())
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=zone)
            except ValueError:
                continue
        return None
    day_raw, clock_raw = cell("day"), cell("clock")
    day: date | None = day_raw.date() if isinstance(day_raw, datetime) else day_raw if isinstance(day_raw, date) else None
    if day is None and day_raw not in (None, ""):
        for fmt in DAY_FORMATS:
            try:
                day = datetime.strptime(str(day_raw).strip(), fmt).date()
                break
            except ValueError:
                continue
    if day is None:
        return None
    clock: time = time(12, 0)
    if isinstance(clock_raw, time):
        clock = clock_raw
    elif isinstance(clock_raw, datetime):
        clock = clock_raw.time()
    elif clock_raw not in (None, ""):
        for fmt in CLOCK_FORMATS:
            try:
                clock = datetime.strptime(str(clock_raw).strip(), fmt).time()
                break
            except ValueError:
                continue
        else:
            return None
    return datetime.combine(day, clock, tzinfo=zone)


def _int(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, (int, float)):
        return int(raw)
    digits = re.sub(r"[^\d\-]", "", str(raw))
    return int(digits) if re.fullmatch(r"-?\d+", digits or "x") else None


def parse(name: str, data: bytes, timezone: str, saved: dict[str, str] | None = None) -> Parsed:
    """Every row of an export as a visit or a located problem."""
    zone = ZoneInfo(timezone)
    out = Parsed()
    rows = rows_of(name, data)
    found = find_header(rows, saved)
    if found is None:
        out.problems.append(Problem(name, None, "제목 줄을 찾지 못했어요. 거래 일시(또는 날짜)와 휴대폰 번호(또는 고객 번호) 열이 있어야 해요. "
                                              "열 이름이 다르면 가져오기 화면에서 어느 열인지 골라 주세요."))
        return out
    index, mapping = found
    out.mapping, out.header = mapping, [str(c) if c is not None else "" for c in rows[index][1]]
    for line, cells in rows[index + 1:]:
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue

        def cell(f: str, cells: list[Any] = cells) -> Any:
            i = mapping.get(f)
            return cells[i] if i is not None and i < len(cells) else None

        at = _when(cells, mapping, zone)
        if at is None:
            shown = cell("when") if "when" in mapping else cell("day")
            out.problems.append(Problem(name, line, f"거래 일시 '{shown}'을 읽을 수 없어요. 2026-11-03 12:30처럼 적혀 있어야 해요."))
            continue
        phone_raw = cell("phone")
        phone = normalize(str(phone_raw)) if phone_raw not in (None, "") else None
        customer = str(cell("customer")).strip() if cell("customer") not in (None, "") else None
        if phone_raw not in (None, "") and phone is None and "*" not in str(phone_raw):
            out.problems.append(Problem(name, line, f"휴대폰 번호 '{phone_raw}'를 읽을 수 없어요. 010-1234-5678처럼 적혀 있어야 해요."))
            continue
        if phone is None and customer is None:
            out.skipped_anonymous += 1
            continue
        items_raw = cell("items")
        items = tuple(p.strip() for p in re.split(r"[,/|+]|\s{2,}", str(items_raw)) if p.strip()) if items_raw not in (None, "") else ()
        items = tuple(re.sub(r"\s*[x×*]\s*\d+$", "", i) for i in items)
        receipt = cell("receipt")
        ref = f"pos:{receipt}" if receipt not in (None, "") else "pos#" + hashlib.sha256(
            f"{at.isoformat()}|{phone}|{customer}|{cell('amount')}|{items}".encode()).hexdigest()[:24]
        coupon = re.sub(r"[^A-Za-z0-9]", "", str(cell("coupon") or "")).upper() or None
        out.visits.append(PosVisit(line, at, phone, customer, _int(cell("amount")), items, _int(cell("party")), ref, coupon))
    return out
