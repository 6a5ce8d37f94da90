"""The customer ledger on a synthetic shop with known answers (tests/support/ledger_synth.py): 500 people,
5,000+ visits from a POS export, bookings, stamps in the chat and staff records, phones written every
way; every segment's members must equal the generator's table exactly. Plus the merging rules as
properties: the same phone in any format is one customer, different phones never are, and an owner's
split survives a re-import; and the stamp card's one-a-day, today's-code-only rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from bot.db import Identity, Reservation, Storage, make_engine
from bot.ledger import card, customers, pos, visits
from bot.ledger.phones import normalize
from bot.ledger.report import picture
from bot.ledger.stamps import daily_code
from bot.ledger.stats import SEGMENTS
from tests.conftest import database_url
from tests.support.ledger_synth import SEOUL, TODAY, generate, pos_csv, styled


def load_shop(storage: Storage) -> None:
    shop = generate()
    with Session(storage.engine) as s:
        secret = card.shop_secret(s)
        card.save_setting(s, "stamps", {"enabled": True, "needed": 10, "reward": "아메리카노 한 잔"})
        for stamp in shop.stamps:  # first, so that chat users start as customers of their own and must be merged
            at = datetime.fromisoformat(stamp["at"]).replace(tzinfo=SEOUL)
            assert card.stamp(s, "kakao", stamp["user"], daily_code(secret, at.date()), at).outcome == "added"
        parsed = pos.parse("pos.csv", pos_csv(shop.pos), "Asia/Seoul")
        assert parsed.problems == [] and len(parsed.visits) == len(shop.pos)
        assert visits.import_pos(s, parsed).added == len(shop.pos)
        for b in shop.bookings:
            at = datetime.fromisoformat(str(b["at"])).replace(tzinfo=SEOUL)
            s.add(Reservation(code=str(b["code"]), channel=str(b["channel"]), user_key=str(b["user_key"]), name=str(b["name"]),
                              phone=re.sub(r"\D", "", str(b["phone"])), party=int(b["party"]), starts_at=at.astimezone(UTC),  # type: ignore[call-overload]
                              ends_at=(at + timedelta(minutes=90)).astimezone(UTC), table_no=0, seats=4, status="completed"))
        s.flush()
        assert visits.sync_bookings(s) == len(shop.bookings)
        for record in shop.staff:
            at = datetime.fromisoformat(record["at"]).replace(tzinfo=SEOUL)
            who = customers.identify(s, [("phone", record["phone"])])
            assert who is not None and visits.add(s, who, at, "staff", f"staff:{normalize(record['phone'])}:{at.isoformat()}")
        s.commit()


def test_every_segment_of_the_synthetic_shop_is_exact(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    load_shop(storage)
    shop = generate()
    assert len(shop.people) >= 500 and shop.visits >= 5000
    with Session(storage.engine) as s:
        phone_of = {i.customer_id: i.value for i in s.exec(select(Identity).where(Identity.kind == "phone")).all()}
    p = picture(storage, "Asia/Seoul", today=TODAY)
    assert p.customers == len(shop.people)  # every chat user, POS row and booking merged into its person
    for segment in SEGMENTS:
        got = {phone_of[c] for c in p.segment_members[segment]}
        want = {person.phone for person in shop.people if segment in person.expected}
        assert got == want, (segment, len(got), len(want), sorted(got ^ want)[:5])
    # and a re-import of the same export adds nothing
    with Session(storage.engine) as s:
        again = visits.import_pos(s, pos.parse("pos.csv", pos_csv(shop.pos), "Asia/Seoul"))
        assert (again.added, again.already) == (0, len(shop.pos))
        assert visits.sync_bookings(s) == 0


phones = st.builds(lambda n: f"010{n:08d}", st.integers(10_000_000, 99_999_999))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phones, st.integers(0, 1000), st.integers(0, 1000))
def test_the_same_phone_in_any_format_is_one_customer(tmp_path: Path, phone: str, a: int, b: int) -> None:
    import random

    one, two = styled(phone, random.Random(a)), styled(phone, random.Random(b))
    assert normalize(one) == normalize(two) == phone
    storage = Storage(make_engine(f"sqlite:///{tmp_path / f'p{a}-{b}.db'}", tmp_path))
    with Session(storage.engine) as s:
        assert customers.identify(s, [("phone", one)]) == customers.identify(s, [("phone", two), ("kakao", f"k{a}")])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phones, phones)
def test_different_phones_are_never_one_customer(tmp_path: Path, first: str, second: str) -> None:
    storage = Storage(make_engine(f"sqlite:///{tmp_path / 'd.db'}", tmp_path))
    with Session(storage.engine) as s:
        x, y = customers.identify(s, [("phone", first)]), customers.identify(s, [("phone", second)])
        assert (x == y) == (first == second)


def test_an_owners_split_survives_a_reimport(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    export = "거래일시,휴대폰,고객번호,영수증번호\n2026-11-01 12:00,010-1111-2222,P-77,1\n".encode()
    with Session(storage.engine) as s:
        visits.import_pos(s, pos.parse("a.csv", export, "Asia/Seoul"))
        pos_id = s.exec(select(Identity).where(Identity.kind == "pos")).one()
        phone_customer = s.exec(select(Identity).where(Identity.kind == "phone")).one().customer_id
        assert pos_id.customer_id == phone_customer  # seen together: one customer
        split_to = customers.split(s, pos_id.id)  # type: ignore[arg-type]
        later = export + b"2026-11-20 12:00,010-1111-2222,P-77,2\n"
        result = visits.import_pos(s, pos.parse("a.csv", later, "Asia/Seoul"))
        assert (result.added, result.already) == (1, 1)
        assert s.exec(select(Identity).where(Identity.kind == "pos")).one().customer_id == split_to  # still apart
        assert s.exec(select(Identity).where(Identity.kind == "phone")).one().customer_id == phone_customer


def test_a_stamp_a_day_and_only_with_todays_code(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    with Session(storage.engine) as s:
        secret = card.shop_secret(s)
        assert card.stamp(s, "kakao", "u1", daily_code(secret, TODAY), datetime.combine(TODAY, time(9), tzinfo=SEOUL)).outcome == "off"
        card.save_setting(s, "stamps", {"enabled": True, "needed": 2, "reward": "아메리카노 한 잔"})
        monday = datetime.combine(TODAY, time(9, 0), tzinfo=SEOUL)
        tuesday = monday + timedelta(days=1)
        assert card.stamp(s, "kakao", "u1", daily_code(secret, monday.date()), monday).outcome == "added"
        assert card.stamp(s, "kakao", "u1", daily_code(secret, monday.date()), monday + timedelta(hours=5)).outcome == "already"
        assert card.stamp(s, "kakao", "u1", daily_code(secret, monday.date()), tuesday).outcome == "wrong"  # yesterday's code
        wrong = next(c for c in ("0000", "1111", "2222") if c != daily_code(secret, tuesday.date()))
        assert card.stamp(s, "kakao", "u1", wrong, tuesday).outcome == "wrong"
        second = card.stamp(s, "kakao", "u1", daily_code(secret, tuesday.date()), tuesday)
        assert (second.outcome, second.count, second.full) == ("added", 2, True)
        assert card.count(s, "kakao", "u1").count == 2 and card.count(s, "kakao", "nobody").count == 0
        customer = customers.find(s, "kakao", "u1")
        assert customer is not None and card.redeem(s, customer.customer_id, "민지", tuesday)
        assert card.count(s, "kakao", "u1").count == 0 and not card.redeem(s, customer.customer_id, "민지", tuesday)


@pytest.mark.parametrize(("raw", "digits"), [("010-1234-5678", "01012345678"), ("+82 10 1234 5678", "01012345678"),
                                             ("10-1234-5678", "01012345678"), ("02-123-4567", "021234567"), ("1588-1234", None),
                                             ("010-123", None), ("", None)])
def test_phone_normalisation(raw: str, digits: str | None) -> None:
    assert normalize(raw) == digits



def test_jobs_saving_one_setting_at_once_neither_collide_nor_disagree(tmp_path: Path) -> None:
    """Background jobs saving one key at once (the notices' watermark, a collision seen in CI on
    PostgreSQL) must not fail on the primary key; requests making the stamp secret at once must all
    get the one secret that was stored."""
    import threading

    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    workers, rounds = 6, 15
    errors: list[BaseException] = []
    secrets: list[list[bytes]] = [[] for _ in range(rounds)]

    def job(n: int, gate: threading.Barrier) -> None:
        for r in range(rounds):
            gate.wait()
            try:
                with Session(storage.engine) as s:
                    card.save_setting(s, f"mark-{r}", {"by": n})
                    s.commit()
                with Session(storage.engine) as s:
                    secrets[r].append(card.shop_secret(s) if r == 0 else b"")
                    s.commit()
            except BaseException as error:  # noqa: BLE001 - the test reports every failure
                errors.append(error)

    gate = threading.Barrier(workers)
    threads = [threading.Thread(target=job, args=(n, gate)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(set(secrets[0])) == 1
    with Session(storage.engine) as s:
        assert all(card.setting(s, f"mark-{r}")["by"] in range(workers) for r in range(rounds))
