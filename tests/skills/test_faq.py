"""The faq skill on the demo store."""

from __future__ import annotations

from datetime import datetime

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


def test_faq_answer_is_the_owners_text(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("주차 되나여?")
    answer = next(f.answer for f in load_knowledge(DEMO).faqs if f.id == "주차할 수 있나요?")
    assert reply.intent == "faq" and reply.texts == [answer] and sources(reply) == ["주차할 수 있나요?"]

def test_close_faqs_get_a_clarifying_question(demo_kb: KnowledgeBase, ask) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    engine = Engine(demo_kb, RetrievalSettings(clarify_margin=1.0))  # every runner-up counts as close
    reply = asyncio.run(engine.respond(Turn("반찬 리필 돼요?", now=datetime(2026, 11, 24, 14))))
    assert reply.intent == "faq" and reply.texts[0].startswith("어떤 내용이 궁금하신지 골라 주시겠어요?")
    assert len(reply.quick_replies) >= 3 and all(len(q.label) <= 14 for q in reply.quick_replies)

def test_a_request_after_which_of_these_is_not_taken_as_a_pick(demo_kb) -> None:  # type: ignore[no-untyped-def]
    """After "어떤 내용이 궁금하신지 골라 주시겠어요?", a booking request is answered as one."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.engine import Engine, MemoryStates
    from bot.messages import Turn
    from bot.settings import RetrievalSettings
    from bot.state import ConversationState

    states = MemoryStates()
    now = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    turn = Turn("예약 취소할게요", "picker", "kakao", {}, now)
    asyncio.run(states.save(turn, ConversationState("faq", {"options": ["예약할 수 있나요?", "단체석이나 룸이 있나요?"],
                                                            "_at": now.isoformat()})))
    reply = asyncio.run(Engine(demo_kb, RetrievalSettings(), states=states).respond(turn))
    assert reply.intent == "reservation" and "예약 내역을 찾지 못했어요" in reply.text, reply.text
    pick = Turn("1번", "picker2", "kakao", {}, now)
    asyncio.run(states.save(pick, ConversationState("faq", {"options": ["예약할 수 있나요?", "단체석이나 룸이 있나요?"],
                                                            "_at": now.isoformat()})))
    assert asyncio.run(Engine(demo_kb, RetrievalSettings(), states=states).respond(pick)).sources[0].id == "예약할 수 있나요?"


def test_a_party_in_the_range_an_entry_writes_is_that_entrys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"서른 명" against "단체 (12명~40명)": the number decides over an entry sharing only a group's words
    and over the booking flow a head count would start; an entry on what is asked of the group stays."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    faqs = {"이용.md": "# 이용\n\n## 단체 (12명~40명)\n12명부터는 전화로 잡아 주세요. 2층을 통으로 써요.\n\n"
                       "## 방 있어요?\n4인 방 두 개가 있어요.\n\n## 주차 돼요?\n건물 뒤에 다섯 대요.\n"}
    folder = write_store(tmp_path, faqs=faqs)
    for text in ("회사 모임 서른 명인데 한 번에 다 들어가요?", "삼십 명 정도 한꺼번에 앉을 수 있나요", "친구들 15명이랑 가도 될까요"):
        reply = asyncio.run(ask_in(folder, text))
        assert reply.intent == "faq" and reply.sources[0].id == "단체 (12명~40명)", (text, reply.intent, reply.sources)
    small = asyncio.run(ask_in(folder, "네 명인데 방 있어요?"))
    assert small.sources and small.sources[0].id == "방 있어요?", small.sources
    parking = asyncio.run(ask_in(folder, "스무 명이 차 다섯 대로 가는데 주차 돼요?"))
    assert parking.sources and parking.sources[0].id == "주차 돼요?", parking.sources


def test_a_place_the_files_never_name_is_not_answered_with_the_shops_own_entry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"이순신테마파크는 몇 시까지" asks about another place: an entry that shares a word of its name (the
    town's festival) is not its answer; the same entry still answers the shop's own question, and a
    place the entry itself names stays its question."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 이용\n\n## 이순신축제 때도 영업해요?\n축제 기간에도 정상 영업해요. 손님이 많아서 조금 기다리실 수 있어요.\n\n"
           "## 주차 되나요?\n가게 뒤 솔밭 공영주차장에 대시면 2시간 무료 도장 찍어 드려요.\n")
    folder = write_store(tmp_path, faqs={"이용.md": faq})
    other = asyncio.run(ask_in(folder, "이순신테마파크는 몇 시까지 해요?"))
    assert other.intent != "faq", (other.intent, other.texts)
    own = asyncio.run(ask_in(folder, "이순신축제 기간에 가게 열어요?"))
    assert own.intent == "faq" and own.sources[0].id == "이순신축제 때도 영업해요?", (own.intent, own.texts)
    named = asyncio.run(ask_in(folder, "솔밭 공영주차장에 대도 돼요?"))
    assert named.intent == "faq" and named.sources[0].id == "주차 되나요?", (named.intent, named.texts)
