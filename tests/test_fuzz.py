"""Hostile input: seeded hypothesis fuzzing of the Kakao skill, the TalkTalk webhook and the staff
console's forms, in process, against one app on the test database; then every console page is
rendered over what the fuzzing stored and searched for customer text that arrived unescaped.

Deterministic (`derandomize=True`, no example database), so CI runs the same requests every time.
Besides the status codes, every exception a channel swallowed into its polite fallback answer
fails the test: a customer message that crashed the handler is a lost message even when the
platform got its 200.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from bot.db import Conversation, Reservation
from bot.server import create_app
from bot.settings import load_settings
from bot.staff.auth import add_staff
from bot.staff.routes import LOGIN_CSRF
from tests.conftest import ON_POSTGRES, database_url
from tests.support import fuzz_strategies as fz
from tests.support.fake_talktalk import FakeTalkTalk
from tests.support.kakao_validator import problems as kakao_problems
from tests.support.talktalk_validator import problems as talktalk_problems

pytestmark = pytest.mark.slow  # about four minutes; `make test` (and CI) always runs it
KAKAO_SECRET = "fuzz-kakao-secret"
NAVER_SECRET = "fuzz-naver-path-secret-0123"
STAFF, PASSWORD = "민지", "correct horse battery"
# Hypothesis warns when it builds the repr of a 60 KB body; the run is to print nothing unless it fails.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
# The issue asks for 5,000 requests per channel endpoint. The console forms get fewer (the CI time budget):
# a form has a handful of fields where a webhook payload has dozens of shapes.
# 5,000 per channel endpoint in the SQLite pass (the bar); the PostgreSQL pass repeats a fifth
# of them for what only PostgreSQL refuses (NUL, non-finite numbers, lengths), keeping CI under 15 min.
CHANNEL_EXAMPLES = 1_000 if ON_POSTGRES else 5_000
FORM_EXAMPLES = 100 if ON_POSTGRES else 5_000
LOGIN_EXAMPLES = 200  # past ten failures a minute from an address the limiter answers 429 (argon2 is slow)
LOGIN_ADDRESSES = [f"198.51.100.{i}" for i in range(1, 6)]


def fuzz(examples: int) -> settings:
    """Seeded and repeatable: the same requests in every run, no example database, no deadline."""
    return settings(derandomize=True, database=None, deadline=None, max_examples=examples, print_blob=False,
                    suppress_health_check=list(HealthCheck))


class Swallowed(logging.Handler):
    """Every ERROR the app logged: an exception turned into a polite answer is still a crash."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def report(self) -> str:
        return "\n".join(f"{r.name}: {r.getMessage()}\n{self.format(r) if r.exc_info else ''}" for r in self.records)


@dataclass
class Harness:
    client: TestClient
    fake: FakeTalkTalk
    csrf: str
    swallowed: Swallowed
    counts: Counter[str] = field(default_factory=Counter)
    days: set[str] = field(default_factory=set)

    def kakao(self, body: bytes, content_type: str = "application/json") -> httpx.Response:
        return self.client.post("/kakao/skill", content=body, headers={"content-type": content_type, "X-Danggol-Secret": KAKAO_SECRET})

    def naver(self, body: bytes) -> httpx.Response:
        return self.client.post(f"/naver/{NAVER_SECRET}", content=body, headers={"content-type": "application/json;charset=UTF-8"})

    def settle(self) -> None:
        """Wait until the TalkTalk channel's background sends are done."""
        naver = self.client.app.state.channels["naver"]  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while naver.pending and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.fixture(scope="module")
def h(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    tmp = tmp_path_factory.mktemp("fuzz")
    fake = FakeTalkTalk()
    env = {"DANGGOL_DATABASE__URL": database_url(tmp), "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index"),
           "DANGGOL_RELOAD__ENABLED": "false", "DANGGOL_KAKAO__SECRET": KAKAO_SECRET,
           "DANGGOL_NAVER__ENABLED": "true", "DANGGOL_NAVER__PATH_SECRET": NAVER_SECRET, "DANGGOL_NAVER__SEND_TOKEN": fake.token,
           "DANGGOL_NAVER__API_URL": fake.url,
           # Fuzzed text is mostly not understood: with the default two misses every fuzzed customer would be
           # handed to staff within a few messages and the bot (the engine) would see little of the input.
           "DANGGOL_HANDOFF__MISSES_BEFORE_HANDOFF": "1000"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    app.state.channels["naver"].api.limiter.limit = 10**9  # the fake is not Naver: no 25-per-3-s pacing
    add_staff(app.state.storage, STAFF, PASSWORD)
    swallowed = Swallowed()
    loggers = [logging.getLogger("bot"), logging.getLogger("skills")]
    for logger in loggers:
        logger.addHandler(swallowed)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            page = client.get("/staff/login")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
            assert client.post("/staff/login", data={"name": STAFF, "password": PASSWORD, "csrf": token},
                               follow_redirects=False).status_code == 303
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff").text)[1]  # type: ignore[index]
            yield Harness(client, fake, csrf, swallowed)
    finally:
        for logger in loggers:
            logger.removeHandler(swallowed)
        fake.close()


def kind_of(body: bytes, limit: int) -> str:
    """What the server should make of a body: too_large, invalid (not JSON), not_object, object, or deep.

    Whether JSON nested some hundreds of levels parses depends on how deep the stack already is
    (CPython's recursion limit), so for a deep body either answer is right, and only a 5xx is wrong.
    """
    if len(body) > limit:
        return "too_large"
    if body.count(b"[") + body.count(b"{") > 400 and nesting(body) > 400:
        return "deep"
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return "invalid"
    return "object" if isinstance(payload, dict) else "not_object"


def nesting(body: bytes) -> int:
    """How deep the brackets of a JSON body go (outside strings)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def no_crash(h: Harness, what: object) -> None:
    assert not h.swallowed.records, f"the app swallowed an error for {what!r:.300}:\n{h.swallowed.report()}"


# --- 1. Kakao ------------------------------------------------------------------------------------------------


def test_kakao_skill_survives_hostile_payloads(h: Harness) -> None:
    limit = h.client.app.state.channels["kakao"].settings.max_body_bytes  # type: ignore[attr-defined]

    @fuzz(CHANNEL_EXAMPLES)
    @given(body=fz.bodies(fz.skill_payload), content_type=st.sampled_from(["application/json", "text/plain", "", "application/json; charset=euc-kr"]))
    def run(body: bytes, content_type: str) -> None:
        h.swallowed.records.clear()
        r = h.kakao(body, content_type)
        h.counts["kakao"] += 1
        assert r.status_code < 500, r.text
        kind = kind_of(body, limit)
        if kind == "deep" and r.status_code == 400 or kind not in ("object", "deep"):
            assert r.status_code == 400, (kind, r.status_code)
            return
        assert r.status_code == 200, r.text
        answer = r.json()
        assert kakao_problems(answer) == [], answer  # 1 to 3 outputs, whoever has the chat
        no_crash(h, body)

    run()
    assert h.counts["kakao"] >= CHANNEL_EXAMPLES


def test_kakao_refuses_a_wrong_secret_whatever_the_body(h: Harness) -> None:
    @fuzz(200)
    @given(body=fz.bodies(fz.skill_payload), secret=st.one_of(st.just(""), st.text(max_size=40).filter(lambda s: s.strip() != KAKAO_SECRET)))
    def run(body: bytes, secret: str) -> None:
        headers = {"content-type": "application/json"}
        if secret.isascii() and secret.isprintable():
            headers["X-Danggol-Secret"] = secret.strip()
        r = h.client.post("/kakao/skill", content=body, headers=headers)
        assert r.status_code == 401 and "소담" not in r.text

    run()


# --- 2. TalkTalk --------------------------------------------------------------------------------------------------


def test_talktalk_webhook_survives_hostile_events(h: Harness) -> None:
    limit = h.client.app.state.channels["naver"].settings.max_body_bytes  # type: ignore[attr-defined]
    h.fake.clear()

    @fuzz(CHANNEL_EXAMPLES)
    @given(body=fz.bodies(fz.webhook_event))
    def run(body: bytes) -> None:
        h.swallowed.records.clear()
        r = h.naver(body)
        h.counts["naver"] += 1
        assert r.status_code < 500, r.text
        kind = kind_of(body, limit)
        if kind == "invalid" or kind == "deep" and r.status_code == 400:
            assert r.status_code == 400
            return
        assert r.status_code == 200, r.text  # anything else counts toward Naver's block
        answer = r.json()
        if kind in ("too_large", "not_object"):
            assert answer == {}
            return
        assert answer == {} or talktalk_problems(answer) == [], answer
        no_crash(h, body)

    run()
    h.settle()
    assert h.counts["naver"] >= CHANNEL_EXAMPLES
    bad = [(c.body, c.problems) for c in h.fake.calls if c.problems]
    assert not bad, f"{len(bad)} of {len(h.fake.calls)} send-API calls were malformed, e.g. {bad[:3]}"
    assert not h.swallowed.records, h.swallowed.report()  # background sends


# --- 3. Console forms ---------------------------------------------------------------------------------------------


def conversation_ids(h: Harness) -> list[int]:
    with Session(h.client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        return [c.id for c in s.exec(select(Conversation)).all() if c.id is not None]


def booking_codes(h: Harness) -> list[str]:
    with Session(h.client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        return [r.code for r in s.exec(select(Reservation)).all()]


def form(h: Harness, path: str, fields: dict[str, str], client: TestClient | None = None) -> httpx.Response:
    """POST a form as a careless client would: a lone surrogate goes out as its (invalid UTF-8) bytes,
    where a well-behaved encoder would stop before sending."""
    body = urlencode(fields, encoding="utf-8", errors="surrogatepass")
    return (client or h.client).post(path, content=body, headers={"content-type": "application/x-www-form-urlencoded"},
                                     follow_redirects=False)


form_text = st.one_of(fz.hostile_text, st.sampled_from(["\x00", "a\x00b", " ", "\t\n", "x" * 1001]))
digitsy = st.one_of(st.sampled_from(["2", "1", "0", "-1", "50", "500", "501", "9" * 30, "1e3", "2.5", "", " 3", "３", "٣", "삼", "三",
                                     "0x10", "NaN", "-0", "+4", "4명"]), st.integers(-(2**64), 2**64).map(str))


def test_console_reply_survives_hostile_text(h: Harness) -> None:
    h.kakao(json.dumps({"userRequest": {"utterance": "직원 연결해 주세요", "user": {"id": fz.KAKAO_USERS[0]}}}).encode())
    ids = conversation_ids(h)

    @fuzz(FORM_EXAMPLES)
    @given(cid=st.one_of(st.sampled_from(ids), st.sampled_from(["0", "-1", "x", "1.5", str(2**63), "9" * 30])),
           action=st.sampled_from(["reply"] * 6 + ["claim", "resolve", "return", "bogus", "%00"]), text=form_text,
           csrf=st.integers(1, 30))
    def run(cid: int | str, action: str, text: str, csrf: int) -> None:
        h.swallowed.records.clear()
        token = h.csrf if csrf > 1 else "forged"
        r = form(h, f"/staff/c/{cid}/{action}", {"csrf": token, "text": text})
        h.counts["reply"] += 1
        assert r.status_code < 500, r.text
        if token == "forged":
            assert r.status_code in (403, 404, 422)
        no_crash(h, (cid, action, text))

    run()
    h.settle()
    assert h.counts["reply"] >= FORM_EXAMPLES


def test_console_reservation_forms_survive_junk(h: Harness) -> None:
    names = st.one_of(fz.hostile_text, fz.markup, st.just("홍길동"))
    fields = st.fixed_dictionaries({"day": st.one_of(fz.dates, st.text(max_size=12)), "clock": st.one_of(fz.clocks, st.text(max_size=8)),
                                    "party": digitsy, "name": names, "phone": st.one_of(st.just("010-1234-5678"), form_text),
                                    "note": st.one_of(fz.markup, form_text)})

    @fuzz(FORM_EXAMPLES)
    @given(fields=fields, drop=st.sets(st.sampled_from(["day", "clock", "party", "name", "phone", "note"]), max_size=2))
    def create(fields: dict[str, str], drop: set[str]) -> None:
        h.swallowed.records.clear()
        data = {"csrf": h.csrf, **{k: v for k, v in fields.items() if k not in drop}}
        r = form(h, "/staff/reservations", data)
        h.counts["reservations"] += 1
        assert r.status_code < 500, r.text
        no_crash(h, data)
        if r.status_code == 303:
            page = h.client.get(r.headers["location"])
            # A day that is not a date comes back as the reservations page's own 400 ("날짜는 … 적어 주세요").
            assert page.status_code < 500 and not fz.RAW_MARKUP.search(page.text), r.headers["location"]
            if "error=" not in r.headers["location"]:
                h.days.add(r.headers["location"].split("date=", 1)[1])

    create()
    codes = booking_codes(h) or ["ABCDEF"]

    @fuzz(FORM_EXAMPLES)
    @given(code=st.one_of(st.sampled_from(codes), st.sampled_from(["", "abcdef", "ZZZZZZ", "%2F", "가나다", "a" * 300])),
           action=st.sampled_from(["change", "change", "change", "cancel", "no_show", "complete", "delete", ""]),
           fields=st.fixed_dictionaries({}, optional={"day": fz.dates, "clock": fz.clocks, "party": digitsy}))
    def act(code: str, action: str, fields: dict[str, str]) -> None:
        h.swallowed.records.clear()
        r = form(h, f"/staff/reservations/{code}/{action}", {"csrf": h.csrf, **fields})
        h.counts["reservation_actions"] += 1
        assert r.status_code < 500, r.text
        no_crash(h, (code, action, fields))

    act()
    assert h.counts["reservations"] >= FORM_EXAMPLES and h.counts["reservation_actions"] >= FORM_EXAMPLES


def test_console_login_survives_junk(h: Harness) -> None:
    token = "fuzz-login-form-token"  # the form must repeat the cookie's value

    @fuzz(LOGIN_EXAMPLES)
    @given(fields=st.fixed_dictionaries({}, optional={"name": st.one_of(st.just(STAFF), form_text), "password": form_text,
                                                      "csrf": st.one_of(st.just(token), st.text(max_size=30))}),
           address=st.sampled_from(LOGIN_ADDRESSES))
    def run(fields: dict[str, str], address: str) -> None:
        h.swallowed.records.clear()
        # A few addresses, so that some junk gets past the limit of ten failures a minute to the password check.
        anonymous = TestClient(h.client.app, base_url="https://testserver", client=(address, 40000), cookies={LOGIN_CSRF: token})
        r = form(h, "/staff/login", fields, client=anonymous)
        h.counts["login"] += 1
        assert r.status_code in (303, 403, 422, 429), (r.status_code, r.text)
        if r.status_code == 303:
            assert r.headers["location"] == "/staff/login?error=1"  # never logged in by junk
        no_crash(h, fields)

    run()
    assert h.counts["login"] >= LOGIN_EXAMPLES


def test_console_simulator_survives_junk(h: Harness) -> None:
    turns = st.fixed_dictionaries({}, optional={"text": fz.maybe(fz.long_text), "session": fz.maybe(st.text(max_size=20))})

    @fuzz(FORM_EXAMPLES)
    @given(body=fz.bodies(st.one_of(turns, turns, fz.junk)), token=st.integers(1, 20))
    def run(body: bytes, token: int) -> None:
        h.swallowed.records.clear()
        headers = {"content-type": "application/json", "x-csrf-token": h.csrf if token > 1 else "forged"}
        r = h.client.post("/staff/simulator", content=body, headers=headers)
        h.counts["simulator"] += 1
        assert r.status_code < 500, r.text
        if token == 1:
            assert r.status_code in (400, 403, 413, 422)
        no_crash(h, body)

    run()
    assert h.counts["simulator"] >= FORM_EXAMPLES


# --- 4. Every page over what was stored --------------------------------------------------------------------------


def plant_markers(h: Harness) -> dict[str, str]:
    """Markup in every place customer or outside text reaches a page, each with its own marker."""
    markers = {where: fz.MARKUP[i % len(fz.MARKUP)].format(n=900_000 + i) for i, where in
               enumerate(["kakao", "naver", "nickname", "name", "note", "reply", "error"])}
    h.kakao(json.dumps({"userRequest": {"utterance": f"직원 연결해 주세요 {markers['kakao']}", "user": {"id": "fz-marker-kakao"}}}).encode())
    user = "fzMarkerNaver" + "x" * 9
    h.naver(json.dumps({"event": "send", "user": user, "textContent": {"text": f"상담원 불러 주세요 {markers['naver']}"}}).encode())
    h.naver(json.dumps({"event": "echo", "echoedEvent": "send", "user": user, "textContent": {"text": markers["nickname"]},
                        "options": {"managerNickname": markers["nickname"][:30], "threadOwnerId": 1}}).encode())
    h.settle()
    fields = {"csrf": h.csrf, "day": "2026-11-27", "clock": "12:00", "party": "2", "name": markers["name"], "phone": "010-0000-0000",
              "note": markers["note"]}
    r = h.client.post("/staff/reservations", data=fields, follow_redirects=False)
    assert r.status_code == 303 and "error" not in r.headers["location"], r.headers.get("location")
    h.days.add("2026-11-27")
    cid = max(conversation_ids(h))
    h.client.post(f"/staff/c/{cid}/reply", data={"csrf": h.csrf, "text": markers["reply"]})
    return markers


def test_every_console_page_renders_and_escapes_customer_text(h: Harness) -> None:
    markers = plant_markers(h)
    client = h.client
    with Session(client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        days = {r.starts_at.date().isoformat() for r in s.exec(select(Reservation)).all()}
    pages = ["/staff", "/staff/unanswered", "/staff/knowledge", "/staff/simulator", "/staff/reservations",
             *(f"/staff/c/{cid}" for cid in conversation_ids(h)),
             *(f"/staff/reservations?date={d}" for d in sorted(days | h.days)),
             f"/staff/reservations?date=2026-11-27&error={markers['error']}"]
    seen = ""
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        raw = fz.RAW_MARKUP.search(r.text)
        assert raw is None, f"{path} shows customer text as markup: {r.text[max(0, raw.start() - 200):raw.end() + 100]}"
        seen += r.text
    for where, marker in markers.items():
        assert escaped(marker) in seen, f"the {where} marker is on no page, escaped or not"
    api = client.get("/staff/api/queue")
    assert api.status_code == 200 and api.headers["content-type"] == "application/json"
    assert {"queue", "counts"} <= set(api.json())


def escaped(text: str) -> str:
    """Jinja's autoescape of `text` (markupsafe: & < > " ')."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;"))


# --- Bugs the fuzzing found, each as the smallest input that shows it (now regression tests) ---------------


def test_bug_deeply_nested_json_body_is_a_400_not_a_500(h: Harness) -> None:
    """kakao.py KakaoChannel.handle and naver.py NaverChannel.handle catch ValueError from json.loads, not RecursionError."""
    deep = b"[" * 5000 + b"]" * 5000  # 10 KB, well under max_body_bytes
    assert h.kakao(deep).status_code == 400
    assert h.naver(deep).status_code == 400


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_bug_a_lone_surrogate_in_a_message_is_not_a_crash(h: Harness, text: str) -> None:
    """Valid JSON ("\\ud800") but not encodable as UTF-8: record_in fails, the message is lost, the customer gets the fallback."""
    h.swallowed.records.clear()
    r = h.kakao(fz.encode({"userRequest": {"utterance": text, "user": {"id": "fz-surrogate"}}}, True))
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, text)
    r = h.naver(fz.encode({"event": "send", "user": "fzSurrogate" + "x" * 11, "textContent": {"text": text}}, True))
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, text)


def test_bug_nul_characters_are_stored_or_refused_not_a_crash(h: Harness) -> None:
    """PostgreSQL text cannot hold U+0000 (psycopg DataError). On PostgreSQL: a customer message with it is lost
    (db.py record_in; the channel answers its fallback), a staff reply is a 500 (handoff.py staff_reply_sync),
    a login attempt is a 500 before authentication (auth.login's SELECT), and so is a phone booking's note."""
    h.swallowed.records.clear()
    r = h.kakao(json.dumps({"userRequest": {"utterance": "주차\x00되나요", "user": {"id": "fz-nul"}}}).encode())
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, "kakao NUL")
    r = h.naver(json.dumps({"event": "send", "user": "fzNul" + "x" * 17, "textContent": {"text": "주차\x00되나요"}}).encode())
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, "naver NUL")
    cid = conversation_ids(h)[0]
    assert form(h, f"/staff/c/{cid}/reply", {"csrf": h.csrf, "text": "네\x00확인했어요"}).status_code < 500
    fields = {"csrf": h.csrf, "day": "2026-11-27", "clock": "12:30", "party": "2", "name": "널\x00문자", "note": "창가\x00자리"}
    assert form(h, "/staff/reservations", fields).status_code < 500
    anonymous = TestClient(h.client.app, base_url="https://testserver", client=("203.0.113.9", 40000), cookies={LOGIN_CSRF: "t"})
    assert form(h, "/staff/login", {"name": "민\x00지", "password": "x", "csrf": "t"}, client=anonymous).status_code < 500
    no_crash(h, "console NUL")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_bug_non_finite_numbers_in_a_payload_are_not_a_crash(h: Harness, number: str) -> None:
    """Python's json.loads takes NaN, Infinity and 1e999 (as inf); PostgreSQL's json type refuses them ("Token
    "NaN" is invalid"): on PostgreSQL db.py record_in fails on the stored payload, the message is lost and the
    customer gets the fallback. Found as b'{"":NaN}'. Refusing the body (400) or storing it cleaned is fine."""
    h.swallowed.records.clear()
    head = json.dumps({"userRequest": {"utterance": "주차 되나요?", "user": {"id": "fz-nan"}}})
    r = h.kakao(f'{head[:-1]}, "x": {number}}}'.encode())
    assert r.status_code == 400 or r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, number)
    head = json.dumps({"event": "send", "user": "fzNaN" + "x" * 17, "textContent": {"text": "주차 되나요?"}})
    r = h.naver(f'{head[:-1]}, "x": {number}}}'.encode())
    assert r.status_code == 400 or r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, number)


def test_bug_an_overlong_profile_field_is_not_a_crash(h: Harness) -> None:
    """naver.py _on_profile stores `nickname` and `cellphone` as sent; CustomerProfile has VARCHAR(100) and
    VARCHAR(20), which PostgreSQL enforces (StringDataRightTruncation in db.py save_profile): the profile is
    lost and the error logged. SQLite ignores the lengths."""
    h.swallowed.records.clear()
    event = {"event": "profile", "user": "fzLongProfile" + "x" * 9,
             "options": {"result": "SUCCESS", "nickname": "가" * 101, "cellphone": "010-1234-5678 (집) 02-111-2222"}}
    assert h.naver(json.dumps(event).encode()).status_code == 200
    no_crash(h, event)


def test_bug_deeply_nested_json_strings_inside_a_payload_are_not_a_crash(h: Harness) -> None:
    """kakao.py _maybe_json and naver.py _on_handover catch ValueError from json.loads, not RecursionError."""
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    h.swallowed.records.clear()
    r = h.kakao(json.dumps({"userRequest": {"utterance": "주차 되나요?", "user": {"id": "fz-deep"}}, "action": {"params": {"x": deep}}}).encode())
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, "kakao params")
    r = h.naver(json.dumps({"event": "handover", "user": "fzDeepHandover" + "x" * 8,
                            "options": {"control": "passThread", "metadata": deep}}).encode())
    assert r.status_code == 200
    no_crash(h, "naver metadata")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_bug_reservations_at_the_ends_of_the_calendar_are_not_a_500(h: Harness, day: str) -> None:
    """date ± 1 day overflows: routes.py reservations_page (prev/next), reservations.py list_sync and booked_on_sync."""
    assert h.client.get(f"/staff/reservations?date={day}").status_code < 500
    fields = {"csrf": h.csrf, "day": day, "clock": "12:00", "party": "2", "name": "x"}
    assert h.client.post("/staff/reservations", data=fields, follow_redirects=False).status_code < 500


def test_bug_a_stored_deeply_nested_payload_does_not_break_the_console(h: Harness) -> None:
    """A payload nested just under the depth the webhook's json.loads can parse is stored in message.payload;
    reading it back happens deeper in the stack and raises RecursionError: the queue (routes.py queue(), so
    /staff, /staff/api/queue and /staff/events), the conversation (transcript()) and /staff/unanswered
    (insights.py) all answer 500 for as long as the message is kept. One customer breaks the console."""
    users = []
    for depth in range(900, 1000, 3):  # the exact window moves with the stack depth: try them all
        for user, text in ((f"fz-nested-{depth}", "직원 연결해 주세요"), (f"fz-nested-q-{depth}", "삼성전자 주가 어때요?")):
            head = json.dumps({"userRequest": {"utterance": text, "user": {"id": user}}}, ensure_ascii=False)
            try:
                h.kakao(f'{head[:-1]}, "x": {fz.nested(depth)}}}'.encode())
            except RecursionError:
                continue  # the webhook's own crash: test_bug_deeply_nested_json_body_is_a_400_not_a_500
            users.append(user)
    with Session(h.client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        ids = [c.id for c in s.exec(select(Conversation).where(Conversation.user_key.in_(users))).all()]  # type: ignore[attr-defined]
    assert ids
    for path in ["/staff", "/staff/api/queue", "/staff/unanswered", *(f"/staff/c/{cid}" for cid in ids)]:
        assert h.client.get(path).status_code == 200, path


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "٢٠٢٦-١١-٢٧", '{"value": "2026-13-01", "userTimeZone": "UTC+9"}'])
def test_bug_an_impossible_date_parameter_is_not_a_crash(h: Harness, value: str) -> None:
    """kakao.py structured_params takes any \\d{4}-\\d{2}-\\d{2} (Unicode digits too) as params["date"];
    skills/booking_words.py read_details then fails in date.fromisoformat (the engine logs it and apologises)."""
    h.swallowed.records.clear()
    body = {"userRequest": {"utterance": "예약하고 싶어요", "user": {"id": f"fz-date-{value[:10]}"}}, "action": {"params": {"date": value}}}
    r = h.kakao(json.dumps(body).encode())
    assert r.status_code == 200 and "잠시 문제가 생겨서" not in r.text
    no_crash(h, value)


def test_bug_changing_a_cancelled_booking_is_not_a_500(h: Harness) -> None:
    """routes.py reservation_action 'change' calls bookings.change, whose change_sync raises LookupError for a
    booking that is no longer confirmed (a second tab, a stale page)."""
    fields = {"csrf": h.csrf, "day": "2026-11-27", "clock": "13:00", "party": "2", "name": "stale", "phone": "010-9999-0000"}
    assert h.client.post("/staff/reservations", data=fields, follow_redirects=False).status_code == 303
    with Session(h.client.app.state.storage.engine) as s:  # type: ignore[attr-defined]
        code = s.exec(select(Reservation).where(Reservation.name == "stale")).first().code  # type: ignore[union-attr]
    h.client.post(f"/staff/reservations/{code}/cancel", data={"csrf": h.csrf}, follow_redirects=False)
    r = h.client.post(f"/staff/reservations/{code}/change", data={"csrf": h.csrf, "clock": "14:00"}, follow_redirects=False)
    assert r.status_code < 500


@pytest.mark.parametrize("cid", [str(2**63), "9" * 30])
def test_bug_a_conversation_id_past_64_bits_is_a_404_not_a_500(h: Harness, cid: str) -> None:
    assert h.client.get(f"/staff/c/{cid}").status_code == 404
    assert h.client.post(f"/staff/c/{cid}/reply", data={"csrf": h.csrf, "text": "x"}).status_code == 404


@pytest.mark.parametrize("body", [b"{not json", b"[1]", b'"text"', b"null", b""])
def test_bug_simulator_refuses_a_body_that_is_not_a_json_object(h: Harness, body: bytes) -> None:
    """routes.py simulator_turn: request.json() raises on bad JSON and body.get fails on a non-object."""
    r = h.client.post("/staff/simulator", content=body, headers={"content-type": "application/json", "x-csrf-token": h.csrf})
    assert 400 <= r.status_code < 500
