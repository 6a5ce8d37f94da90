"""The handoff as a state machine (hypothesis): random interleavings of customer messages, requests
for a person, the way back to the bot, staff claims, replies, resolves, returns and idle returns,
played through the Inbox and rendered for KakaoTalk.

After every customer turn:
- the response has 1 to 3 outputs (Kakao's rule), and TalkTalk would send at least one event:
  nobody meets silence;
- nothing staff wrote (and no notice) is left undelivered;
and over the whole run every staff reply reaches the customer exactly once, in the order written.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.kakao import render
from bot.channels.naver import render as naver_render
from bot.conversation import Inbox
from bot.db import DbStates, Storage, make_engine
from bot.engine import Engine
from bot.handoff import IDLE_TEXT, RETURN_TEXT, Handoffs
from bot.kb.base import KnowledgeBase
from bot.messages import Turn
from bot.settings import HandoffSettings, RetrievalSettings
from tests.conftest import DEMO
from tests.support.kakao_validator import problems

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # open: no closed-hours note
customer = st.sampled_from(["주차 되나요?", "여보세요?", "직원 연결해 주세요", "챗봇과 계속 대화할게요", "ㅋㅋ", "메뉴 뭐 있어요?",
                            "감사합니다", "아직인가요", "내일 저녁 7시 4명 예약할게요", "음식에서 머리카락 나왔어요"])
staff = st.sampled_from(["claim", "reply", "reply", "resolve", "return", "idle"])
steps = st.lists(st.one_of(customer.map(lambda t: ("customer", t)), staff.map(lambda a: ("staff", a))), min_size=1, max_size=14)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Inbox, Handoffs, Storage]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kb = KnowledgeBase(DEMO, work / "index", RetrievalSettings())
        assert kb.reload()
        storage = Storage(make_engine(f"sqlite:///{work / 'inbox.db'}", work))
        handoffs = Handoffs(storage, HandoffSettings())
        inbox = Inbox(storage, handoffs)
        inbox.engine = Engine(kb, RetrievalSettings(), states=DbStates(storage))
        yield inbox, handoffs, storage
        storage.engine.dispose()


async def _turn(inbox: Inbox, user: str, text: str) -> dict:  # type: ignore[type-arg]
    ticket = await inbox.open(Turn(text, user, "kakao", {}, NOW), None)
    reply = await inbox.settle(ticket, await inbox.answer(ticket))
    assert naver_render(reply) and all(e.get("textContent") or e.get("compositeContent") for e in naver_render(reply))  # TalkTalk too
    response = render(reply)
    await inbox.record(ticket, reply, response)
    return response


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=steps)
def test_no_staff_word_lost_and_no_silence(world: tuple[Inbox, Handoffs, Storage], script: list[tuple[str, str]]) -> None:
    inbox, handoffs, storage = world
    user = f"sm-{uuid.uuid4().hex[:10]}"

    async def play() -> None:
        written: list[str] = []
        heard: list[str] = []
        conversation_id = None
        for kind, what in script:
            if kind == "customer":
                response = await _turn(inbox, user, what)
                assert problems(response) == [] and 1 <= len(response["template"]["outputs"]) <= 3, (script, response)
                heard += [o["simpleText"]["text"] for o in response["template"]["outputs"] if "simpleText" in o]
                conversation_id = conversation_id or storage.conversation_id(channel="kakao", user_key=user)
                assert storage.queued_messages(conversation_id=conversation_id) == [], (script, what)
                continue
            if conversation_id is None:
                continue  # staff act on chats that exist
            if what == "claim":
                handoffs.claim_sync(conversation_id, "민지")
            elif what == "reply":
                text = f"직원 답장 {len(written) + 1}번이에요."
                handoffs.staff_reply_sync(conversation_id, "민지", text)
                written.append(text)
            elif what in ("resolve", "return"):
                handoffs.release_sync(conversation_id, "민지")
            else:
                handoffs.release_sync(conversation_id, note=IDLE_TEXT)
        last = await _turn(inbox, user, "네")  # the customer writes once more: everything owed goes out now
        heard += [o["simpleText"]["text"] for o in last["template"]["outputs"] if "simpleText" in o]
        said = "\n".join(heard)
        positions = [said.find(f"직원: {t}") for t in written]
        assert all(p >= 0 for p in positions), (script, written, said)
        assert positions == sorted(positions), (script, said)
        assert all(said.count(f"직원: {t}") == 1 for t in written), (script, said)
        assert RETURN_TEXT not in said or said.count(RETURN_TEXT) <= script.count(("staff", "resolve")) + script.count(("staff", "return"))

    asyncio.run(play())


def test_a_handoff_while_closed_says_when_staff_will_read_it(world: tuple[Inbox, Handoffs, Storage]) -> None:
    """07:20 on a Saturday the shop opens at 11:00: no "a person will answer shortly"."""
    inbox, _, _ = world
    early = datetime(2026, 11, 28, 7, 20, tzinfo=ZoneInfo("Asia/Seoul"))

    async def ask(when: datetime, user: str) -> str:
        ticket = await inbox.open(Turn("직원 연결해 주세요", user, "kakao", {}, when), None)
        reply = await inbox.settle(ticket, await inbox.answer(ticket))
        await inbox.record(ticket, reply, None)
        assert reply.escalate
        return reply.text

    closed = asyncio.run(ask(early, f"early-{uuid.uuid4().hex[:6]}"))
    assert "지금은 영업시간이 아니라서 직원이 오늘 11월 28일(토) 오전 11시에 가게 문을 열면 바로 확인할게요." in closed
    assert "영업시간이 아니라서" not in asyncio.run(ask(NOW, f"open-{uuid.uuid4().hex[:6]}"))


def test_photos_and_stickers_never_count_as_misses(world: tuple[Inbox, Handoffs, Storage]) -> None:
    """The handoff side does not depend on the media skill: a turn that carries a photo or a
    sticker is not a failed answer, even when the reply is "I don't know"."""
    inbox, _, storage = world
    user = f"photos-{uuid.uuid4().hex[:6]}"

    async def send(params: dict) -> bool:  # type: ignore[type-arg]
        ticket = await inbox.open(Turn("", user, "kakao", params, NOW), None)
        from bot.messages import Reply

        reply = await inbox.settle(ticket, Reply("unknown", ["제가 확인해 드리기 어려워요."]))
        await inbox.record(ticket, reply, None)
        return reply.escalate

    assert not any(asyncio.run(send(p)) for p in ({"image_url": "https://example.com/a.jpg"}, {"sticker": True}) * 3)
    conversation_id = storage.conversation_id(channel="kakao", user_key=user)
    assert storage.queued_messages(conversation_id=conversation_id) == []
