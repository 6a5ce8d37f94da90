"""What every skill gets and returns: a `Turn`, a `Context`, a `Reply` (or None to pass).

Skills never see HTTP or a channel. The context analyses the message once (retrieval,
menu mentions) and every skill reads the same analysis, so routing costs one pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from bot.bookings import Bookings
from bot.kb import gate
from bot.kb.base import Snapshot
from bot.kb.index import Hit, Query
from bot.kb.menu_match import Mention
from bot.kb.records import Knowledge
from bot.kb.text import clean, compact
from bot.messages import QuickReply, Reply, Turn
from bot.settings import RetrievalSettings
from bot.understand import allergens
from bot.understand.concepts import SERVICE_CONCEPTS

# Interrogative endings and question words; a bare 있어요 is not one (맛있어요 is a compliment).
QUESTION = re.compile(
    r"\?|나요|까요|니까|는지|을지|ㄹ지|뭐|얼마|어디|언제|몇|어떻|어때|(?<![가-힣])있어요|있나|없나|되나|되죠|하나요|인가|알려|궁금|가능|할래|주세요|줘"
)
# Questions a menu row cannot answer whatever item they name: when, how many days, how long, how to
# keep or cook or get it.
NOT_RECORD_ASK = re.compile(
    r"언제|며칠|몇\s*(시|일|분|시간)|얼마나\s*(걸|기다|오래|둬|두|보관|가|갈)|"
    r"어떻게\s*(보관|먹|드|데우|데워|해동|끓|주문|예약|찾|받|보내|가져|맡기|해야|하면|하나요|해요)|어디서|어디로"
)


# A heading's head count: "13명~60명", "10~20인", "15명 이상", "13명 넘는", "7명부터".
GROUP_RANGE = re.compile(r"(\d{1,3})\s*(?:명|인)?\s*(?:~|-|∼|에서)\s*(\d{1,3})\s*(?:명|인)|(\d{1,3})\s*(?:명|인)\s*(이상|넘|부터|초과|\+)")


def group_ranges(question: str) -> list[tuple[int, int]]:
    """The ranges of people an FAQ question names, as (lowest, highest)."""
    out = []
    for m in GROUP_RANGE.finditer(question):
        if m[1]:
            out.append((int(m[1]), int(m[2])))
        else:
            out.append((int(m[3]) + (1 if m[4] in ("넘", "초과") else 0), 10_000))
    return out


@dataclass
class Context:
    """One turn's view of the world: knowledge snapshot, store-local clock, conversation memory."""

    turn: Turn
    kb: Snapshot
    now: datetime
    retrieval: RetrievalSettings
    state: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None  # the skill that asked the customer something last turn
    bookings: Bookings | None = None  # reservation storage; None where bookings cannot be kept
    ledger: Any = None  # the customer ledger (stamps, a known customer's history); None in the terminal and tests
    outreach: Any = None  # bot/outreach/service.py: marketing consent asked in the chat; None in the terminal and tests

    @property
    def knowledge(self) -> Knowledge:
        return self.kb.knowledge

    @cached_property
    def text(self) -> str:
        """The message cleaned of emoji, laughter and chat spellings."""
        return clean(self.turn.text)

    @cached_property
    def asks_to_choose(self) -> bool:
        """The trained reader's yes to "choose for me from your menu" (bot/understand/asks.py): the
        requests a hand-written pattern misses ("젤 화끈한 메뉴가 뭐죠", "삼만원 넘지 않게 둘이 먹을 거")."""
        from bot.understand import asks

        return asks.asks_to_choose(self.query.clean, self.query.morphemes) >= asks.threshold()

    @cached_property
    def needs_staff(self) -> bool:
        """The trained reader's yes to "this needs a person" (bot/understand/complaints.py): the
        grievances a hand-written pattern misses (a car damaged in the lot, a child hurt, quiet disappointment)."""
        from bot.understand import complaints

        return complaints.needs_staff(self.query.clean, self.query.morphemes) >= complaints.threshold()

    @cached_property
    def asks_beyond_row(self) -> float | None:
        """The trained reader's probability that the message, the items it names taken out, asks
        beyond those items' menu rows (bot/understand/item_asks.py); None without the model."""
        from bot.understand import item_asks

        q = self.query_without_items
        return item_asks.beyond_row(q.clean, q.morphemes)

    @cached_property
    def names_booking_details(self) -> bool:
        """Whether the message names a day, a time, a party or a time from now; read once for every skill."""
        from skills.booking_words import has_details  # the booking words build on this module

        return has_details(self.text, self.now)

    @cached_property
    def group_faq(self) -> str | None:
        """The owner's entry for parties of the size the message names ("단체 손님 (13명~60명)" for
        "서른두 명이 한자리에 모일 수 있나요?"), when exactly one heading's range holds it: a number said
        against a number written is surer evidence than any shared word."""
        from bot.korean_time import parse_party  # the clock and count readers build on nothing here

        party = parse_party(self.text)
        if party is None or party < 5:
            return None
        found = {f.id for f in self.knowledge.faqs for q in (f.id, *f.aliases) for lo, hi in group_ranges(q) if lo <= party <= hi}
        return found.pop() if len(found) == 1 else None

    @cached_property
    def booking_shaped(self) -> bool:
        """A booking asked for without the word 예약 (skills.booking_words.looks_like_booking); read once."""
        from skills.booking_words import looks_like_booking

        return looks_like_booking(self)

    @cached_property
    def allergies(self) -> list[str]:
        """The allergies the message names (bot.understand.allergens), read once for every skill."""
        # With the owner's own allergens (옻 of a 옻오리탕), answered from the column like any other.
        return allergens.read(self.turn.text) + allergens.read_declared(self.turn.text, self.knowledge.allergen_words)

    @cached_property
    def allergies_asked(self) -> list[str]:
        """The allergies the message names outside the items it names: 새우젓 names 새우 only as a dish."""
        from skills.menu import ALLERGY_CUE  # the menu skill's words for an allergy; it builds on this module

        rest = self.text
        # Without any word of allergy, a name said in part is a dish too (간고등어 of 간고등어 한손(포장)
        # asks its price, not about 고등어), unless what was said is an allergen's own word. Where
        # allergy is spoken of, every allergen word stays read: more warnings, never fewer.
        partial_too = not ALLERGY_CUE.search(rest)
        for m in (m for m in self.mentions if m.score >= 1.0 or partial_too and m.score >= 0.5 and allergens.canonical(m.span) is None):
            if re.search(re.escape(m.span) + r"\s*(?:에|에\s*대한)?\s*(?:알레르기|알러지)", rest):
                continue  # a flavour named after its allergen (피스타치오), said as the allergy itself
            for form in sorted({m.item.name, m.span}, key=len, reverse=True):
                rest = re.sub(r"\s?".join(re.escape(ch) for ch in form.replace(" ", "")), " ", rest)
        return allergens.read(rest) + allergens.read_declared(rest, self.knowledge.allergen_words)

    @cached_property
    def compact(self) -> str:
        return compact(self.text)

    @cached_property
    def query(self) -> Query:
        return self.kb.index.query(self.turn.text)

    @cached_property
    def faq_hits(self) -> list[Hit]:
        return self.kb.index.search(self.query, "faq", self.retrieval.max_candidates)

    @cached_property
    def mentions(self) -> list[Mention]:
        return self.kb.menu.find(self.turn.text)

    @cached_property
    def query_without_items(self) -> Query:
        """The message with the menu items it names taken out.

        "크림빵 갓 나오는 시간이 언제예요?" is about baking times, not about 크림빵: what remains after
        the item name decides whether a message is an FAQ about an item or a menu question.
        """
        if not self.mentions:
            return self.query
        rest = self.text  # with its spaces: the lexicon reads "한 팩 빼놔 줄래요" as a hold, not "한팩빼놔줄래요"
        lexicon = self.kb.index.lexicon
        for m in self.mentions:
            # The item as typed: its name, the matched words, and any nickname (김찌, 아아).
            for form in sorted({m.span, *lexicon.variants_of(m.item.name)}, key=len, reverse=True):
                rest = re.sub(r"\s*".join(map(re.escape, form)), " ", rest)
        return self.kb.index.query(rest)

    @cached_property
    def faq_hits_without_items(self) -> list[Hit]:
        if not self.mentions:
            return self.faq_hits
        return self.kb.index.search(self.query_without_items, "faq", self.retrieval.max_candidates)

    @cached_property
    def service_asked(self) -> bool:
        """The message names an item but asks about a service no menu row records (shipping it,
        keeping it, when it is ready, how to cook it): the FAQ's question, or a person's."""
        if not self.mentions:
            return False
        # A concept the item's own name carries (냉동 in "냉동 국밥 세트") is the item, not a service.
        lexicon = self.kb.index.lexicon  # the lexicon alone: no Kiwi pass over item names per message
        own = {w for m in self.mentions for phrase in lexicon.expand(clean(m.item.name)) for w in phrase.split()}
        if self.query_without_items.concepts & SERVICE_CONCEPTS - own:
            return True
        # "언제 받아 가요?" about an item whose row says "5월 1일부터 수령": the row answers it.
        dated = any(re.search(r"\d+\s*(시|일|월|분)|요일|부터|까지|오전|오후|아침|저녁", m.item.description) for m in self.mentions)
        return self.has(NOT_RECORD_ASK) and not dated

    def best_faq(self, hits: list[Hit] | None = None) -> Hit | None:
        """The top FAQ hit when it is confident enough to answer, by the hand-written gate
        (`plainly_answers`): what every skill asks before it answers in the FAQ's stead."""
        hits = self.faq_hits if hits is None else hits
        return plain_best(hits, self.query.concepts, self.retrieval.min_confidence)

    def learned_faq(self, hits: list[Hit], q: Query) -> Hit | None:
        """The top FAQ hit when the trained gate (bot/kb/gate.py) is sure it answers the message:
        the FAQ's last word on a message no skill took and the rules above refused, since the model
        learned from shops the bot never saw the wordings those rules were not written for."""
        p = gate.probability(hits, q)
        if p is None or p < gate.threshold():
            return None
        if not hits[0].matched and not FOREIGN_WORD.search(self.text) and p < LINKS_ONLY:
            # A Korean message sharing no word with the entry, said only through learned links
            # ("오래" for an entry about 쉬는 시간), needs a surer model: on the labelled stores every
            # such answer was another question's (0 of 4, at 0.68-0.88). English is read through
            # Korean glosses, which rarely land on the owner's own words, and there link-only
            # answers were mostly right (8 of 13).
            return None
        return hits[0]

    @cached_property
    def is_question(self) -> bool:
        return bool(QUESTION.search(self.text))

    def has(self, pattern: str | re.Pattern[str]) -> bool:
        """Search the cleaned message; patterns allow optional spaces (`\\s*`) where chat drops them."""
        return bool(re.search(pattern, self.text))


# Words that frame a question (how much, when, where, how) rather than say what it is about.
FRAME_WORDS = frozenset({"얼마", "가격", "금액", "값", "비용", "몇", "언제", "어디", "어떻게", "뭐", "무엇", "무슨", "어떤", "방법"})


def plain_best(hits: list[Hit], concepts: frozenset[str], min_confidence: float) -> Hit | None:
    """The hand-written gate's answer: the top hit when its shared words carry it, else the hit
    ranked first on shared words alone (the order before learned links) when they carry that one."""
    if not hits:
        return None
    if plainly_answers(hits[0], concepts, min_confidence):
        return hits[0]
    plain = max(hits, key=lambda h: (round(h.plain_confidence, 3), h.fused))
    return plain if plain is not hits[0] and plainly_answers(plain, concepts, min_confidence) else None


def plainly_answers(top: Hit, concepts: frozenset[str], min_confidence: float) -> bool:
    """The hand-written FAQ gate, on the evidence of words the message and the entry share (not
    of learned links, which the gate's threshold and rules were never set for)."""
    coverage, head = top.plain_coverage, top.plain_head
    if top.plain_confidence < min_confidence:
        return False
    # A message that touches only an answer's words (연남동 in a parking answer), never the
    # question or its aliases, is about something else, unless the answer covers all of it.
    concepts_only = bool(top.matched) and set(top.matched) <= concepts
    if head == 0 and (coverage < 0.7 or sum(len(t) > 1 for t in top.matched) < 2) and not (concepts_only and coverage >= 0.6):
        return False  # a lexicon concept (현영 = 현금영수증) in the answer is evidence enough
    # Only the question's frame in common (얼마 in "감튀 얼마?" and the FAQ "배달팁 얼마예요?"): the entry
    # answers how much of something else, while what the message asks about goes unsaid.
    if top.matched and set(top.matched) <= FRAME_WORDS and any(t not in FRAME_WORDS and len(t) > 1 for t in top.unsaid):
        return False
    # One plain word in common (대구 in a question about the weather in 대구 and a 대구로페이 FAQ) is not
    # enough unless it explains most of the message; a lexicon concept (주차, 포장) is.
    return not (len(top.matched) == 1 and top.matched[0] not in concepts and coverage < 0.55)


class Skill(Protocol):
    """A name, a description (also its LLM tool description), and one async method.

    A skill may also set `slow = True` (it calls a model); a channel short of time then asks
    the engine for an answer without it.
    """

    name: str
    description: str

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        """A reply when this skill handles the turn, None to let the next skill try."""
        ...


FOREIGN_WORD = re.compile(r"[a-z]{3,}", re.I)  # a word of a message written (partly) in English
LINKS_ONLY = 0.9  # the trained gate's bar for a Korean message said to an entry through links alone
YES = re.compile(r"^\s*(네|넵|넹|예|응|웅|ㅇㅇ|ㅇㅋ|좋아요|좋아|그래요|그래|부탁|연결|ok|okay|yes)", re.I)
STAFF_QR = QuickReply("직원 연결", "직원 연결해 주세요")
MENU_QR = QuickReply("메뉴 보기", "메뉴 보여 주세요")
HOURS_QR = QuickReply("영업시간", "영업시간 알려 주세요")
BOOK_QR = QuickReply("예약하기", "예약하고 싶어요")
RECOMMEND_QR = QuickReply("메뉴 추천", "메뉴 추천해 주세요")


def in_order(skills: Sequence[Skill], awaiting: str | None) -> list[Skill]:
    """The skills in the order they are asked: the one waiting for this message first."""
    if awaiting is None:
        return list(skills)
    return [s for s in skills if s.name == awaiting] + [s for s in skills if s.name != awaiting]


async def first_reply(skills: Sequence[Skill], turn: Turn, ctx: Context, fast_only: bool = False) -> tuple[Reply, Skill] | None:
    """The first skill's answer, in that order (the engine's loop; the model's skill reuses it for the offline answer)."""
    for skill in in_order(skills, ctx.awaiting):
        if fast_only and getattr(skill, "slow", False):
            continue
        reply = await skill.respond(turn, ctx)
        if reply is not None:
            return reply, skill
    return None
