"""Turns that are not a written question: a photo, a sticker or emoticon, a link, a shared product.

None of these is a question the bot failed, so none is ever answered "I don't know" (which
counts towards handing the chat to staff). Kakao sends a photo as `params.media` and sometimes
only as its CDN link in the utterance; TalkTalk as `imageContent`, a sticker as an empty text
with `inputType: sticker`, a Smart Store product with its name.
"""

from __future__ import annotations

import re

from bot.kb.text import clean
from bot.messages import Reply, Turn
from skills.base import HOURS_QR, MENU_QR, RECOMMEND_QR, STAFF_QR, Context

PHOTO_TEXT = "사진은 아직 확인하지 못해요. 궁금한 점을 글로 적어 주시겠어요?"
LINK_TEXT = "보내 주신 링크는 제가 열어 볼 수 없어요. 궁금한 점을 글로 적어 주시겠어요?"
STICKER_TEXT = "무엇을 도와드릴까요? 메뉴, 영업시간, 예약 등 편하게 물어봐 주세요."
URL = re.compile(r"^\s*<?(https?://\S+?)>?\s*$", re.I)
IMAGE_URL = re.compile(r"\.(jpe?g|png|gif|webp|heic|bmp)(\?\S*)?$|kakaocdn\.net|pstatic\.net|/dn/", re.I)
# Kakao and TalkTalk put a word in place of an emoticon or sticker on some clients.
EMOTICON_WORD = re.compile(r"^\s*[(\[]?(이모티콘|스티커|사진|동영상|emoticon|sticker|photo)[)\]]?\s*(을|를)?\s*(보냈습니다|보냈어요)?\.?\s*$", re.I)


class MediaSkill:
    name = "media"
    description = "사진, 스티커·이모티콘, 링크처럼 글이 아닌 메시지에 짧게 답하고 글로 물어봐 달라고 해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        text = turn.text.strip()
        url = URL.match(text)
        if turn.params.get("image_url") and not clean(text) or url and IMAGE_URL.search(url[1]):
            return Reply("smalltalk", [PHOTO_TEXT], quick_replies=[MENU_QR, HOURS_QR, STAFF_QR])
        if url:
            return Reply("smalltalk", [LINK_TEXT], quick_replies=[MENU_QR, HOURS_QR, STAFF_QR])
        if turn.params.get("sticker") and not clean(text) or text and (not clean(text) or EMOTICON_WORD.match(text)):
            return Reply("smalltalk", [STICKER_TEXT], quick_replies=[MENU_QR, RECOMMEND_QR, HOURS_QR])
        product = turn.params.get("product")
        if isinstance(product, str) and product and not [m for m in ctx.kb.menu.find(product) if m.score >= 0.5]:
            answer = (f"보내 주신 상품({product[:40]})은 제가 메뉴에서 찾지 못했어요. "
                      "궁금한 점을 글로 적어 주시면 자세히 안내해 드릴게요.")
            return Reply("smalltalk", [answer], quick_replies=[MENU_QR, STAFF_QR])
        return None
