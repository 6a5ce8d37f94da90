"""TalkTalk end to end: a real uvicorn server, a local fake of Naver's send API that checks every
call and answers with each result code, and the staff console driving handover.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from bot.db import Conversation, Message, Reservation, Storage, make_engine
from bot.staff.auth import add_staff
from tests.conftest import DEMO, database_url
from tests.support.fake_talktalk import FakeTalkTalk
from tests.support.live_server import live_server
from tests.support.talktalk_validator import problems

SECRET = "live-naver-secret-0123456789"
PASSWORD = "correct horse battery"


def user(tag: str) -> str:
    return (tag + "_" * 22)[:22]


def send(text: str, who: str, input_type: str = "typing", code: str | None = None, standby: bool = False) -> dict:  # type: ignore[type-arg]
    content = {"text": text, "inputType": input_type, **({"code": code} if code else {})}
    event = {"event": "send", "user": who, "textContent": content, "options": {"mobile": True}}
    return {"standby": True, **event} if standby else event


def post(base: str, event: dict) -> httpx.Response:  # type: ignore[type-arg]
    r = httpx.post(f"{base}/naver/{SECRET}", json=event, timeout=10)
    assert r.status_code == 200, r.text
    return r


def storage(tmp: Path) -> Storage:
    return Storage(make_engine(database_url(tmp), tmp))


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTalkTalk]:
    f = FakeTalkTalk()
    yield f
    f.close()


def naver_env(fake: FakeTalkTalk, **extra: str) -> dict[str, str]:
    return {"DANGGOL_NAVER__ENABLED": "true", "DANGGOL_NAVER__PATH_SECRET": SECRET, "DANGGOL_NAVER__SEND_TOKEN": fake.token,
            "DANGGOL_NAVER__API_URL": fake.url, "DANGGOL_RELOAD__ENABLED": "false", **extra}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake: FakeTalkTalk) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("naver-live")
    add_staff(storage(tmp), "민지", PASSWORD)
    with live_server(DEMO, tmp, **naver_env(fake, DANGGOL_NAVER__MAX_SENDS_PER_3S="5")) as (base, _, _):
        yield base, tmp


@pytest.fixture(autouse=True)
def fresh(fake: FakeTalkTalk) -> None:
    fake.clear()


def test_a_ready_answer_goes_in_the_response_and_cards_through_the_send_api(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    base, tmp = server
    sync = post(base, send("주차 돼요?", user("sync"))).json()
    assert sync["event"] == "send" and "주차" in sync["textContent"]["text"] and problems(sync) == []
    assert "user" not in sync and fake.bodies() == []

    assert post(base, send("아이랑 먹을 메뉴 추천해 주세요", user("async"))).json() == {}
    calls = fake.wait(2, user("async"))
    assert [list(c)[:2] for c in calls] == [["event", "textContent"], ["event", "compositeContent"]]
    assert all(c.headers["authorization"] == fake.token and c.headers["content-type"].startswith("application/json")
               for c in fake.calls)
    assert all(not c.problems for c in fake.calls)
    # Marked delivered once sent: the mark is written after the send API answers, so on a loaded machine
    # the fake can have the call a moment before the database has the mark.
    deadline = time.monotonic() + 10
    while True:
        messages = storage(tmp).messages(channel="naver", user_key=user("async"))
        if all(m.delivered for m in messages) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [(m.direction, m.delivered) for m in messages] == [("in", True), ("out", True)]


def test_a_slow_answer_shows_typing_then_arrives_through_the_send_api(tmp_path: Path, fake: FakeTalkTalk) -> None:
    env = naver_env(fake, SLOW_SECONDS="2.5")
    with live_server(DEMO, tmp_path, app="tests.support.slow_app:app", **env) as (base, _, _):
        t0 = time.monotonic()
        r = post(base, send("천천히 알려 주세요", user("slow")))
        assert time.monotonic() - t0 < 2.6  # reply_within_s = 2 s, far inside Naver's 5 s
        assert r.json() == {"event": "action", "options": {"action": "typingOn"}}
        calls = fake.wait(1, user("slow"), timeout=10)
        assert calls[-1]["textContent"]["text"] == "천천히 준비한 답변이에요."


def test_a_booking_with_calendar_and_time_components(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    base, tmp = server
    who = user("booking")
    ask_date = post(base, send("예약하고 싶어요", who)).json()
    calendar = ask_date["textContent"]["quickReply"]["buttonList"][0]
    assert calendar["type"] == "CALENDAR"
    assert "1" in calendar["data"]["options"]["calendar"]["disables"].split(",")  # the demo store closes on Mondays
    # Next Friday, whatever today is: a day the store is open.
    friday = time.localtime(time.time() + 86400 * (((4 - time.localtime().tm_wday) % 7) or 7))
    day = time.strftime("%Y%m%d", friday)
    ask_time = post(base, send(day, who, "calendar", calendar["data"]["code"])).json()
    assert ask_time["textContent"]["quickReply"]["buttonList"][0]["type"] == "TIME"
    post(base, send("19:00", who, "time", '{"k": "time"}'))
    post(base, send("2명", who))
    post(base, send("김톡톡", who))
    summary = post(base, send("010-1234-5678", who)).json()  # one plain card: said as one text, at once
    assert "이대로 예약할까요?" in summary["textContent"]["text"]
    assert [b["data"]["title"] for b in summary["textContent"]["quickReply"]["buttonList"]] == ["예", "아니오"]
    done = post(base, send("예", who, "button")).json()
    code = re.search(r"예약 코드: (\w+)", done["textContent"]["text"])
    assert code, done
    with Session(storage(tmp).engine) as s:
        booking = s.exec(select(Reservation).where(Reservation.code == code[1])).one()
    assert (booking.channel, booking.user_key, booking.party, booking.name) == ("naver", who, 2, "김톡톡")


def test_standby_keeps_the_bot_silent_and_the_message(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    base, tmp = server
    who = user("standby")
    assert post(base, send("상담원님 계세요?", who, standby=True)).json() == {}
    assert post(base, send("영업시간 알려 주세요", who, standby=True)).json() == {}
    time.sleep(0.3)
    assert fake.bodies(who) == []
    messages = storage(tmp).messages(channel="naver", user_key=who)
    assert [m.text for m in messages] == ["상담원님 계세요?", "영업시간 알려 주세요"]
    with Session(storage(tmp).engine) as s:
        assert s.exec(select(Conversation).where(Conversation.user_key == who)).one().handoff == "human"
    # Partner Center's agent finishes: the bot answers again.
    handover = {"event": "handover", "user": who, "options": {"control": "passThread", "metadata": '{"managerNickname":"Kim"}'}}
    assert post(base, handover).json() == {}
    assert "영업시간" in post(base, send("영업시간 알려 주세요", who)).json()["textContent"]["text"]


def _console(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=10)
    page = client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    assert client.post("/staff/login", data={"name": "민지", "password": PASSWORD, "csrf": token}).status_code in (200, 303)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff").text)[1]  # type: ignore[index]
    return client, csrf


def test_pass_thread_then_console_reply_and_take_thread(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    base, tmp = server
    who = user("handoff")
    assert post(base, send("사람이랑 직접 얘기하고 싶어요", who)).json() == {}
    calls = fake.wait(2, who)
    assert calls[-1] == {"event": "handover", "options": {"control": "passThread", "targetId": 1}, "user": who}
    with Session(storage(tmp).engine) as s:
        conv = s.exec(select(Conversation).where(Conversation.user_key == who)).one()
    assert conv.handoff == "waiting"

    console, csrf = _console(base)
    assert "손님" in console.get("/staff/api/queue").text
    console.post(f"/staff/c/{conv.id}/claim", data={"csrf": csrf})
    console.post(f"/staff/c/{conv.id}/reply", data={"csrf": csrf, "text": "안녕하세요, 직원 민지예요."})
    sent = fake.wait(3, who)
    assert sent[-1] == {"event": "send", "textContent": {"text": "안녕하세요, 직원 민지예요."}, "user": who}  # at once
    with Session(storage(tmp).engine) as s:
        staff_message = s.exec(select(Message).where(Message.conversation_id == conv.id, Message.author == "staff:민지")).one()
    assert staff_message.delivered

    console.post(f"/staff/c/{conv.id}/return", data={"csrf": csrf})
    back = fake.wait(5, who)
    assert back[3] == {"event": "handover", "options": {"control": "takeThread", "metadata": ""}, "user": who}
    assert "다시 챗봇이" in back[4]["textContent"]["text"]
    assert "영업시간" in post(base, send("영업시간 알려 주세요", who)).json()["textContent"]["text"]


def test_profile_withdrawal_deletes_the_data(server: tuple[str, Path]) -> None:
    base, tmp = server
    who = user("profile")
    post(base, {"event": "profile", "user": who, "options": {"nickname": "단골", "cellphone": "01055556666",
                                                             "address": {"roadAddr": "서울 마포구 연남로 1", "zipNo": "03000"}, "result": "SUCCESS"}})
    assert storage(tmp).profile(channel="naver", user_key=who) == {
        "nickname": "단골", "cellphone": "01055556666", "address": {"roadAddr": "서울 마포구 연남로 1", "zipNo": "03000"}}
    post(base, {"event": "profile", "user": who, "options": {"result": "WITHDRAW", "withdrawals": ["cellphone"]}})
    assert storage(tmp).profile(channel="naver", user_key=who)["cellphone"] is None  # type: ignore[index]
    post(base, {"event": "profile", "user": who, "options": {"result": "WITHDRAW"}})
    assert storage(tmp).profile(channel="naver", user_key=who) is None


def test_the_rate_limit_holds_under_a_burst(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    base, _ = server
    for i in range(6):  # six answers of two events each: twelve sends, at most five in any 3 s
        assert post(base, send("아이랑 먹을 메뉴 추천해 주세요", user(f"burst{i}"))).json() == {}
    fake.wait(12, timeout=20)
    times = [c.at for c in fake.calls]
    assert len(times) == 12
    assert max(sum(1 for t in times if start <= t < start + 3.0) for start in times) <= 5
    assert times[-1] - times[0] >= 6.0  # twelve sends at five per 3 s take at least two full windows


@pytest.mark.parametrize("code", ["01", "02", "99", "IMG-01", "http-500", "drop"])
def test_every_send_failure_is_logged_and_the_webhook_still_answers(server: tuple[str, Path], fake: FakeTalkTalk, code: str) -> None:
    base, tmp = server
    who = user(f"fail{code}")
    fake.always = code
    assert post(base, send("아이랑 먹을 메뉴 추천해 주세요", who)).json() == {}
    fake.wait(2, who)
    time.sleep(0.3)
    fake.always = None
    out = [m for m in storage(tmp).messages(channel="naver", user_key=who) if m.direction == "out"]
    assert len(out) == 1 and not out[0].delivered  # kept, and marked as not delivered
    log = (tmp / "server.log").read_text()
    expected = {"http-500": "HTTP 500", "drop": "not retried"}.get(code, f"naver send API: {code}")
    assert expected in log
    assert post(base, send("주차 돼요?", who)).json()["event"] == "send"  # the server carries on


def test_a_refused_handover_keeps_the_chat_here_and_the_customer_informed(server: tuple[str, Path], fake: FakeTalkTalk) -> None:
    """passThread answered 99: the chat waits in Danggol's own queue, the customer is told a person
    will answer here, and each later message is acknowledged (never silence)."""
    base, tmp = server
    who = user("refused")
    fake.script.extend(["00", "99"])  # the escalation answer goes out; Partner Center refuses the thread
    assert post(base, send("사람이랑 직접 얘기하고 싶어요", who)).json() == {}
    calls = fake.wait(3, who)
    assert calls[1]["options"]["control"] == "passThread"
    assert calls[2] == {"event": "send", "textContent": {"text": "직원이 이 채팅에서 이어서 답변드릴게요. 조금만 기다려 주세요."}, "user": who}
    first = post(base, send("여보세요?", who)).json()
    second = post(base, send("아직 안 됐나요", who)).json()
    for answer in (first, second):
        assert problems(answer) == [] and answer["textContent"]["text"], answer
        assert answer["textContent"]["quickReply"]["buttonList"][0]["data"]["title"] == "챗봇과 대화하기"
    assert first["textContent"]["text"] != second["textContent"]["text"]
    with Session(storage(tmp).engine) as s:
        conv = s.exec(select(Conversation).where(Conversation.user_key == who)).one()
    assert conv.handoff == "waiting"
