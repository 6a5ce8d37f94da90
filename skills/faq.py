"""The owner's FAQ answer, as written: best entry only, or a short question when two are close."""

from __future__ import annotations

from bot.messages import QuickReply, Reply, Source, Turn
from skills.base import STAFF_QR, Context


class FaqSkill:
    name = "faq"
    description = "사장님이 적어 둔 자주 묻는 질문 중 가장 알맞은 답을 그대로 보여 줘요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        best = ctx.best_faq()
        if best is None:
            return None
        faqs = {f.id: f for f in ctx.knowledge.faqs}
        hits = ctx.faq_hits
        close = [h for h in hits[1:3] if best.confidence - h.confidence <= ctx.retrieval.clarify_margin and h.confidence >= ctx.retrieval.min_confidence]
        if close:
            options = [best, *close]
            text = "어떤 내용이 궁금하신지 골라 주시겠어요?\n" + "\n".join(f"• {h.id}" for h in options)
            quick = [QuickReply(_label(h.id), h.id) for h in options] + [STAFF_QR]
            return Reply("faq", [text], [Source("faq", h.id) for h in options], quick_replies=quick)
        return Reply("faq", [faqs[best.id].answer], [Source("faq", best.id)])


def _label(question: str) -> str:
    """Quick-reply labels are short on every channel; the full question is what gets sent."""
    return question if len(question) <= 14 else question[:13] + "…"
