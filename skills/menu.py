"""Questions about particular menu items: price, what it is, allergens, spiciness, whether it is sold."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.josa import josa
from bot.kb.index import Hit
from bot.kb.loader import MARKET_PRICE
from bot.kb.menu_match import (
    NAME_SIZE,
    SAID_SIZE,
    Kind,
    Mention,
    bundle_base,
    common_foods,
    sizes,
    word_sizes,
)
from bot.kb.records import MenuItem
from bot.kb.text import Lexicon, clean, compact
from bot.korean_time import parse_won
from bot.messages import Card, QuickReply, Reply, Source, Turn, won
from bot.understand import allergens, item_asks
from skills.base import MENU_QR, RECOMMEND_QR, STAFF_QR, Context

# 얼마 asks a price; 얼마나 asks how long, how many or how much of something ("보관 기간이 얼마나 돼요?",
# "얼마나 걸려요?") unless it is what one pays ("얼마나 해요?", "얼마나 내요?").
PRICE = re.compile(r"얼마(?!\s*나)|얼마\s*나\s*(해요|하나|하죠|할까|하는|내|드려|줘야|받)|가격|금액|몇\s*원|값|비싸|싸요")
SPICY = re.compile(r"맵|매워|매운|매콤|얼큰|맵기")
INGREDIENT = re.compile(r"들어가|들어있|들어 있|들었|성분|재료|알레르기|알러지|넣|함유|포함")
SOLD = re.compile(r"팔아|파나|파세|파시|파는|팝니|판매|있어요|있나요|있죠|있을까|있어\?|되나요|돼요|하나요|해요\?|나와요|나오나|먹을 수|주문\s*(되|가능)|아직")
LIST_MENU = re.compile(r"메뉴\s*(판|표)?\s*(좀\s*)?(보여|알려|뭐\s*있|뭐\s*팔|뭐\s*있어|종류|리스트|목록|전체|다\s*알려|사진)|뭐\s*팔아|뭐\s*파세|메뉴\s*뭐")
# Facts no menu file records: answered as unknown, never with the price that happens to match 얼마.
NOT_ON_RECORD = re.compile(r"칼로리|열량|kcal|영양\s*(성분|정보)|나트륨|당류|단백질")
# "먹어도 돼요?", "괜찮을까요?": whether it is safe for them, the question allergens.md guards.
SAFE_TO_EAT = re.compile(r"먹어도|마셔도|먹여도|줘도|먹을\s*수|마실\s*수|괜찮|안전|문제\s*(없|있)|될까|되나|돼요|되죠|위험|조심")
# "X에 새우 들어가요?": asking what an item holds (넣어도 is about storage or a request, not contents).
HOLDS = re.compile(r"들어가|들어있|들어 있|들었|성분|함유|포함|쓰나요|써요|사용")
# Words that make a question about an allergy: a question about keeping 새우젓 cold is about storage.
ALLERGY_CUE = re.compile(
    r"알레르기|알러지|알르레기|allerg|못\s*먹|민감|두드러기|체질|아토피|아나필락시스|반응|먹으면\s*안|먹으믄\s*안|"
    r"부어|붓|부었|가려|간지러|발진|숨\s*(이|쉬)|호흡|토하|토해|배탈|탈이?\s*나|입술|목이\s*(부|간|막)|프리|free|안\s*맞|소화가?\s*안"
)


FAMILY = 6  # at most this many items of one kind are each answered about an allergy; more go to staff


def allergy_question(ctx: Context) -> bool:
    """The message asks whether an item holds an allergen it names (outside the item's own name),
    or whether someone with it may eat the item."""
    return bool(ctx.allergies_asked) and (ctx.has(HOLDS) or ctx.has(SAFE_TO_EAT) or ctx.has(ALLERGY_CUE) or ctx.has(INGREDIENT)
                                          or _allergen_there(ctx))


def _allergen_there(ctx: Context) -> bool:
    """"X 계란 있나요?": an allergen's own word right before 있나요 asks whether the item holds it (the
    item's "있나요" alone asks whether it is sold)."""
    words = {w for a in ctx.allergies_asked for w in (a, *allergens.SPELLINGS.get(a, ())) if not w.isascii()}
    if not words:
        return False
    said = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return bool(re.search(rf"(?:{said})\s*(?:이|가|도|은|는)?\s*(?:있나|있어|있는지|있음|있죠|있을까|있습니까|있니|있능|있슈|있남)", ctx.text))
CHANGE_REQUEST = re.compile(r"(해|빼|바꿔|넣어|줄여|늘려|덜어|담아|데워|맵게|싱겁게|달게)\s*(도\s*)?(주실|주세요|줄\s*수|줘|주시|주나|줄래|주면|돼|되나|가능)|게\s*(도\s*)?해\s*(주|줄)|넣으면|빼면|추가하면|추가\s*(요금|금|비용|에요|예요|돼요|되나)|곱빼기|사리\s*(추가|넣)|변경|덜\s*(맵|달|짜)|더\s*(맵|달)|추가\s*(돼|되|가능|할\s*수)")
# Services asked of a dish ("간장치킨도 포장돼요?"): for one the shop does not sell, the takeout FAQ's
# "네" would say it does.
DISH_SERVICES = frozenset({"포장", "택배", "배달", "보관", "미리 주문", "선물 포장", "손질", "단체 주문"})
# Words that ask about an item's own facts (price, contents, taste, whether it is sold):
# the menu record answers these, whatever FAQ shares them.
PROPERTY_WORDS = frozenset(
    ["얼마", "가격", "금액", "값", "원", "성분", "재료", "알레르기", "들어가", "들어오", "들", "넣", "맛", "구성", "나오", "팔", "판매", "있", "되", "맵", "맵기", "달", "어떻", "메뉴", "하나", "한", "개", "잔", "조각", "지금", "아직", "주문", "먹", "마시", "크", "작", "양", "많", "종류", "안", "뭐", "오늘", "내일", "정말", "진짜", "들어있", "함유", "포함", "맞", "알러지", "어떻게", "혹시", "궁금", "그릇", "인분", "접시", "병", "컵", "판", "개", "잔", "조각", "땜", "때문"]
)
# Asking what there is of a kind: "찌개 종류 뭐 있어요?", "국수는 어떤 거 있어요?", "라떼 메뉴 알려 주세요".
# A bare 있어요 is not one: "찌개 포장 돼요?" and "라면 있어요?" ask about something else.
LIST_KIND = re.compile(
    r"뭐\s*뭐|뭐\s*(가\s*)?있|뭐\s*(팔|파)|무엇이\s*있|무슨\s*[가-힣]*\s*(있|팔|파)|어떤\s*[가-힣]*\s*(있|팔|파)|어떤\s*(거|게|것|메뉴|종류)|"
    r"종류\s*(가|는|도|좀)?\s*(뭐|뭣|무엇|어떻|어떤|몇|다|알려|보여|있|궁금|많)|몇\s*가지|(메뉴|목록|리스트|가격표?|메뉴판)\s*(좀\s*)?(다\s*)?(보여|알려|궁금)"
)
# What is left of "찌개 있어요?", "커피 알려 주세요" or "국수 가격 얼마예요?" once the kind is taken
# out: the message is the request.
BARE_KIND_ASK = re.compile(
    r"^(혹시|여기)?\s*((한|하나|두|세|네|다섯|열|\d+)\s*(개|마리|팩|판|봉|박스|줄|잔|그릇|꼬치)?\s*(에|씩|짜리|묶음)?\s*)?(가격표?|값|금액)?\s*(은|이|도)?\s*(좀|다|전부)?\s*(있어요|있나요|있어|있죠|있을까요|있으세요|있습니까|"
    r"팔아요|파나요|파세요|판매하나요|판매해요|얼마\S*|어떻게\s*(돼|되)\S*|(보여|알려)\s*(주세요|줘요|줘|주실래요|주실\s*수\s*있나요))\s*[?!.]*$"
)
# Wishes that pick some items of a kind (the spicy ones, the ones without milk): a recommendation,
# or an FAQ, not the kind's whole list.
PICKY = re.compile(r"비건|채식|카페인|달달|달콤|단\s*거|안\s*단|상큼|새콤|시원한|따뜻|따끈|담백|든든|가벼운|저렴|싼\s*거|인기|잘\s*나가|시그니처|대표|추천|신메뉴|새로|계절|한정|\d+\s*(원|천|만)|이하|미만|넘지")
# Tags by which owners mark what they are proud of: a recommendation with nothing else to go on
# leads with these. Each group counts once (인기 and 베스트 on one item are one mark).
FAME_TAGS = (
    re.compile(r"시그니(처|쳐)|대표|간판|signature", re.I),
    re.compile(r"인기|베스트|best|hit|히트|잘\s*나가|스테디", re.I),
    re.compile(r"추천|강추|pick", re.I),
)
# Items made for children (a "아이 메뉴" category, "어린이 돈가스"), unlike items merely tagged 아이
# as fine for children; 아이스 is iced.
FOR_CHILDREN = re.compile(r"(?<![가-힣])(아이(?!스)|어린이|키즈|유아|아기|애기|kids?|child)", re.I)


@lru_cache(maxsize=4096)
def fame(item: MenuItem) -> int:
    """How many kinds of pride (signature, popular, recommended) the owner's tags mark the item with."""
    return sum(any(p.search(t) for t in item.tags) for p in FAME_TAGS)


def for_children(item: MenuItem) -> bool:
    """The item is a children's dish by its category or name, not just suitable for children."""
    return bool(FOR_CHILDREN.search(item.category) or FOR_CHILDREN.search(item.name))


def price_label(item: MenuItem) -> str | None:
    """The price as the menu states it: "4,500원", "시가" for a market price, None when unstated."""
    if item.market_price:
        return "시가"
    return won(item.price) if item.price is not None else None


def priced(item: MenuItem, parens: bool = False) -> str:
    """"김치전 12,000원" (or "김치전(12,000원)"); the bare name when no price is written."""
    label = price_label(item)
    if label is None:
        return item.name
    return f"{item.name}({label})" if parens else f"{item.name} {label}"


def item_card(item: MenuItem) -> Card:
    desc = item.description if item.available else "지금은 판매하지 않아요."
    return Card(item.name, desc, item.price if item.available else None, item.image)


def allergy_answer(item: MenuItem, ctx: Context) -> str:
    """Whether `item` holds the allergens the customer named, as allergens.md allows it to be said.

    Never an affirmative opening when it does; never a guarantee when it does not, since the
    kitchen's cross-contact is for staff to confirm.
    """
    found = {a: allergens.contains(item, a) for a in ctx.allergies_asked}
    held = {a: ev for a, ev in found.items() if ev}
    if held:
        # The item's own name is no ingredient to list ("옻오리탕에는 옻오리탕이 들어가서").
        words = [w for w in dict.fromkeys(e.word for ev in held.values() for e in ev) if compact(w) != compact(item.name)] or list(held)
        named = ", ".join(allergens.label(a) for a in held)
        return (f"주의해 주세요. {item.name}에는 {josa(', '.join(words), '이')} 들어가서 "
                f"{named} 알레르기가 있으시면 드시지 않는 게 좋아요.")
    named = ", ".join(allergens.label(a) for a in found)
    return (f"메뉴 정보에는 {item.name}에 {named} 표시가 없어요. 다만 같은 주방에서 조리해서 "
            "교차 오염 여부는 주문 전에 직원에게 꼭 확인해 주세요.")


def unknown_allergies(ctx: Context, names: list[str] | None = None) -> list[str]:
    """Allergies the owner's files never mention: the bot cannot know which dish holds them."""
    return [a for a in (ctx.allergies if names is None else names) if not allergens.mentioned(ctx.knowledge, a)]


def allergy_unknown_reply(names: list[str], items: list[MenuItem]) -> Reply:
    """Hand an allergy the files say nothing about to staff, with why (allergens.md)."""
    what = ", ".join(names)
    text = (f"{josa(what, '은')} 메뉴 정보에 적혀 있지 않아서 어떤 메뉴에 들어가는지 제가 확인해 드리기 어려워요. "
            "정확하게 확인할 수 있도록 직원에게 연결해 드릴게요.")
    return Reply("escalate", [text], [Source("menu", i.name) for i in items], escalate=True, handoff="allergy")


def describe(item: MenuItem, ctx: Context) -> str:
    """One item's facts, leading with what the customer asked about; every fact from menu.csv."""
    name = item.name
    if not item.available:
        sold_out = f"죄송해요, {josa(name, '은')} 지금은 판매하지 않아요."
        return f"{sold_out} {allergy_answer(item, ctx)}" if allergy_question(ctx) else sold_out
    price = won(item.price) if item.price is not None else None
    if item.market_price:
        phone = ctx.knowledge.store.phone
        market = "시가로 받아요. 그날 들어온 물건에 따라 값이 달라서" + (f" 매장 전화({phone})로 확인해 주세요." if phone else " 매장에 확인해 주세요.")
    lead = ""
    held = any(allergens.contains(item, a) for a in ctx.allergies_asked)
    if allergy_question(ctx) or held:
        # Any allergen the customer named that the item holds: never a "네" about this item.
        # The allergy answer and the allergen column only: a description's "젓갈 안 들어가요" would
        # read as a promise the kitchen has not made.
        column = f" 메뉴판의 알레르기 표시는 {josa(', '.join(item.allergens), '이에요')}." if item.allergens else ""
        return allergy_answer(item, ctx) + column
    elif ctx.has(SPICY):
        level = ["맵지 않아요", "살짝 매콤해요", "꽤 매운 편이에요", "아주 매워요"][item.spicy]
        lead = f"{josa(name, '은')} 맵기 {item.spicy}단계로 {level}."
    elif ctx.has(PRICE) and item.market_price:
        lead = f"{josa(name, '은')} {market}"
    elif ctx.has(PRICE) and price:
        lead = f"{josa(name, '은')} {josa(price, '이에요')}."
    elif ctx.has(SOLD) and not ctx.has(INGREDIENT):
        lead = f"네, {name} 지금 판매하고 있어요."
    sentences = [lead] if lead else [f"{josa(name, '은')} 이런 메뉴예요."]
    if item.description:
        sentences.append(item.description if item.description.rstrip().endswith((".", "!", "?", "~")) else item.description.rstrip() + ".")
    if price and price not in lead:
        sentences.append(f"가격은 {josa(price, '이에요')}.")
    elif item.market_price and market not in lead:
        sentences.append(f"가격은 {market}")
    if item.allergens:
        sentences.append(f"알레르기 성분은 {josa(', '.join(item.allergens), '이에요')}.")
    if item.spicy and not ctx.has(SPICY):
        sentences.append(f"맵기는 {item.spicy}단계예요.")
    return " ".join(sentences)


SMALL = re.compile(r"작은|작은\s*(병|거|걸|사이즈)|(?<![가-힣])소(?:자|짜|\s*사이즈|$|\s)|미니|small|mini", re.I)
LARGE = re.compile(r"큰|큰\s*(병|거|걸|사이즈)|(?<![가-힣])대(?:자|짜|\s*사이즈|$|\s)|large|big", re.I)


def by_size(text: str, family: list[MenuItem]) -> list[MenuItem]:
    """The member of a family of sizes the customer means: the size written (1.5리터 for 1.5L),
    the smallest for 작은 or the largest for 큰; every member, smallest first, when none is said."""
    said = sizes(text)
    exact = [i for i in family if said & sizes(i.name)]
    if exact:
        return exact
    # "작은 거", "대짜": the owner's own mark on a name ((소), (대)) before the cheapest or dearest.
    marks = word_sizes(text, SAID_SIZE)
    marked = [i for i in family if marks & word_sizes(i.name, NAME_SIZE)] if len(marks) == 1 else []
    if marked:
        return marked
    priced = sorted(family, key=lambda i: (i.price is None, i.price or 0))
    if SMALL.search(text) and not LARGE.search(text):
        return priced[:1]
    if LARGE.search(text) and not SMALL.search(text):
        return [i for i in priced if i.price is not None][-1:] or priced[:1]
    return priced


# How many it feeds, asked of a size ("족발 큰 걸로 하면 몇 인분이에요?"): the row's own words say it.
SERVING = re.compile(r"몇\s*(명|분|인)|인분|양\s*(이|은)?\s*(많|적|어느|얼마)")
CHILD = re.compile(r"애기|아기|아이(?!스)|애들|어린이|키즈|꼬마|유아|\d+\s*살|kids?\b|child", re.I)
ONE = re.compile(r"(?<![가-힣])(하나|한\s*(개|마리|판|팩|봉|줄|꼬치)|1\s*개)(?![가-힣]{2})|낱개|단품")


def by_count(text: str, items: list[MenuItem]) -> list[MenuItem]:
    """The items sold by the count said: "5개" or "다섯 개" meets the owner's "어묵꼬치 5개"; one
    (하나, 한 개, 낱개) meets the items that are no bundle. [] when the count picks nothing."""
    said = {(n, u) for n, u in sizes(text) if n != "1"}
    if said:
        return [i for i in items if said & sizes(i.name)]
    if ONE.search(text):
        return [i for i in items if not any(n != "1" for n, u in sizes(i.name) if u in COUNT_UNITS)]
    return []


def other_dish(text: str, mention: Mention, lexicon: Lexicon) -> bool:
    """The word the customer typed around a partial match ends in a common dish the item's name is not
    ("생선매운탕" for 매운 닭볶음탕, "낙지초밥" for 낙지덮밥, "버섯피자" for 버섯 추가), under any spelling the
    lexicon knows (돈가스 is the 돈까스 of a name); not when the item's name ends in what comes before
    that dish (a 조각케이크 asked of 딸기 생크림 조각)."""
    name = compact(mention.item.name)
    spelled = {compact(v) for v in lexicon.expand(mention.item.name)} | {name}
    bare = compact(re.sub(r"\(.*?\)|\[.*?\]|\d+\s*[a-zA-Z가-힣]{0,2}$", "", mention.item.name))
    for word in re.findall(r"[가-힣]{3,}", text):
        word = PARTICLE_END.sub("", word)
        if word in name or not (set(word) & set(mention.span)):
            continue
        for food in (f for f in common_foods() if len(f) >= 2 and len(word) > len(f) and word.endswith(f)):
            if bare.endswith(word[:-len(food)]):
                continue  # "조각케이크" of 딸기 생크림 조각: the food only says what the item's last word is
            if not any(food in n or compact(c) in n for n in spelled for c in (*lexicon.expand(food), food)):
                return True
    return False


COUNT_UNITS = ("개", "마리", "판", "팩", "봉", "줄", "개입")
# A particle at a word's end, taken off to compare the word with names and foods.
PARTICLE_END = re.compile(r"(이|가|은|는|을|를|도|만|요|랑|이랑|으로|로)$")


def other_count(text: str, item: MenuItem) -> bool:
    """The item is sold by another count of the unit said (3개 for "한 개", 5개 for "세 개")."""
    said = {s for s in sizes(text) if s[1] in COUNT_UNITS} | ({("1", "개")} if ONE.search(text) else set())
    own = {s for s in sizes(item.name) if s[1] in COUNT_UNITS}
    return bool(said and own and not said & own and {u for _, u in said} & {u for _, u in own})


def counted_elsewhere(ctx: Context, item: MenuItem) -> bool:
    """The item is a bundle of another count than the one said, and the menu sells that name by the
    count said ("씨앗호떡 한 개" is 원조 씨앗호떡, not 씨앗호떡 3개)."""
    base = bundle_base(item.name)
    if base is None or not other_count(ctx.text, item):
        return False
    return any(base in compact(i.name) and not other_count(ctx.text, i) for i in ctx.knowledge.menu)


class MenuSkill:
    name = "menu"
    description = "메뉴 하나하나의 가격, 설명, 알레르기 성분, 맵기, 판매 여부를 메뉴판 그대로 알려 줘요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        # "새우 알레르기인데 전 괜찮아요?": 새우 is the allergy there, not short for 새우튀김.
        # 어묵 names 모둠 어묵 although it stands for fish: only the allergen's own name is the allergy.
        mentions = [m for m in ctx.mentions if m.score >= 0.5 and not (m.score < 1.0 and allergens.canonical(m.span) == m.span
                                                                        and m.span in ctx.allergies_asked)]
        # "낙지초밥 돼요?" in a shop selling 낙지덮밥: the dish typed ends in another food (초밥) the item is
        # not; a partial match is no yes to it (issue 12: an item not sold quoted as on sale).
        mentions = [m for m in mentions if m.score >= 1.0 or not other_dish(ctx.text, m, ctx.kb.index.lexicon)]
        # "씨앗호떡 한 개 얼마예요?" is not the bundle of three its name begins when the menu sells one of
        # that name by the count said; the count said decides.
        mentions = [m for m in mentions if m.score >= 1.0 or not counted_elsewhere(ctx, m.item)]
        kinds = self._kinds_asked(ctx, mentions)
        if kinds:
            return None if self._faq_lists(ctx, kinds) else self._kind_menu(ctx, kinds)
        if not mentions and allergy_question(ctx) and (ctx.has(HOLDS) or ctx.has(SAFE_TO_EAT)):
            # "수정과에 잣 들어가요?" with 수정과 1L and 수정과 350ml on the menu: each of them
            # answered, never the general allergy FAQ in their place.
            family = self._family(ctx)
            if family:
                unknown = unknown_allergies(ctx, ctx.allergies_asked)
                if unknown:
                    return allergy_unknown_reply(unknown, family)
                return self._each(ctx, family)
        if not mentions and (ctx.has(PRICE) or ctx.has(SERVING) and word_sizes(ctx.text, SAID_SIZE) and len(ctx.text) <= 40) and not ctx.allergies \
                and not ctx.has(CHANGE_REQUEST) and not self._faq_prices(ctx):
            # "식혜 작은 병 얼마예요?" with 식혜 1.5L and 식혜 500ml on the menu: the size named, or each.
            family = self._family(ctx)
            if family:
                return self._each(ctx, by_count(ctx.text, family) or by_size(ctx.text, family))
        if not mentions:
            if ctx.has(LIST_MENU) and len(ctx.query.tokens) <= 4:
                return self._whole_menu(ctx)
            return self._not_on_menu(ctx)
        items = [m.item for m in mentions[:3]]
        if ctx.has(CHILD):
            # "우리 애 먹을 돈까스도 매워요?": the children's 돈까스 the owner sells, when there is one.
            kids = {i.name: i for i in ctx.knowledge.menu if for_children(i)}
            items = [next((k for k in kids.values() if compact(i.name) in compact(k.name)), i) if i.name not in kids else i for i in items]
        unrecorded = NOT_ON_RECORD.search(ctx.text)
        if unrecorded:
            what = "칼로리" if unrecorded[0] == "kcal" else re.sub(r"\s+", " ", unrecorded[0])
            text = (f"죄송해요, {josa(what, '은')} 메뉴 정보에 적혀 있지 않아서 정확하게 알려 드리기 어려워요. "
                    "직원에게 확인해 드릴까요?")
            return Reply("unknown", [text], [Source("menu", i.name) for i in items], quick_replies=[STAFF_QR, MENU_QR])
        own_faq = any(compact(items[0].name) in compact(" ".join((f.id, *f.aliases))) for f in ctx.knowledge.faqs)
        if not items[0].available and mentions[0].score >= 1.0 and not own_faq and not allergy_question(ctx):
            return Reply("menu", [describe(items[0], ctx)], [Source("menu", items[0].name)], cards=[item_card(items[0])],
                         quick_replies=[RECOMMEND_QR, STAFF_QR])  # sold out: that comes before any FAQ about it
        unknown = unknown_allergies(ctx, ctx.allergies_asked) if allergy_question(ctx) else []
        if unknown:
            return allergy_unknown_reply(unknown, items)
        if self._faq_owns(ctx, items[0], mentions[0]):
            return None  # a decaf change to a named latte is the decaf FAQ, not the item
        texts = [describe(item, ctx) for item in items]
        first = items[0]
        quick = [QuickReply("예약하기", "예약하고 싶어요"), RECOMMEND_QR, STAFF_QR]
        if not first.available:
            similar = self._similar(ctx, first)
            if similar:
                texts.append("대신 이런 메뉴는 어떠세요? " + ", ".join(priced(i, parens=True) for i in similar))
        return Reply("menu", texts, [Source("menu", i.name) for i in items], cards=[item_card(i) for i in items], quick_replies=quick)

    @staticmethod
    def _family(ctx: Context) -> list[MenuItem]:
        """The items of the small kinds the message names (수정과 1L and 수정과 350ml for 수정과)."""
        return list(dict.fromkeys(i for k in ctx.kb.menu.find_kinds(ctx.turn.text) if len(k.items) <= FAMILY for i in k.items))

    @staticmethod
    def _faq_prices(ctx: Context) -> bool:
        """An FAQ entry answers the message and speaks of prices (its question asks one, its answer
        states one): an entry about the same drink that says nothing of what it costs ("막걸리는 어디
        거예요?") is no answer to its price."""
        best = ctx.best_faq()
        if best is None:
            return False
        entry = ctx.knowledge.faq(best.id)
        return bool(PRICE.search(" ".join((entry.id, *entry.aliases))) or parse_won(entry.answer) is not None or MARKET_PRICE.search(entry.answer))

    @staticmethod
    def _each(ctx: Context, items: list[MenuItem]) -> Reply:
        """Each item's own facts, in one reply."""
        return Reply("menu", [describe(i, ctx) for i in items], [Source("menu", i.name) for i in items],
                     cards=[item_card(i) for i in items], quick_replies=[RECOMMEND_QR, STAFF_QR])

    def _faq_owns(self, ctx: Context, item: MenuItem, mention: Mention) -> bool:
        """True when the message asks something the item's record cannot answer (a change, a
        service, a rule the owner wrote about this item) and an FAQ answers it."""
        full = ctx.best_faq()
        if full is None:
            # The item's name may dilute a service question the FAQ answers without it.
            return ctx.service_asked and not allergy_question(ctx) and ctx.best_faq(ctx.faq_hits_without_items) is not None
        if allergy_question(ctx):
            return False  # "X에 우유 들어가요?", "X 먹어도 돼요?": the allergen column answers it
        if self._owned_by_rules(ctx, item, mention, full):
            return True
        if re.search(re.escape(compact(mention.span)) + r"(을|를)?추가", ctx.compact):
            return False  # "공깃밥 추가요": the item is what is added, at its own row's price
        if mention.score >= 1.0 and self._about_other_item(ctx, item, " ".join((full.id, *ctx.knowledge.faq(full.id).aliases))):
            return False  # an FAQ about other items answers for those, however the question is asked
        # The rules kept the question for the item; the trained reader of what a question about an
        # item asks (bot/understand/item_asks.py) gives it to the FAQ when it is sure the question
        # asks beyond the row (a change, a service, keeping it). Neither alone does as well: on the
        # labelled stores, left out by store, the rules chose right 591 of 700 times, the reader
        # alone 586, a fit of both 605-610, and this override 607.
        p = ctx.asks_beyond_row
        return p is not None and p >= item_asks.OVERRULES

    def _owned_by_rules(self, ctx: Context, item: MenuItem, mention: Mention, full: Hit) -> bool:
        """The hand-written reading of whether the FAQ entry `full` owns a question about `item`."""
        if mention.score < 1.0 and full.plain_head >= 0.8 and full.plain_coverage >= 0.9:
            # "냉면 포장돼요?" is the owner's own question "냉면 포장 되나요?" almost word for word; the
            # item 냉면 육수 포장 (1L) only shares its words.
            return True
        entry = ctx.knowledge.faq(full.id)
        head = " ".join((entry.id, *entry.aliases))
        if mention.score >= 1.0 and self._about_other_item(ctx, item, head):
            return False
        if ctx.has(CHANGE_REQUEST):
            return True  # "순대볶음 더 맵게 될까요?": a request the owner's FAQ answers
        if ctx.has(PRICE) or ctx.has(SPICY) or re.search(rf"{re.escape(compact(item.name))}\S{{0,2}}(뭐|뭔|무엇|어떤|무슨)", ctx.compact):
            return False  # price, spiciness, "X가 뭐예요?": the item's own record answers
        if ctx.service_asked:
            return True  # shipping, keeping, when, how long: nothing a menu row says
        rest = {t for t in set(ctx.query_without_items.tokens) - PROPERTY_WORDS if not allergens.canonical(t)}
        if not rest:
            return False  # only the item and what its record answers (price, contents, spiciness)
        # The owner's FAQ about this very item answers it (부대찌개 1인분도 되나요?); so does one about
        # the word the customer used, when that word only named the item by a part of its name
        # (만두 of 만두추가 in "여기 만두는 직접 빚어요?": the FAQ "만두는 직접 빚으세요?").
        named = [compact(item.name)] + ([compact(mention.span)] if mention.score < 1.0 else [])
        if any(n in compact(head) for n in named) and rest & ctx.kb.index.terms_of("faq", entry.id):
            return True
        masked = ctx.best_faq(ctx.faq_hits_without_items)
        if masked is None or masked.id != full.id or masked.plain_head == 0:
            return False  # the FAQ only shares an incidental word of its answer (대구 in 대구로페이)
        record = f"{item.name} {item.category} {item.description} {' '.join(item.tags)}"
        known = set(ctx.kb.index.analyse(record)[2])
        # The rest of the message read by the FAQ's own question more than by the item's record
        # ("호박설기 며칠 전에 주문해요?": 며칠 전 is the FAQ's, whatever syllable the record shares).
        asked = set(ctx.kb.index.analyse(head)[2])
        return len(rest & known) / len(rest) < 0.5 or len(rest & asked) > len(rest & known)

    @staticmethod
    def _about_other_item(ctx: Context, item: MenuItem, head: str) -> bool:
        """The owner's question names other items of the menu and none the customer named in full
        ("막걸리 직접 빚으세요?" for "식혜도 가게에서 직접 삭혀요?"): it answers for those, and the words it shares
        with the message are the question's frame, not its subject."""
        menu = ctx.knowledge.menu
        named = {m.item.name for m in ctx.kb.menu.find(head) if m.score >= 1.0}
        kinds = ctx.kb.menu.find_kinds(head)  # a kind stands for its whole category (국 of 국·탕 for 육개장)
        named |= {i.name for k in kinds for i in k.items} | {i.name for i in menu if any(i.category == k.label for k in kinds)}
        # A word of the question that begins items' names (녹두 of 녹두빈대떡, 막걸리 of 막걸리(1되)); not a
        # concept the lexicon read in (수제 for 직접), nor a word that only qualifies a name (포장 of 김밥 포장세트).
        _, _, terms, concepts = ctx.kb.index.analyse(head)
        words = {t for t in set(terms) - set(concepts) if len(t) >= 2 and re.fullmatch(r"[가-힣]+", t)}
        spelled = ctx.kb.menu.names  # each name as the matcher spells it, compact: once a snapshot
        named |= {name for name, full in spelled.items() if any(full.startswith(w) for w in words)}
        asked = {m.item.name for m in ctx.mentions if m.score >= 1.0} | {item.name}
        if not named or asked & named:
            return False
        # The rest of the message speaks of those items too (탕 of 매운탕, asked whether it comes with a platter).
        rest = {t for t in ctx.query_without_items.tokens if re.fullmatch(r"[가-힣]+", t)}
        return not any(t in spelled[name] for name in named for t in rest)

    def _similar(self, ctx: Context, item: MenuItem) -> list[MenuItem]:
        same = [i for i in ctx.knowledge.menu if i.available and i.category == item.category and i.name != item.name]
        tags = set(item.tags)
        same.sort(key=lambda i: (-len(tags & set(i.tags)), "인기" not in i.tags))
        return same[:3]

    def _whole_menu(self, ctx: Context) -> Reply:
        lines = []
        for category in ctx.knowledge.categories or [""]:
            items = [i for i in ctx.knowledge.menu if i.category == category and i.available]
            if items:
                shown = ", ".join(priced(i) for i in items)
                lines.append(f"[{category or '메뉴'}] {shown}")
        text = "저희 메뉴를 알려 드릴게요.\n" + "\n".join(lines)
        return Reply("menu", [text], [], quick_replies=[RECOMMEND_QR, STAFF_QR])

    def _kinds_asked(self, ctx: Context, mentions: list[Mention]) -> list[Kind]:
        """The kinds of item (찌개, 라떼) whose list the message asks for; [] when it asks something else."""
        kinds = ctx.kb.menu.find_kinds(ctx.turn.text)
        if not kinds:
            return []
        words = {k.word for k in kinds}
        if any(m.span not in words for m in mentions):
            return []  # "바닐라라떼 있어요?" names an item; "라면 종류 뭐 있어요?" names a kind
        negated = [k for k in kinds if re.search(rf"{re.escape(k.word)}\S*\s*(말고|빼고|말구|외에|외엔|제외|아닌|아니고)", ctx.text)]
        if negated:  # "커피 말고 뭐 있어요?" asks for everything else; "커피 말고 빵" for the 빵s
            kinds = [k for k in kinds if k not in negated]
            if not kinds:
                hidden = {i for k in negated for i in k.items}
                others = tuple(i for i in ctx.knowledge.menu if i not in hidden)
                kinds = [Kind(", ".join(k.word for k in negated) + " 말고", "", others)] if others else []
        rest = clean(ctx.text)
        for word in sorted(words, key=len, reverse=True):
            rest = re.sub(rf"{re.escape(word)}\s*(종류|메뉴|류)?\s*((은|는|이|가|도|요|랑|이랑|하고|과|와)(?![가-힣]))?", " ", rest)
        # "라면 있어요?" and "순대 있어요?" ask about the item the name stands for (라면, 찹쌀순대);
        # "라면 종류 뭐 있어요?" asks about the 라면s.
        bare = not mentions and BARE_KIND_ASK.match(rest.strip())
        if not (ctx.has(LIST_KIND) or bare):
            return []
        if ctx.has(PICKY) or ctx.has(SPICY) or ctx.allergies:
            return []  # "찌개 중 순한 걸로 골라 주세요" wants some of them, not the list
        return kinds

    def _faq_lists(self, ctx: Context, kinds: list[Kind]) -> bool:
        """True when the owner wrote the answer: an FAQ asking for this very list ("튀김은 어떤 종류가
        있나요?"), not one that merely names the kind ("술 가져가도 되나요?")."""
        faq = ctx.best_faq()
        if faq is None:
            return False
        entry = ctx.knowledge.faq(faq.id)
        for question in (entry.id, *entry.aliases):
            q = clean(question)
            if re.search(r"종류|뭐|무엇|어떤|무슨|메뉴|가지", q) and any(re.search(rf"(?<![가-힣]){re.escape(k.word)}", q) for k in kinds):
                return True
        return False

    def _kind_menu(self, ctx: Context, kinds: list[Kind]) -> Reply:
        """The items of the kinds asked for, with prices, grouped by the menu's categories; with a
        count said ("어묵 다섯 개", "호떡 하나"), those the owner sells by that count, when there are."""
        items = list(dict.fromkeys(i for k in kinds for i in k.items))
        counted = by_count(ctx.text, items)
        if len(counted) == 1 and counted[0].available:
            return self._each(ctx, counted)
        items = counted or items
        sold = [i for i in items if i.available]
        out = [i for i in items if not i.available]
        what = ", ".join(k.label if k.label.startswith(k.word) and k.label.endswith("메뉴") else k.word for k in kinds)
        lines = []
        for category in dict.fromkeys(i.category for i in sold):
            shown = ", ".join(priced(i) for i in sold if i.category == category)
            lines.append(f"[{category or '메뉴'}] {shown}")
        if sold:
            intro = f"{josa(what, '은')} 이렇게 있어요." if what.endswith("메뉴") else f"{josa(what, '은')} 이런 메뉴가 있어요."
        else:
            intro = f"죄송해요, {josa(what, '은')} 지금 판매하는 메뉴가 없어요."
        notes = [f"{josa(', '.join(i.name for i in out), '은')} 지금은 판매하지 않아요."] if out else []
        text = "\n".join([intro, *lines, *notes])
        quick = [RECOMMEND_QR, MENU_QR, STAFF_QR]
        cards = [item_card(i) for i in sold]
        # Channels that show cards get the short text only when every item fits in one carousel.
        card_texts = [" ".join([intro, *notes])] if 0 < len(cards) <= 10 else None
        return Reply("menu", [text], [Source("menu", i.name) for i in sold], cards=cards, quick_replies=quick, card_texts=card_texts)

    def _not_on_menu(self, ctx: Context) -> Reply | None:
        """A dish the shop does not sell (짬뽕 in a cafe): say it is not on the menu, never pretend it is."""
        if not (ctx.has(SOLD) or ctx.has(PRICE) or ctx.query.concepts & DISH_SERVICES):
            return None
        foods = common_foods()
        service = bool(ctx.query.concepts & DISH_SERVICES)  # a service asked of the dish
        # The lexicon's readings name a dish only when no service is asked: 통으로 is a cake uncut to
        # "통으로 주세요" but hiring the whole floor to "2층 통으로 빌려요".
        expanded = [] if service else [w.replace(" ", "") for w in ctx.kb.index.lexicon.expand(ctx.text)]
        typed = [w2 for w in re.findall(r"[가-힣]{2,}", ctx.text) for w2 in (w, PARTICLE_END.sub("", w))]
        bare = typed + [w2 for w in expanded for w2 in (w, PARTICLE_END.sub("", w))]
        asked = next((w for w in bare if w in foods), None)
        if asked is None and service:
            # A dish said with its style before a common name (간장치킨, 비빔냉면), as the customer wrote it.
            asked = next((w for w in bare if any(w.endswith(f) and 1 <= len(w) - len(f) <= 3 for f in foods if len(f) >= 2)), None)
        if asked is None or any(asked in name for name in ctx.knowledge.menu_by_name):
            return None
        faq = ctx.best_faq()
        if faq is not None and set(faq.matched) - PROPERTY_WORDS and (
                faq.plain_head >= 0.5 and (not service or set(faq.matched) - PROPERTY_WORDS - DISH_SERVICES)
                or any(len(t) > 1 and (t in asked or asked in t) for t in faq.matched)):
            # An FAQ about the very thing asked for (원두 판매, 오트밀크 변경), or one whose own question the
            # message asks (맥주랑 같이 먹고 가도 돼요?): not an unknown item. One that shares only other
            # words of its answer ("같이" of a pets FAQ in "김밥도 같이 파세요?") is not about it, and an FAQ
            # sharing only the service (포장) asked of a dish the shop does not sell is not answered with its "네".
            return None
        if asked not in typed:
            # The lexicon's reading (비빔 → 비빔밥) is not what this menu calls it: "비빔" here is the
            # 비빔막국수, which the customer's own word opens. Those items, not "없어요".
            for word in (w for w in typed if len(w) >= 2):
                opened = tuple(i for i in ctx.knowledge.menu if compact(i.name).startswith(word))
                if opened:
                    return self._kind_menu(ctx, [Kind(word, "", opened)])
        # "콜라 있어요?" where 음료수 lists "콜라, 사이다, 환타": sold under another name, never "없어요".
        listed = [i for i in ctx.knowledge.menu if re.search(rf"(^|[,/·(]\s*){re.escape(asked)}(\s*[,/·)]|$)", i.description.strip())]
        if listed:
            item = listed[0]
            texts = [f"{josa(asked, '은')} '{item.name}' 메뉴로 있어요.", describe(item, ctx)]
            return Reply("menu", texts, [Source("menu", item.name)], cards=[item_card(item)], quick_replies=[RECOMMEND_QR, STAFF_QR])
        popular = sorted((i for i in ctx.knowledge.menu if i.available and fame(i) and not for_children(i)), key=lambda i: -fame(i))[:3]
        text = f"죄송해요, {josa(asked, '은')} 저희 메뉴에 없어요."
        if popular:
            text += " 대신 인기 메뉴로 " + josa(", ".join(i.name for i in popular), "이") + " 있어요."
        return Reply("unknown", [text], quick_replies=[MENU_QR, RECOMMEND_QR])
