"""The handoff state machine through the real Kakao endpoint: every trigger, silence while staff
have the chat, staff replies delivered with the next message, return to the bot, idle return."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from bot.db import Conversation, Handoff, Storage
from bot.handoff import IDLE_TEXT, MISSED_TEXT, RETURN_TEXT, Handoffs
from bot.settings import HandoffSettings
from tests.conftest import DEMO, database_url
from tests.support.kakao_validator import problems as kakao_problems
from tests.support.live_server import live_server
from tests.test_kakao_live import HEADERS, Receiver, payload
from tests.test_reservation_scenarios import reply_text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Receiver]]:
    tmp = tmp_path_factory.mktemp("handoff")
    receiver = Receiver()
    with live_server(DEMO, tmp, DANGGOL_KAKAO__SECRET="live-secret", DANGGOL_RELOAD__ENABLED="false",
                     DANGGOL_HANDOFF__IDLE_RETURN_MINUTES="0.05", DANGGOL_HANDOFF__WEBHOOK_URL=receiver.url("webhook"),
                     DANGGOL_OUTREACH__DIGEST="false") as (base, _, _):  # the daily digest shares the webhook: not this test's
        yield base, tmp, receiver


def say(base: str, user: str, text: str) -> dict:  # type: ignore[type-arg]
    import httpx

    r = httpx.post(f"{base}/kakao/skill", json=payload(text, user), headers=HEADERS, timeout=10)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def conversation(tmp: Path, user: str) -> tuple[Conversation, list[Handoff], Handoffs]:
    engine = create_engine(database_url(tmp))
    with Session(engine) as s:
        conv = s.exec(select(Conversation).where(Conversation.user_key == user)).one()
        requests = list(s.exec(select(Handoff).where(Handoff.conversation_id == conv.id)))
    return conv, requests, Handoffs(Storage(engine), HandoffSettings())


@pytest.mark.parametrize(
    "user,messages",
    [
        ("explicit", ["상담원 연결해 주세요"]),
        ("complaint", ["찌개에서 머리카락 나왔어요 어이없네"]),
        ("two-misses", ["삼성전자 주가 어때요?", "사장님 MBTI 뭐예요?"]),
        ("big-party", ["토요일 저녁 7시 12명 예약하고 싶어요"]),
    ],
)
def test_every_trigger_hands_the_chat_to_staff(server: tuple[str, Path, Receiver], user: str, messages: list[str]) -> None:
    base, tmp, receiver = server
    before = len(receiver.posts)
    replies = [say(base, user, m) for m in messages]
    last = replies[-1]
    assert last["template"]["outputs"][-1]["textCard"]["buttons"] == [{"action": "operator", "label": "상담직원 연결"}]
    if user == "two-misses":
        assert reply_text(replies[0]).startswith("죄송해요, 그 질문에는") and reply_text(last).startswith(MISSED_TEXT)
    conv, requests, _ = conversation(tmp, user)
    assert conv.handoff == "waiting" and [r.status for r in requests] == ["waiting"]
    deadline = time.monotonic() + 5
    while len(receiver.posts) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    _, path, body = receiver.posts[-1]
    assert path.endswith("/webhook") and body["text"] == body["content"] and body["text"].startswith("[단골] 직원 연결 요청 (kakao)")


def test_waiting_is_acknowledged_staff_reply_and_return(server: tuple[str, Path, Receiver]) -> None:
    """Never silence: while a chat waits each message is acknowledged (not with one sentence
    every time) with a way back to the bot; a claimed chat says who has it; a staff reply goes
    out once; after the return the notice comes with the next answer."""
    base, tmp, _ = server
    say(base, "staffed", "직원 불러주세요")
    first, second = say(base, "staffed", "여보세요?"), say(base, "staffed", "저기요")
    for r in (first, second):
        assert kakao_problems(r) == [] and r["template"]["outputs"], r
        assert [q["label"] for q in r["template"]["quickReplies"]][0] == "챗봇과 대화하기"
    assert reply_text(first) != reply_text(second)
    conv, _, handoffs = conversation(tmp, "staffed")
    assert conv.id is not None
    assert handoffs.claim_sync(conv.id, "민지")
    assert conversation(tmp, "staffed")[0].handoff == "human"
    assert "민지 직원" in reply_text(say(base, "staffed", "아직인가요?"))
    handoffs.staff_reply_sync(conv.id, "민지", "안녕하세요, 직원 민지예요. 확인해 드릴게요.")
    delivered = say(base, "staffed", "네 기다릴게요")
    assert reply_text(delivered) == "직원: 안녕하세요, 직원 민지예요. 확인해 드릴게요."
    assert "직원: " not in reply_text(say(base, "staffed", "감사해요"))  # delivered once, not twice
    assert handoffs.release_sync(conv.id, "민지")
    back = say(base, "staffed", "주차 되나요?")
    assert reply_text(back).startswith(RETURN_TEXT) and "주차" in reply_text(back)
    conv_after, requests, _ = conversation(tmp, "staffed")
    assert conv_after.handoff == "bot" and [r.status for r in requests] == ["resolved"]
    storage = Storage(create_engine(database_url(tmp)))
    authors = [(m.direction, m.author) for m in storage.messages(channel="kakao", user_key="staffed")]
    assert authors.count(("in", "customer")) == 7  # every customer message kept
    assert ("out", "staff:민지") in authors and ("out", "system") in authors


def test_a_reply_queued_before_resolve_reaches_the_customer_once(server: tuple[str, Path, Receiver]) -> None:
    """Staff replied, then pressed 해결 완료 before the customer wrote again: the reply and the
    closing notice still go out with the next answer, in order, exactly once."""
    base, tmp, _ = server
    say(base, "resolver", "직원 연결해 주세요")
    conv, _, handoffs = conversation(tmp, "resolver")
    assert conv.id is not None
    handoffs.staff_reply_sync(conv.id, "도윤", "머리카락 정말 죄송합니다. 환불해 드릴게요.")
    handoffs.staff_reply_sync(conv.id, "도윤", "다음 방문 때 음료도 드릴게요.")
    assert handoffs.release_sync(conv.id, "도윤")
    texts = [o["simpleText"]["text"] for o in say(base, "resolver", "네 알겠어요")["template"]["outputs"] if "simpleText" in o]
    joined = "\n".join(texts)
    assert joined.index("직원: 머리카락") < joined.index("직원: 다음 방문") < joined.index(RETURN_TEXT), texts
    assert "직원:" not in reply_text(say(base, "resolver", "주차 되나요?"))


def test_back_to_the_bot_while_waiting(server: tuple[str, Path, Receiver]) -> None:
    base, tmp, _ = server
    say(base, "mistap", "직원 연결해 주세요")
    back = say(base, "mistap", "챗봇과 계속 대화할게요")
    assert "다시 챗봇이 도와드릴게요" in reply_text(back)
    assert conversation(tmp, "mistap")[0].handoff == "bot"
    assert "주차" in reply_text(say(base, "mistap", "주차 되나요?"))


def test_an_idle_handoff_returns_to_the_bot(server: tuple[str, Path, Receiver]) -> None:
    base, tmp, _ = server
    say(base, "idle", "사장님이랑 직접 통화하고 싶어요")
    assert say(base, "idle", "?")["template"]["outputs"]
    time.sleep(3.5)  # idle_return_minutes = 0.05 in this server
    back = reply_text(say(base, "idle", "주차 되나요?"))
    assert back.startswith(IDLE_TEXT) and "주차" in back
    assert conversation(tmp, "idle")[0].handoff == "bot"
