"""Greetings, thanks, goodbyes and compliments: a short warm answer, never a guess at a question."""

from __future__ import annotations

import re

from bot.josa import josa
from bot.kb.records import Store
from bot.kb.text import compact
from bot.messages import Reply, Turn
from skills.base import BOOK_QR, HOURS_QR, MENU_QR, RECOMMEND_QR, Context

GREETING = re.compile(r"^((사장|이모|삼촌|언니|오빠|아저씨|아주머니)님?\s*)?(안녕|안뇽|하이|ㅎㅇ|hi|hello|헬로|반가워|반갑습니다|여보세요|저기요|계세요|오랜만|오래간만|"
                      r"xin\s*chào|こんにちは|こんばんは|你好|您好)")
# Seasonal good wishes to the shop: thanked and returned, never a question.
WISH = re.compile(r"(잘|즐겁게|행복하게|따뜻하게)\s*보내세요|화이팅|파이팅|힘내세요|즐거운\s*(추석|명절|성탄|크리스마스|연휴|주말)|메리\s*크리스마스|새해\s*복|해피\s*뉴\s*이어|건강하세요|번창하세요")
THANKS = re.compile(r"감사|고마|고맙|땡큐|thank|\bthx\b|\bty\b|ㄱㅅ|ㄳ|ありがと|谢谢|謝謝|多谢|cảm\s*ơn|gracias|merci")
BYE = re.compile(r"안녕히|수고하|수고\s*많|좋은\s*(하루|밤|저녁|주말|시간)|이따\s*(뵐|봬|봐요)|또\s*(올게|갈게|봬|뵐)|다음에\s*(또|뵐|봬)|잘\s*있어|바이|bye|들어가세요")
ACK = re.compile(r"^(넵|네+|넹|예|응|ㅇㅋ|오케이|ok|okay|알겠|알았|확인했|그렇군요|아하)")
COMPLIMENT = re.compile(r"맛있었|맛있게\s*(잘\s*)?먹|잘\s*먹었|잘\s*먹고\s*(왔|가|갑)|최고|좋았어요|친절하|분위기\s*좋|또\s*갈게|짱|번창|대박\s*나세요|부자\s*되세요|응원")


class SmalltalkSkill:
    name = "smalltalk"
    description = "인사, 감사, 작별 인사, 칭찬에 짧고 따뜻하게 답해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        raw = compact(turn.text.lower())
        text = ctx.text
        if ctx.is_question and not re.fullmatch(r"(안녕|안뇽)[가-힣]{0,4}[~!?.]*", raw):
            return None
        store = ctx.knowledge.store
        if ctx.names_booking_details and len(re.sub(r"[^가-힣A-Za-z0-9]", "", text)) > 25:
            return None  # "…목요일 7시에 세 명 예약 부탁해요 … 감사합니다!": the request, not the thanks
        if WISH.search(text):
            answer = "감사합니다! 손님도 즐겁고 건강하게 보내세요 😊"
        elif BYE.search(text) or BYE.search(raw):
            answer = "감사합니다! 좋은 하루 보내세요. 또 찾아 주세요 😊"
        elif THANKS.search(text) or THANKS.search(raw):
            answer = "천만에요! 더 궁금한 점이 있으면 언제든 물어봐 주세요 😊"
        elif COMPLIMENT.search(text):
            answer = "맛있게 드셨다니 정말 기뻐요! 감사합니다. 또 들러 주세요 😊"
        elif GREETING.search(text) or GREETING.search(raw):
            rest = re.sub(r"^\S+\s*", "", turn.text.strip())
            if len(re.sub(r"[^가-힣A-Za-z0-9]", "", rest)) > 12:
                return None  # "안녕하세요, 3월 2일 …에 다섯 명 예약할게요": the rest of the message is what it asks
            answer = greeting(store)
        elif ACK.search(raw) and len(ctx.query.tokens) <= 1:
            answer = "네, 더 도와드릴 일이 있으면 말씀해 주세요!"
        else:
            return None
        return Reply("smalltalk", [answer], quick_replies=[MENU_QR, RECOMMEND_QR, HOURS_QR, BOOK_QR])


def greeting(store: Store) -> str:
    """The owner's greeting (or a plain one) with an invitation to ask, said once."""
    text = store.greeting or f"안녕하세요, {josa(store.name, '이에요')}!"
    if "물어" not in text:  # the owner's greeting may already invite questions
        text += " 메뉴, 영업시간, 예약 등 궁금한 걸 편하게 물어봐 주세요."
    return text
