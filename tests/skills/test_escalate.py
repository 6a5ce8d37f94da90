"""The escalate skill: requests for a person and complaints."""

from __future__ import annotations

import pytest

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


@pytest.mark.parametrize("message", ["사장님 바꿔주세요", "챗봇 말고 사람이랑 얘기할래요", "사장님 지금 계세요?", "직원분 있나요", "찌개에서 머리카락 나왔어요;;", "카드 결제가 두번 됐어요 취소해주세요", "환불 안 해주시면 신고할 거예요"])
def test_escalate_hands_over_requests_and_complaints(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate and "직원" in reply.text

def test_refund_policy_question_is_not_an_escalation(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    root = make_knowledge(faqs={"a.md": "## 주문 취소나 환불이 되나요?\n만들기 전에는 취소돼요.\n"})
    kb = KnowledgeBase(root, tmp_path / "i", RetrievalSettings())
    kb.reload()
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("환불 규정이 어떻게 되나요")))
    assert reply.intent == "faq" and not reply.escalate

def test_an_allergy_question_the_files_cannot_answer_goes_to_staff(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(make_knowledge(), tmp_path / "i", RetrievalSettings())  # no FAQ about allergies
    kb.reload()
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("우유 알레르기가 심한데 여기 음식 먹어도 안전할까요?")))
    assert reply.intent == "escalate" and reply.escalate and "알레르기는 정확하게 확인해야 해서" in reply.text

@pytest.mark.parametrize("message", ["shrimp allergy - can I still get the tempura roll?", "I'm allergic to nuts, can I also order the honey toast?"])
def test_an_english_allergy_question_about_an_unfound_item_is_not_the_general_note(tmp_path, message: str) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 안내\n\n## 알레르기 있으면 어떻게 해요?\n다른 표현: I have an allergy\n"
           "주문하실 때 꼭 먼저 말씀해 주세요! 같은 튀김기를 써서 섞일 수 있어요.\n")
    reply = asyncio.run(ask_in(write_store(tmp_path, faqs={"안내.md": faq}), message))
    assert reply.intent == "escalate" and reply.escalate, (reply.intent, reply.text)


@pytest.mark.parametrize(
    "message",
    ["주문한 지 두 시간인데 아직도 안 왔어요", "제육 시켰는데 불고기가 왔네요", "국물이 다 새서 왔어요 어떻게 해 주실 거예요?",
     "이게 말이 됩니까 음식이 다 식어서 도착했어요", "포장 주문했는데 50분 넘게 안 나와요", "2시간째 안 와요 장난치세요?",
     "맡긴 깨 반이나 빼돌리신 거 아니에요?", "어제 계좌로 예약금 보냈는데 들어갔는지 확인 좀 해 주세요"],
)
def test_complaints_about_an_order_go_to_staff(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate


@pytest.mark.parametrize("message", ["배달 오는 데 몇 시간 걸려요?", "예약금은 어느 계좌로 보내요?", "사기 그릇에 담아 주세요", "아이 장난감 가져가도 돼요?",
                                     "매운 거 못 먹는 사람도 시킬 만한 거 있어요?"])
def test_questions_near_a_complaint_or_a_person_are_not_handed_over(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    assert ask(message).intent != "escalate"


@pytest.mark.parametrize("message", [
    "방금 결제했는데 영수증 보니 만 원이 더 찍혔어요",  # a bill that came out wrong
    "잔돈을 천 원 덜 주신 거 같아요",
    "배달 온 봉투에 군만두가 빠졌어요",  # missing from the order
    "The bill overcharged us for two bottles of soju",
    "Could you put me through to a staff member?",  # a person, asked in English
    "店員さんと話せますか",
])
def test_trouble_with_a_visit_or_a_person_asked_in_another_language_goes_to_staff(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate, (reply.intent, reply.text)


def test_something_left_behind_is_the_owners_faq_when_one_answers_it(ask) -> None:  # type: ignore[no-untyped-def]
    # The demo shop's FAQ says how it keeps what guests forget; without such an FAQ, staff would look.
    reply = ask("안경을 놓고 나왔는데 혹시 보셨어요")
    assert reply.intent == "faq" and not reply.escalate, (reply.intent, reply.text)


def answer_with(make_knowledge, tmp_path, faq: str, text: str):  # type: ignore[no-untyped-def]
    """One message answered by a shop whose only FAQ file is `faq`."""
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(make_knowledge(faqs={"a.md": faq}), tmp_path / "i", RetrievalSettings())
    kb.reload()
    return asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn(text)))


def test_something_left_behind_goes_to_staff_without_an_faq(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reply = answer_with(make_knowledge, tmp_path, "## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n", "안경을 놓고 나왔는데 혹시 보셨어요")
    assert reply.intent == "escalate" and reply.escalate, (reply.intent, reply.texts)


def test_an_faq_that_only_shares_a_word_with_a_lost_item_does_not_keep_it_from_staff(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reply = answer_with(make_knowledge, tmp_path, "## 짐을 가게에 두고 나가도 돼요?\n식사하시는 동안만 맡아 드려요. 나가실 때 꼭 챙겨 주세요.\n",
                        "짐을 가게에 두고 나왔어요")
    assert reply.intent == "escalate" and reply.escalate, (reply.intent, reply.texts)


def test_a_question_of_calories_no_entry_speaks_of_is_not_answered_by_one_sharing_the_dish(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reply = answer_with(make_knowledge, tmp_path, "## 우동 한 그릇 양은 어느 정도인가요?\n면 250g에 어묵 두 장이 올라가요.\n",
                        "우동 한 그릇 열량은 어느 정도인가요?")
    assert reply.intent != "faq", (reply.intent, reply.texts)


@pytest.mark.parametrize("message", [
    "스테이크 굽기를 덜 익혀 주시는 것도 되나요",  # a wish for rare, not an undercooked plate
    "참깨 소스가 고소한 편이에요?",  # nutty, not a lawsuit
    "수육에서 돼지 냄새 나요? 그런 거 예민해서요",  # a smell asked about before ordering
])
def test_a_question_about_taste_or_cooking_is_not_a_complaint(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    assert not ask(message).escalate


@pytest.mark.parametrize("message", ["받은 족발에서 쉰 냄새가 나서 다 버렸어요", "돈가스 속이 덜 익은 채로 나왔어요", "계속 이러시면 고소하겠습니다"])
def test_a_complaint_about_what_happened_still_goes_to_staff(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate, (reply.intent, reply.text)


def test_a_grievance_that_shares_an_faqs_words_goes_to_staff_not_to_the_policy(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No hand-written pattern knows this grievance; the trained reader (bot/understand/complaints.py)
    hands it over rather than letting the parking FAQ answer the words it shares."""
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings
    from skills.escalate import COMPLAINT, REQUEST, TROUBLE

    root = make_knowledge(faqs={"a.md": "## 주차 되나요?\n건물 뒤 주차장에 세우시면 돼요. 두 시간 무료예요.\n"})
    kb = KnowledgeBase(root, tmp_path / "i", RetrievalSettings())
    kb.reload()
    text = "주차장에서 발레 맡긴 차 범퍼가 찌그러져 돌아왔어요 연락 기다릴게요"
    assert not any(p.search(text) for p in (COMPLAINT, REQUEST, TROUBLE))
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn(text)))
    assert reply.intent == "escalate" and reply.escalate and reply.handoff == "complaint", (reply.intent, reply.texts)
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("차 가지고 가면 어디 세워요?")))
    assert reply.intent == "faq" and not reply.escalate


@pytest.mark.parametrize("message", ["사람이랑 전화로 얘기하고 싶은데요", "사장님이랑 직접 얘기하고 싶습니다"])  # the trained reader is sure of both
def test_a_plain_request_for_a_person_is_answered_as_a_request_not_an_apology(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.escalate and reply.handoff == "request" and not reply.text.startswith("불편을"), (reply.handoff, reply.text)


@pytest.mark.parametrize("message", [
    "점심에 먹은 전 때문인지 딸 얼굴에 발진이 올라왔어요 어쩌죠",
    "생선구이 먹다가 뼈가 목에 걸렸는데 안 빠져요",
    "We ate there an hour ago and my wife has hives now, what do we do?",
])
def test_a_reaction_or_injury_that_happened_goes_to_staff_at_once(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate, (message, reply.intent, reply.texts)


@pytest.mark.parametrize("message", ["메밀 먹으면 발진이 올라오는데 뭐 먹으면 돼요?",
                                     "어릴 때 땅콩 먹고 응급실 간 적이 있어서요, 땅콩 빠진 메뉴 있어요?"])
def test_an_allergy_told_as_a_condition_or_history_is_a_question(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    assert ask(message).intent != "escalate", message
