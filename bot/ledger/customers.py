"""Customers and their identities: one customer per person, found by any of their identities.

Automatic matching: the same phone (normalised) is the same person, and an identity seen together
with another (a Kakao user who books with a phone number) joins their customers. The owner can merge
two customers or split an identity off; identities the owner placed are `manual`, and automatic
matching never moves them again, so a split survives every later import.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlmodel import Session, col, select, update

from bot.db import CampaignRecipient, Consent, ConsentEvent, Customer, Identity, Visit
from bot.ledger.phones import normalize

KINDS = ("phone", "kakao", "naver", "web", "pos")


def canonical(kind: str, value: str) -> str | None:
    """An identity's stored value: phones as digits, others trimmed; None when it identifies nobody."""
    if kind == "phone":
        return normalize(value)
    value = (value or "").strip()
    return value[:200] or None


def new_customer(s: Session, label: str = "") -> Customer:
    customer = Customer(label=label[:60], pseudonym=secrets.token_hex(8))
    s.add(customer)
    s.flush()
    return customer


def find(s: Session, kind: str, value: str) -> Identity | None:
    v = canonical(kind, value)
    if v is None:
        return None
    return s.exec(select(Identity).where(Identity.kind == kind, Identity.value == v)).first()


def identify(s: Session, identities: Iterable[tuple[str, str]], label: str = "") -> int | None:
    """The customer these identities belong to, created if none does; identities seen together are
    joined (their customers merged) unless the owner placed one of them by hand. None when none of
    them identifies anybody (no phone, no user key)."""
    wanted = [(k, v) for k, v in ((k, canonical(k, raw)) for k, raw in identities) if v is not None]
    if not wanted:
        return None
    found = [s.exec(select(Identity).where(Identity.kind == k, Identity.value == v)).first() for k, v in wanted]
    known = [i for i in found if i is not None]
    # The owner's placement wins: a manual identity decides the customer, and nothing merges into it automatically.
    manual = next((i for i in known if i.manual), None)
    target = manual.customer_id if manual else (min(i.customer_id for i in known) if known else new_customer(s, label).id)
    assert target is not None
    for (kind, value), identity in zip(wanted, found, strict=True):
        if identity is None:
            s.add(Identity(customer_id=target, kind=kind, value=value))
        elif identity.customer_id != target and not identity.manual and manual is None:
            merge(s, keep=target, gone=identity.customer_id)
    if label:
        customer = s.get(Customer, target)
        if customer is not None and not customer.label:
            customer.label = label[:60]
            s.add(customer)
    s.flush()
    return target


def merge(s: Session, keep: int, gone: int, by_owner: bool = False) -> None:
    """Everything of customer `gone` moves to `keep`; `gone` is deleted. By the owner: the moved
    identities become manual, so automatic matching never separates them again."""
    if keep == gone:
        return
    values = {"customer_id": keep, **({"manual": True} if by_owner else {})}
    s.exec(update(Identity).where(col(Identity.customer_id) == gone).values(**values))  # type: ignore[call-overload]
    s.exec(update(Visit).where(col(Visit.customer_id) == gone).values(customer_id=keep))  # type: ignore[call-overload]
    _move_outreach(s, keep, gone)
    kept, old = s.get(Customer, keep), s.get(Customer, gone)
    if kept is not None and old is not None:
        if not kept.label and old.label:
            kept.label = old.label
        if old.note:
            kept.note = (kept.note + " / " + old.note).strip(" /")[:500]
        s.add(kept)
        s.delete(old)
    s.flush()


def _move_outreach(s: Session, keep: int, gone: int) -> None:
    """Consents, their history and campaign rows follow the person. One consent per channel stays:
    a withdrawal wins over a grant (the law's side of doubt), otherwise the newer one."""
    kept = {c.channel: c for c in s.exec(select(Consent).where(Consent.customer_id == keep)).all()}
    for c in s.exec(select(Consent).where(Consent.customer_id == gone)).all():
        other = kept.get(c.channel)
        if other is None:
            c.customer_id = keep
            s.add(c)
            continue
        if (c.status == "withdrawn") != (other.status == "withdrawn"):
            loser = other if c.status == "withdrawn" else c
        else:
            loser = other if c.updated_at > other.updated_at else c
        if loser is other:
            s.delete(other)
            s.flush()
            c.customer_id = keep
            s.add(c)
        else:
            s.delete(c)
    s.exec(update(ConsentEvent).where(col(ConsentEvent.customer_id) == gone).values(customer_id=keep))  # type: ignore[call-overload]
    taken = set(s.exec(select(CampaignRecipient.campaign_id).where(CampaignRecipient.customer_id == keep)).all())
    for r in s.exec(select(CampaignRecipient).where(CampaignRecipient.customer_id == gone)).all():
        if r.campaign_id in taken:
            s.delete(r)  # the person is in that campaign once already
        else:
            r.customer_id = keep
            s.add(r)
    s.flush()


def split(s: Session, identity_id: int) -> int:
    """The owner takes one identity off its customer: it becomes a customer of its own (with the visits
    that came through it when they can be told apart: none can, so visits stay) and stays there."""
    identity = s.get(Identity, identity_id)
    if identity is None:
        raise KeyError(identity_id)
    customer = new_customer(s)
    assert customer.id is not None
    # The consent given through this chat user goes with it.
    for c in s.exec(select(Consent).where(Consent.customer_id == identity.customer_id, Consent.channel == identity.kind,
                                          Consent.user_key == identity.value)).all():
        c.customer_id = customer.id
        s.add(c)
    identity.customer_id = customer.id
    identity.manual = True
    s.add(identity)
    s.flush()
    return customer.id
