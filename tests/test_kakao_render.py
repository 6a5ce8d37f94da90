"""Rendering any Reply into a SkillResponse 2.0 that passes a validator written from the spec."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.kakao import callback_allowed, render, split_text
from bot.messages import Button, Card, QuickReply, Reply
from tests.support.kakao_validator import problems

words = st.text(alphabet="가나다라마바사아자차카타파하 김치찌개요.!?,\n0123456789abc", min_size=0, max_size=40)
long_text = st.lists(words, min_size=0, max_size=120).map(" ".join)
button = st.builds(Button, label=st.text(min_size=1, max_size=30), kind=st.sampled_from(["message", "link", "phone", "operator"]),
                   value=st.sampled_from(["https://example.com/a", "02-123-4567", "메뉴 알려 주세요"]))
card = st.builds(Card, title=st.text(min_size=1, max_size=80), description=st.text(max_size=500),
                 price=st.one_of(st.none(), st.integers(0, 10_000_000)), image=st.sampled_from(["", "https://example.com/x.jpg"]),
                 buttons=st.lists(button, max_size=5).map(tuple))
quick = st.builds(QuickReply, label=st.text(min_size=1, max_size=40), text=st.text(max_size=1200),
                  data=st.one_of(st.none(), st.just({"k": "v"})))
reply = st.builds(
    Reply,
    intent=st.sampled_from(["faq", "menu", "store_info", "recommend", "reservation", "escalate", "smalltalk", "unknown"]),
    texts=st.lists(long_text, max_size=6),
    cards=st.lists(card, max_size=15),
    quick_replies=st.lists(quick, max_size=15),
    escalate=st.booleans(),
    card_texts=st.one_of(st.none(), st.lists(long_text, max_size=3)),
)


@settings(max_examples=300, deadline=None)
@given(reply)
def test_any_reply_renders_within_kakao_limits(r: Reply) -> None:
    assert problems(render(r)) == []


@settings(max_examples=200, deadline=None)
@given(long_text)
def test_split_never_cuts_a_word(text: str) -> None:
    bubbles = split_text(text)
    assert all(0 < len(b) <= 1000 for b in bubbles)
    assert " ".join(bubbles).split() == text.split()


def test_long_answer_splits_at_sentences_into_at_most_three_bubbles() -> None:
    sentence = "소담식당의 찌개는 매일 아침 새로 끓여요. "
    r = render(Reply("faq", [sentence * 100]))  # about 2,400 characters
    outputs = r["template"]["outputs"]
    assert len(outputs) == 3 and all(len(o["simpleText"]["text"]) <= 1000 for o in outputs)
    assert all(o["simpleText"]["text"].endswith(("요.", "…")) for o in outputs)
    assert problems(r) == []


def test_labels_are_shortened_and_extra_kept() -> None:
    r = render(Reply("faq", ["답"], quick_replies=[QuickReply("아주아주 긴 빠른 답장 라벨이에요", "보낼 말", {"x": 1})]))
    q = r["template"]["quickReplies"][0]
    assert q == {"action": "message", "label": "아주아주 긴 빠른 답장…", "messageText": "보낼 말", "extra": {"x": 1}}


def test_card_types_follow_the_images() -> None:
    with_images = [Card("a", "b", 1000, "https://e.com/1.jpg"), Card("c", "d", 2000, "https://e.com/2.jpg")]
    assert render(Reply("menu", ["x"], cards=with_images))["template"]["outputs"][1]["carousel"]["type"] == "commerceCard"
    no_price = [Card("a", "b", None, "https://e.com/1.jpg")]
    assert "basicCard" in render(Reply("menu", ["x"], cards=no_price))["template"]["outputs"][1]
    mixed = [Card("a", "b", 1000, "https://e.com/1.jpg"), Card("c", "d", 2000)]
    assert render(Reply("menu", ["x"], cards=mixed))["template"]["outputs"][1]["carousel"]["type"] == "textCard"


def test_escalation_offers_the_operator_button() -> None:
    r = render(Reply("escalate", ["직원에게 연결해 드릴게요."], escalate=True))
    card = r["template"]["outputs"][-1]["textCard"]
    assert card["buttons"] == [{"action": "operator", "label": "상담직원 연결"}]


def test_callback_hosts() -> None:
    assert callback_allowed("https://bot-api.kakao.com/v1/bots/x/callback/t", False)
    for bad in ("http://bot-api.kakao.com/cb", "https://kakao.com.evil.net/cb", "https://evil.net/?kakao.com", "https://127.0.0.1/cb", "file:///etc/passwd"):
        assert not callback_allowed(bad, False), bad
    assert callback_allowed("http://127.0.0.1:9999/cb", True) and not callback_allowed("http://10.0.0.1/cb", True)
