"""A synthetic shop with known answers, for the customer ledger: 500 people, 5,000+ visits from every
source (POS export, completed bookings, stamps in the chat, staff records), phones written every way
people write them, and the segments each person must be in, decided here from how they were
generated, never by the ledger's own code.

Run as a script to write the sources to a folder (pos.csv in CP949, bookings.json, stamps.json,
staff.json, expected.json); tests import `generate()`.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TODAY = date(2026, 12, 1)
SEOUL = ZoneInfo("Asia/Seoul")
ITEMS = ["아메리카노", "카페라떼", "바닐라라떼", "소금빵", "크루아상", "레몬에이드", "녹차라떼", "말차 스콘"]


@dataclass
class Person:
    phone: str  # canonical digits
    kind: str
    days_ago: list[int]  # visit days, as days before TODAY
    kakao: str = ""  # a Kakao user key, for the people who stamp in the chat
    expected: set[str] = field(default_factory=set)


@dataclass
class Shop:
    people: list[Person]
    pos: list[dict[str, str]]  # rows of the POS export
    bookings: list[dict[str, object]]  # completed reservations
    stamps: list[dict[str, str]]  # (kakao user, local datetime)
    staff: list[dict[str, str]]  # (phone as typed by staff, local datetime)

    @property
    def visits(self) -> int:
        return len(self.pos) + len(self.bookings) + len(self.stamps) + len(self.staff)


# (kind, how many, segments expected, how the visit days are drawn)
CLASSES = {
    "weekly": (80, {"weekly"}),
    "monthly": (80, {"monthly"}),
    "new": (60, {"new"}),
    "new_back": (40, {"new"}),
    "no_return": (60, {"new", "one_and_done"}),
    "no_return_old": (40, {"one_and_done", "dormant_30"}),
    "at_risk": (60, {"monthly", "at_risk"}),
    "dormant_30": (40, {"monthly", "at_risk", "dormant_30"}),
    "dormant_60": (40, {"dormant_60"}),
}


def _days(kind: str, r: random.Random) -> list[int]:
    if kind == "weekly":
        start = r.randint(0, 4)
        return list(range(start, 121, 5))
    if kind == "monthly":
        start = r.randint(0, 10)
        return list(range(start, 366, 20))
    if kind == "new":
        return [r.randint(0, 6)]
    if kind == "new_back":
        return [r.randint(1, 5), r.randint(15, 25)]
    if kind == "no_return":
        return [r.randint(8, 29)]
    if kind == "no_return_old":
        return [r.randint(35, 55)]
    if kind == "at_risk":
        last = r.randint(16, 28)
        return list(range(last, last + 100, 7))
    if kind == "dormant_30":
        last = r.randint(35, 55)
        return list(range(last, last + 100, 10))
    last = r.randint(95, 200)  # dormant_60
    return list(range(last, last + 120, 15))


def styled(phone: str, r: random.Random) -> str:
    """The same number the ways people type it."""
    a, b, c = phone[:3], phone[3:7], phone[7:]
    return r.choice([f"{a}-{b}-{c}", phone, f"+82 {a[1:]}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"({a}){b}-{c}",
                     f"０{a[1:]}－{b}－{c}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))])


def generate(seed: int = 7) -> Shop:
    r = random.Random(seed)
    people: list[Person] = []
    numbers = r.sample(range(10_000_000, 99_999_999), sum(n for n, _ in CLASSES.values()))
    for kind, (count, expected) in CLASSES.items():
        for _ in range(count):
            phone = f"010{numbers[len(people)]:08d}"
            person = Person(phone, kind, sorted(set(_days(kind, r))), expected=set(expected))
            if r.random() < 0.4:
                person.kakao = f"kakao-{phone[-8:]}-{r.randint(100, 999)}"
            people.append(person)
    pos, bookings, stamps, staff = [], [], [], []
    receipt = 100000
    for p in people:
        for n, ago in enumerate(p.days_ago):
            moment = datetime.combine(TODAY - timedelta(days=ago), time(r.choice([8, 9, 12, 13, 15, 18, 19]), r.choice([0, 15, 30, 45])))
            oldest = n == len(p.days_ago) - 1
            # A Kakao customer's first visit is a booking in the chat: it ties their user key to their phone.
            source = "booking" if p.kakao and oldest else r.choices(["pos", "booking", "stamp", "staff"], weights=[6, 2, 3 if p.kakao else 0, 1])[0]
            if source == "booking":
                bookings.append({"code": f"B{len(bookings):05d}", "phone": styled(p.phone, r), "party": r.randint(1, 4),
                                 "at": moment.isoformat(), "channel": "kakao" if p.kakao else "phone", "user_key": p.kakao,
                                 "name": f"손님{p.phone[-4:]}"})
            elif source == "stamp":
                stamps.append({"user": p.kakao, "at": moment.isoformat()})
            elif source == "staff":
                staff.append({"phone": styled(p.phone, r), "at": moment.isoformat()})
            else:
                receipt += 1
                pos.append({"거래일시": moment.strftime("%Y-%m-%d %H:%M:%S"), "휴대폰": styled(p.phone, r), "결제금액": f"{r.randint(4, 30) * 500:,}",
                            "상품명": ", ".join(r.sample(ITEMS, r.randint(1, 2))), "영수증번호": str(receipt)})
    return Shop(people, pos, bookings, stamps, staff)


def pos_csv(rows: list[dict[str, str]]) -> bytes:
    """The POS rows as a Korean POS exports them: CP949, a title line above the header."""
    out = io.StringIO()
    out.write("매출 상세 내역\n")
    writer = csv.DictWriter(out, fieldnames=["거래일시", "휴대폰", "결제금액", "상품명", "영수증번호"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("cp949")


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "synthetic-shop")
    folder.mkdir(parents=True, exist_ok=True)
    shop = generate()
    (folder / "pos.csv").write_bytes(pos_csv(shop.pos))
    for name, rows in (("bookings", shop.bookings), ("stamps", shop.stamps), ("staff", shop.staff)):
        (folder / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps({p.phone: sorted(p.expected) for p in shop.people}, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    print(f"{len(shop.people)} customers, {shop.visits} visits -> {folder}")
