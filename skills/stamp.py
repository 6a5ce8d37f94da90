"""The stamp card in the chat: "도장 4821" with the code shown at the counter today earns a stamp;
"도장 몇 개예요?" counts them. Only when the owner has set up the card (the ledger says so)."""

from __future__ import annotations

from bot.josa import josa
from bot.ledger.card import Stamped
from bot.ledger.stamps import asked
from bot.messages import QuickReply, Reply, Source, Turn
from skills.base import Context

# The ask contract's intents are fixed (spec/ask-contract.md): the stamp card is the shop's own service, so
# its answers are store_info with the source ("store", "stamps").
SOURCE = [Source("store", "stamps")]
HOW = "계산대에 있는 오늘의 네 자리 코드와 함께 '도장 1234'처럼 보내 주시면 도장을 찍어 드려요."


def card_line(s: Stamped) -> str:
    if s.full:
        return f"도장 {s.needed}개를 다 모았어요! 계산대에서 이 화면을 보여 주시면 {josa(s.reward, '을')} 드려요."
    return f"지금 도장이 {s.count}개예요. {s.needed - s.count}개 더 모으면 {josa(s.reward, '을')} 드려요."


class StampSkill:
    name = "stamp"
    description = "매장 계산대의 오늘 코드로 도장을 찍어 주고, 모은 도장 개수를 알려 줘요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if ctx.ledger is None:
            return None
        kind, code = asked(turn.text)
        if not kind:
            return None
        if kind == "count":
            got = await ctx.ledger.stamps(turn.channel, turn.user_key)
            return None if got.outcome == "off" else Reply("store_info", [card_line(got)], SOURCE)
        if code is None:
            rules = await ctx.ledger.card_rules()
            return Reply("store_info", [HOW], SOURCE) if rules.enabled else None
        got = await ctx.ledger.stamp(turn.channel, turn.user_key, code, ctx.now)
        if got.outcome == "off":
            return None
        if got.outcome == "wrong":
            return Reply("store_info", ["오늘의 도장 코드가 아니에요. " + HOW], SOURCE, quick_replies=[QuickReply("도장 몇 개예요?", "도장 몇 개예요?")])
        if got.outcome == "already":
            return Reply("store_info", [f"오늘 도장은 이미 찍었어요. {card_line(got)} 내일 또 들러 주세요!"], SOURCE)
        return Reply("store_info", [f"도장 하나 찍었어요! {card_line(got)}"], SOURCE, moment="stamped")
