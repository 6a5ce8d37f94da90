"""Staff accounts and sessions: argon2 password hashes, random session tokens stored only as
hashes, a CSRF token per session, and a limit on failed logins.

There is no default account or password: `danggol staff add NAME` creates each one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, select

from bot.db import StaffSession, StaffUser, Storage, utcnow

SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A staff account could not be made; the message says why, in Korean."""


@dataclass(frozen=True)
class StaffLogin:
    staff_id: int
    name: str
    csrf: str
    session_id: int
    role: str = "owner"  # owner: knowledge, dashboards; staff: chats and bookings

    @property
    def owner(self) -> bool:
        return self.role == "owner"


@lru_cache(maxsize=1)
def hasher():  # type: ignore[no-untyped-def]
    """argon2id, made on first use: each hash briefly takes 64 MB, which a bot that never sees a
    login should not pay for at start-up."""
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return hasher().hash(secrets.token_urlsafe(16))  # type: ignore[no-any-return]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


ROLES = ("owner", "staff")


def add_staff(storage: Storage, name: str, password: str, role: str = "owner") -> None:
    """One account; `role` is owner (edits the knowledge, sees the dashboards) or staff."""
    name = name.strip()
    if role not in ROLES:
        raise AccountError("역할은 owner(사장님) 또는 staff(직원)만 돼요.")
    if not name or len(name) > 60:
        raise AccountError("직원 이름을 1~60자로 적어 주세요.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 해요.")
    with Session(storage.engine) as s:
        if s.exec(select(StaffUser).where(StaffUser.name == name)).first():
            raise AccountError(f"'{name}' 직원은 이미 있어요.")
        s.add(StaffUser(name=name, password_hash=hasher().hash(password), role=role))
        s.commit()


class LoginLimiter:
    """At most `limit` failed logins per minute from one address or for one name; more are refused."""

    def __init__(self, limit: int = 10, window_s: float = 60.0):
        self.limit, self.window = limit, window_s
        self.failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        q = self.failures[key]
        while q and time.monotonic() - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(k)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        for k in keys:
            self._recent(k).append(time.monotonic())


def login(storage: Storage, name: str, password: str) -> tuple[str, StaffLogin] | None:
    """(cookie token, login) for right credentials; None otherwise (same work either way)."""
    with Session(storage.engine) as s:
        user = s.exec(select(StaffUser).where(StaffUser.name == name.strip(), StaffUser.active == True)).first()  # noqa: E712
        ok = hasher().verify(password, user.password_hash) if user else hasher().verify(password, _dummy_hash())
        if not (user and ok):
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session = StaffSession(token_hash=_digest(token), staff_id=user.id, csrf=csrf, expires_at=utcnow() + SESSION_TTL)  # type: ignore[arg-type]
        s.add(session)
        s.commit()
        assert user.id is not None and session.id is not None
        return token, StaffLogin(user.id, user.name, csrf, session.id, user.role)


def current(storage: Storage, token: str | None) -> StaffLogin | None:
    """The staff member of a session cookie, if it is valid, unexpired and not logged out."""
    if not token:
        return None
    with Session(storage.engine) as s:
        session = s.exec(select(StaffSession).where(StaffSession.token_hash == _digest(token))).first()
        if session is None or session.revoked:
            return None
        expires = session.expires_at if session.expires_at.tzinfo else session.expires_at.replace(tzinfo=UTC)
        if expires < datetime.now(UTC):
            return None
        user = s.get(StaffUser, session.staff_id)
        if user is None or not user.active:
            return None
        assert user.id is not None and session.id is not None
        return StaffLogin(user.id, user.name, session.csrf, session.id, user.role)


def has_accounts(storage: Storage) -> bool:
    with Session(storage.engine) as s:
        return s.exec(select(StaffUser.id).limit(1)).first() is not None


def logout(storage: Storage, session_id: int) -> None:
    with Session(storage.engine) as s:
        session = s.get(StaffSession, session_id)
        if session is not None:
            session.revoked = True
            s.add(session)
            s.commit()


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())

