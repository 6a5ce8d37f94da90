"""The owner's FAQ answer, as written: best entry only, or a short question when two are close."""

from __future__ import annotations

import re

from bot.kb.text import clean
from bot.messages import QuickReply, Reply, Source, Turn
from bot.understand import allergens
from skills.base import STAFF_QR, Context
from skills.escalate import REQUEST as PERSON
from skills.menu import ALLERGY_CUE, NOT_ON_RECORD, allergy_unknown_reply
from skills.reservation import BOOKING, CANCEL
from skills.store_info import ELSEWHERE, LOCATORS

# (buying or ordering it is asking the same: "한 통 포장해 사 가도 괜찮죠?", "시켜도 돼요?")
EAT_SAFELY = re.compile(r"먹어도|마셔도|먹여도|먹을\s*수|마실\s*수|괜찮|안전|사\s*가도|시켜도|주문해도|올려도|넣어도|추가해도|\b(ok|okay|safe|fine|alright)\b|\bcan i (eat|have|order)\b", re.I)


# Words every group's question shares: an entry matching only these says nothing the party's size does not.
GROUP_WORDS = frozenset({"단체석", "단체", "명", "인", "분", "들어가", "앉", "자리", "좌석", "인원", "모임", "회식", "예약",
                         "받", "되", "가", "오", "하", "있", "수", "다", "한꺼번에", "같이"})


# Buying it asked by someone who said an allergy ("sesame allergy - can I get the gift box?"); without
# the allergy said, "can I buy tickets here" is no allergy question.
BUY_SAFELY = re.compile(r"\bcan i (buy|get|try|take)\b|\bis it (ok|okay|safe|fine)\b", re.I)


# Words read where an allergen stands that name none ("food allergies", "음식 알레르기").
NOT_AN_ALLERGEN = frozenset({"food", "foods", "음식", "식품", "재료", "메뉴", "something", "anything"})


class FaqSkill:
    name = "faq"
    description = "사장님이 적어 둔 자주 묻는 질문 중 가장 알맞은 답을 그대로 보여 줘요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        faqs = {f.id: f for f in ctx.knowledge.faqs}
        if ctx.awaiting == self.name:
            chosen = self._chosen(ctx, [o for o in ctx.state.get("options", []) if o in faqs])
            if chosen:
                return Reply("faq", [faqs[chosen].answer], [Source("faq", chosen)])
            if ctx.has(PERSON) or ctx.has(BOOKING) or ctx.has(CANCEL):
                return None  # a request of its own: the skills in their order take it
        best = ctx.best_faq()
        hits = ctx.faq_hits
        group = ctx.group_faq
        if group is not None and (best is None or best.id != group and set(best.matched) <= GROUP_WORDS) and any(h.id == group for h in hits):
            # The party said falls in the range this entry's question writes: that entry, over one that
            # shares only words of any group's question ("서른 명 다 들어가요?" and a rooms entry); one that
            # shares what is asked of the group (예약금, 층 전체 대관, 좌석 수) stays the answer.
            best = next(h for h in hits if h.id == group)
        if best is None and ctx.service_asked:
            # "호박설기 택배 돼요?": the item's name only dilutes the question the FAQ answers.
            hits = ctx.faq_hits_without_items
            best = ctx.best_faq(hits)
        if best is None and hits:
            best = ctx.learned_faq(hits, ctx.query_without_items if hits is not ctx.faq_hits else ctx.query)
        if best is None:
            return None
        unrecorded = NOT_ON_RECORD.search(ctx.text)
        if unrecorded and not NOT_ON_RECORD.search(f"{best.id} {faqs[best.id].answer}"):
            # "냉면 한 그릇 칼로리": an entry that shares the dish but says nothing of calories is not
            # the answer; the menu skill or the fallback says honestly that nothing written says it.
            return None
        elsewhere = ELSEWHERE.search(ctx.text)
        if elsewhere:
            # "맞은편 국숫집 문 언제 닫아요?": another business's question; an FAQ that does not speak of
            # that place (the shop's own lunch hours) is not its answer. The place is the customer's own
            # words for it, not a locator (근처), a lone syllable or a concept the lexicon read in ("2차" is no 주차).
            _, _, terms, concepts = ctx.kb.index.analyse(elsewhere[0])
            place = {t for t in set(terms) - set(concepts) - LOCATORS if len(t) > 1}  # not the 차 of "2차"
            if not place & set(best.matched):
                return None
        named = [m for m in ctx.mentions if allergens.canonical(m.span) not in ctx.allergies_asked]  # not an allergen's own word read as a dish
        if ctx.allergies_asked and not named and ctx.has(ALLERGY_CUE) and (ctx.has(EAT_SAFELY) or ctx.has(BUY_SAFELY)):
            # "Peanut allergy here, is the house special safe?" about something the bot could not find:
            # the owner's general allergy note is not that answer; staff are (shared/spec/allergens.md).
            return None
        unmentioned = [a for a in ctx.allergies if a not in NOT_AN_ALLERGEN and not allergens.mentioned(ctx.knowledge, a)]
        if unmentioned and ctx.has(ALLERGY_CUE):  # an allergy said as one: 대구 the city is no fish
            # "저 키위 알레르기가 있거든요": the files say nothing of 키위, so no entry of theirs (a note that 조개 and
            # 새우 are not in the grill) answers it; staff do (shared/spec/allergens.md).
            return allergy_unknown_reply(unmentioned, [])
        # Two entries the message says about equally well: asked, not guessed. One the ranker put below
        # `best` although its shared words weigh more by far is not close; the ranker decided.
        close = [h for h in hits[:3] if h is not best and abs(best.plain_confidence - h.plain_confidence) <= ctx.retrieval.clarify_margin
                 and h.plain_confidence >= ctx.retrieval.min_confidence]
        if close:
            options = [best, *close]
            text = "어떤 내용이 궁금하신지 골라 주시겠어요?\n" + "\n".join(f"• {h.id}" for h in options)
            quick = [QuickReply(_label(h.id), h.id) for h in options] + [STAFF_QR]
            return Reply("faq", [text], [Source("faq", h.id) for h in options], quick_replies=quick,
                         awaiting=self.name, state={"options": [h.id for h in options]})
        return Reply("faq", [faqs[best.id].answer], [Source("faq", best.id)])


    @staticmethod
    def _chosen(ctx: Context, options: list[str]) -> str | None:
        """The option the customer picked: its text (a quick reply), its number, or its best match."""
        text = ctx.text.strip()
        for option in options:
            if text == clean(option):
                return option
        m = re.fullmatch(r"(\d)\s*번?", text)
        if m and 1 <= int(m[1]) <= len(options):
            return options[int(m[1]) - 1]
        if ctx.has(PERSON) or ctx.has(BOOKING) or ctx.has(CANCEL):
            return None  # "예약 취소할게요" after "which of these?": a request of its own, not a pick
        best = ctx.best_faq()
        return best.id if best and best.id in options else None


def _label(question: str) -> str:
    """Quick-reply labels are short on every channel; the full question is what gets sent."""
    return question if len(question) <= 14 else question[:13] + "…"
