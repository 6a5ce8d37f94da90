"""What to order, under the customer's constraints; a constraint is never traded for a better match.

Allergens, caffeine, vegan, spiciness, budget and kids are hard filters read from the menu's
own columns and descriptions. Taste, category and tags narrow the list further when they
leave something to recommend; otherwise the bot says honestly that nothing fits. What is left
is ranked the way a server would: main dishes before sides and drinks, then what the owner's
tags mark as signature or popular, spread over the menu's categories; children's dishes only
for children.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.josa import josa
from bot.kb.menu_match import category_parts, common_foods, sizes
from bot.kb.records import MenuItem
from bot.kb.text import clean, compact, word_then
from bot.kb.tokenizer import kiwi
from bot.korean_time import NATIVE_NUMBERS, parse_party, parse_won
from bot.ledger.personal import picks as personal_picks
from bot.messages import Card, QuickReply, Reply, Source, Turn
from bot.understand import allergens
from bot.understand.slots import NO
from skills.base import STAFF_QR, YES, Context
from skills.menu import (
    ALLERGY_CUE,
    CHILD,
    FAME_TAGS,
    allergy_unknown_reply,
    fame,
    for_children,
    price_label,
    unknown_allergies,
)

# Asking what to order. Weak forms (마실 거, 먹을 수 있는 메뉴) only count when no item is named:
# a question whether 미숫가루 has caffeine, for a drink at night, is about 미숫가루.
# Asking which one: the words of a question that wants items named, not a yes or a rule.
WHICH = re.compile(r"뭐|뭘|머\s*(있|먹|시키|묵)|무엇|무슨|어떤\s*(거|게|걸|메뉴|것)|어느|추천|골라|고르|제일|젤|가장|(?<!수)(?<!수\s)(있어요\?*$|있나요|있을까요|있남|있노|있당가|있슈|있어예)|\bwhat\b|\bwhich\b|\bany\b", re.I)
# An FAQ heading that itself asks which one ("뭐가 제일 매워요?"), unlike a yes-or-no rule ("덜 맵게 해 줄 수 있나요?").
WHICH_HEADING = re.compile(r"뭐|뭘|무엇|무슨|어떤\s*(거|게|걸|메뉴|것)|어느|추천|골라|고르|제일|젤|가장|메뉴\s*(가\s*)?(있|되)|"
                           r"(먹을|마실)\s*(거|게|것|만한|수\s*있는)|\bwhat\b|\bwhich\b", re.I)
# 권하다 is the plain verb of recommending ("하나 권해 주세요", "뭘 권하세요?").
STRONG_ASK = re.compile(r"추천|권해|권하|권할|골라|고르(?!곤)|뭐가\s*(제일|젤|더|가장|좀)?\s*(좋|맛있|괜찮|나아|낫)|뭐\s*(시키|시킬|시켜|주문)|뭘\s*(시키|시켜|주문)")
ASK = re.compile(
    r"추천|권해|권하|권할|뭐가\s*(제일|젤|더|가장|좀)?\s*(좋|맛있|괜찮|나아|낫)|먹고\s*싶[^.?!]*(뭐|뭘|어떤)|(뭐|뭘|어떤\s*거)[^.?!]{0,8}먹고\s*싶|"
    r"(먹을|마실)\s*수\s*있는\s*(메뉴|거|게|음식|음료)|(새로\s*나온|신메뉴|요즘\s*나온)[^.?!]{0,6}(뭐|있|알려)|"
    r"뭘\s*(먹|마시|시키|시켜|주문)|뭐\s*(먹|마시|마실|시키|시킬|시켜|주문)|마실\s*(만한|거|게)|먹을\s*(만한|거|게)|"
    r"골라|고르(?!곤)|잘\s*나가|인기\s*(메뉴|있는|많은)|베스트|대표\s*메뉴|시그니처|어떤\s*게\s*(좋|맛있)|뭐가\s*제일|제일\s*맛있|어울리는|땡기는데|당기는데|"
    r"(살|사\s*갈|시킬|고를)\s*수\s*있는|(사|시키|먹|마시)\s*(면|믄)\s*(좋|되|괜찮)|뭐\s*(사|사\s*갈|살|시키)|"
    r"(먹기|마시기|먹을|마실|사\s*가기|선물하기|보내기|보낼)\s*(좋은|괜찮은|만한)\s*(거|게|것|메뉴)|"
    r"(맵|매운|매콤|달달|단|담백|든든|가벼|시원|따뜻|뜨끈|칼칼|얼큰|고소|새콤|상큼|순한|해장|속\s*풀)[가-힣]{0,3}\s*"
    r"(거|게|것|걸|걸로|메뉴|음식|반찬|안주|국물|요리|간식|김치|차|찌개|탕|국수|면|밥|빵|음료)\s*(는|도|좀|이|가|로)?\s*(한\s*잔\s*)?(뭐\s*|뭐가\s*)?(있|없|먹고|추천|좋)|"
    r"(거|걸|것)\s*(로)?\s*먹고\s*싶|(먹을|마실)\s*수\s*있는\s*(빵|디저트|요리|안주|반찬|간식|음료|차)|(드시기|먹기|마시기)\s*(편한|좋은|괜찮은|만한)|"
    r"(한정|계절|시즌)\s*(메뉴|음료)?\s*(뭐|뭣|어떤|있)|뭐가\s*나을|만한\s*(거|게|것|메뉴|음식)\s*(는|이|가|좀)?\s*(뭐|뭣|뭘|있|없|추천)|"
    r"(안\s*들어간|안\s*들어가는|없는|빼고)[^.?!]{0,12}(뭐|뭣|어떤)\s*(있|없|거|게|좋)"
)
# Asking whether something may be eaten or is all right: a yes or no about it, not a choice.
IS_IT_SAFE = re.compile(r"먹어도|마셔도|먹여도|줘도|괜찮(겠|을까|죠|쥬|나요|은가|은지|아요\?)")
# Words too general to meet an owner's tag (every message has them) or handled by their own rules.
NOT_OCCASION = frozenset({"메뉴", "추천", "사람", "음식", "종류", "제일", "가게", "매장", "주문", "인기", "대표", "시그니처", "신메뉴",
                          "아이", "매운", "매운맛", "순한맛", "맵기", "가격", "오늘", "내일", "손님", "우리", "친구", "먹"})
ELSEWHERE = re.compile(
    r"맛집|근처에?\s*(다른|먹을|갈)|주변에?\s*(맛|먹|갈)|동네\s*(맛|추천)|관광|놀\s*곳|갈\s*만한\s*곳|"
    r"(근처|주변|동네|옆)[가-힣\s]{0,12}?(카페|식당|술집|가게|노래방|숙소|호텔|펜션|곳|데)\s*(추천|있|알려|어디)|2차|이차로"
)
DRINK_CATEGORY = re.compile(r"커피|음료|논커피|티|차|주스|에이드|스무디|라떼|술|주류|맥주|와인|드링크|tea|coffee|drink", re.I)
BREAD_CATEGORY = re.compile(r"빵|베이커리|브레드|bakery", re.I)
DESSERT_CATEGORY = re.compile(r"디저트|케이크|과자|dessert", re.I)
# 요리 is not one: a 중식당's 요리 are dishes to share, its 식사 the noodles and rice (a menu with no
# meal category at all still gets its dishes, by the fallback in choose()).
MEAL_CATEGORY = re.compile(r"브런치|식사|메인|밥|면|찌개|덮밥|정식|세트|런치|분식|국|탕")
SWEET = re.compile(r"달콤|달달|단맛|시럽|꿀|초콜릿|초코|카라멜|바닐라|흑당|연유|설탕|(?:수제|[가-힣]{1,3})청(?=[\s,과을이에으]|$)")
FRESH = re.compile(r"상큼|새콤|상쾌|청량|시트러스|레몬|자몽|유자|라임|민트|박하")
# Cold food and drink, for a wish to cool down (시원한 거, 차가운 거, a hot day): 냉 opening a dish's name
# (냉면, 냉모밀; not 냉동 goods), ice, shaved ice, cold noodles and soups, blended drinks.
COOL = re.compile(r"(?<![가-힣])냉(?!동|장)|[가-힣]냉(?:면|국|채)|냉면|아이스(?!\s*전용\s*x)|\bice\b|iced|빙수|콩국|물회|밀면|모밀|"
                  r"에이드|스무디|슬러시|프라페|쉐이크|셰이크|젤라또|소르베|얼음|차갑|차가운", re.I)  # not 시원: a 시원한 국물 is hot
CAFFEINE_FREE = re.compile(r"카페인\s*(없음|0|무)|논카페인|무카페인")
CAFFEINE = re.compile(
    r"카페인\s*(있|소량|함유|들어)|커피\s*들어|에스프레소|녹차|말차|홍차|얼그레이|아메리카노|카페\s*라떼|카페라테|카푸치노|마키아토|마끼아또|"
    r"콜드\s*브루|더치|모카|원두|핸드\s*드립|드립\s*커피|플랫\s*화이트|아인슈페너|돌체|샷|espresso|americano", re.I
)
# Kinds of dish customers name, with what such dishes are called on Korean menus. An item
# qualifies when its name (or failing that, its category) says so: 덮밥 means the 덮밥s,
# not everything in a "덮밥·정식" category.
DISH_TYPES = (
    # 면 as a word of its own is noodles ("면이 좋겠어요"); glued to a verb it is the ending -면 (가면, 먹으면).
    (r"면\s*(요리|종류|류)|국수|면으로|면\s*먹|(?<![가-힣])면(?![가-힣])|(?<![가-힣])면(이|도|은)\s", r"국수|면|파스타|우동|라면|냉면|소바|쌀국수|스파게티"),
    (r"밥\s*(종류|류|요리|메뉴)|밥으로|밥\s*먹(?!고|은\s*뒤|은\s*다음|은\s*후)|식사\s*류", r"밥|덮밥|비빔밥|볶음밥|정식|주먹밥|리조또|카레|오므라이스"),
    (r"덮밥", r"덮밥"),
    (r"찌개|탕\s*(종류|요리)|전골", r"찌개|국$|탕$|전골"),
    (r"(?<![가-힣])전\s*(종류|요리)|부침개|지짐", r"전$|파전|부침|지짐"),
    (r"샌드위치|토스트", r"샌드위치|토스트|파니니"),
)
# Wishes that rank rather than filter: "안주" and "국물" describe a dish loosely, and a menu that
# files nothing under such names still has something that fits.
BROTH = r"찌개|국(?!산|거리)|탕(?!수)|전골|짬뽕|라면|라멘|우동|국수|곰탕|해장|수프|스프|쌀국수|냉면|물회|밀면|육수|수제비|나베|훠궈|똠[얌양]"
SOFT_TYPES = (
    (r"안주|술\s*(이랑|하고|에)\s*(먹|곁들|어울)", r"전$|무침|말이|튀김|구이|안주|수육|순대|족발|보쌈|탕수|볶음$|모둠|숙회|회$|편육|두부김치|치킨|똥집"),
    (r"국물|시원한\s*국", BROTH),  # 뜨끈 alone is warmth (Wants.warm), which a tea meets too
)
TEA_NAME = re.compile(r"차$|차\s*\(|티$|tea|녹차|홍차|말차|캐모마일|페퍼민트|루이보스|얼그레이|보이차|쌍화", re.I)
# Words for a family of items whose names do not say it: "탄산은 빼고" leaves out 콜라 and 사이다 too.
FAMILIES = {"탄산": r"콜라|사이다|에이드|소다|스파클링|토닉|탄산"}
SEASONING = re.compile(r"액젓|젓갈|젓(?![가-힣])|소스|육수|다시|가루|오일|기름|추출|분말|양념|sauce", re.I)
RETAIL = re.compile(r"밀키트|택배|국거리|냉동|\d+\s*팩|선물\s*세트|소스\s*추가|포장(?!마차)")  # "(포장)": the takeout product
MEAL_NAME = re.compile(r"밥$|면$|국수$|세트$|정식$|백반$|덮밥|비빔밥")
# Categories of extras ordered with a dish (공기밥, 사리, 토핑), never a dish to recommend first.
SIDE_CATEGORY = re.compile(r"사이드|추가|토핑|곁들|반찬|사리|side|extra|add", re.I)
# Of those, what is added to a dish rather than eaten beside it (a 사리 is no side dish), and the
# categories of dishes eaten beside a main one.
EXTRA_CATEGORY = re.compile(r"추가|토핑|사리|extra|add", re.I)
SIDE_DISH_CATEGORY = re.compile(r"사이드|곁들|안주|반찬|side", re.I)
# The tags a wished-for tag goes by on different menus: 대표 메뉴 is a 시그니처, 베스트 is 인기.
WANTED_TAGS = {
    "시그니처": FAME_TAGS[0], "인기": FAME_TAGS[1],
    "신메뉴": re.compile(r"신메뉴|신상|새\s*메뉴|new", re.I), "계절": re.compile(r"계절|시즌|한정|season", re.I),
}
HOT = re.compile(r"hot|따뜻|뜨거|뜨겁|뜨끈|따끈", re.I)
WARM_DISH = re.compile(r"국|탕|찌개|전골|짬뽕|우동|라면|라멘|수프|스프|차$|티$|죽|육수|수제비|나베|훠궈")
ICE_ONLY = re.compile(r"ice\s*전용|\(ice\)|아이스\s*전용|차가운|차갑|살얼음|(?<![가-힣])냉(?!동|장)|냉면|냉국|빙수|iced", re.I)  # served cold


# One person eating: 혼자, 혼밥, 1명, 한 명 (not "한 명 더", one more guest).
SOLO = re.compile(r"혼자|혼밥|혼술|(?<!\d)1\s*명|(?<![가-힣])한\s*명(?!\s*(더|추가))")


@dataclass
class Wants:
    """Constraints read from one message: `hard` filters must hold, `soft` ones rank."""

    avoid_allergens: list[str] = field(default_factory=list)
    no_caffeine: bool = False
    vegan: bool = False
    spicy: bool | None = None
    spiciest: bool = False
    budget: int | None = None
    unit: str | None = None  # "한 마리", "두 판": something sold by the 마리 or the 판
    budget_from: int | None = None  # "만원대": near this price first
    take_home: bool = False  # 사 가다, 포장, 선물, 택배: kits and parcels are wanted too
    kids: bool = False
    categories: list[str] = field(default_factory=list)  # "drink", "bread", "dessert", "meal", "coffee", "tea"
    named_categories: list[str] = field(default_factory=list)  # the store's own categories named (찌개, 덮밥)
    dish_types: list[str] = field(default_factory=list)  # kinds of dish named (면 요리, 밥 종류), as name patterns
    soft_types: list[str] = field(default_factory=list)  # 안주, 국물: name patterns that rank first
    no_soft_types: list[str] = field(default_factory=list)  # "국물 없는": the same patterns, kept away
    snack_with_drink: bool = False  # 안주: not a meal, not the drink
    tags: list[str] = field(default_factory=list)
    sweet: bool | None = None
    fresh: bool = False
    cool: bool = False  # 시원한 거, 차가운 거: something cold
    warm: bool = False
    avoid_items: set[str] = field(default_factory=set)
    side: bool = False  # "사이드", "곁들일 거": something to go with a dish, not another of it
    company: set[str] = field(default_factory=set)  # the dishes a side goes with (named, or of a kind named)
    avoid_words: list[str] = field(default_factory=list)  # "튀긴 거 말고": items that say so are left out
    kinds: list[set[str]] = field(default_factory=list)  # kinds of item named (치킨, 케이크, 나물), by item name
    both: bool = False  # "둘 다", "반반": one pick of every kind named, if the menu has one
    kind_words: list[str] = field(default_factory=list)  # the words that named `kinds`
    occasion: set[str] = field(default_factory=set)  # the message's words, to meet the owner's tags (선물, 해장, 겨울)
    party: int | None = None  # "둘이 가는데": items the owner wrote as for that many first (2인 세트, 커플)
    sizes: set[tuple[str, str]] = field(default_factory=set)  # "600g짜리", "1.25L": the size written, by item name
    nouns: list[str] = field(default_factory=list)  # the message's nouns, to meet the owner's own words for an item (숯불, 이사떡)
    no_alcohol: bool = False
    alcohol_asked: bool = False  # 술, 맥주, 한잔: only then is a drink with alcohol offered
    no_coffee: bool = False
    include: list[str] = field(default_factory=list)  # "오징어 들어간 걸로": every pick must hold it
    liked: list[str] = field(default_factory=list)  # "양념 좋아하는데", "간장 계열로": picks that say so first
    reasons: list[str] = field(default_factory=list)

    def chooses_by(self) -> bool:
        """Whether the message says something to choose by beyond a kind (taste, budget, who eats,
        what to avoid or include, a tag): what tells "안 매운 찌개 뭐 있어요?" (choose for me) from
        "찌개 종류 뭐 있어요?" (list them)."""
        return bool(self.avoid_allergens or self.no_caffeine and not self.no_coffee or self.vegan or self.spicy is not None or self.spiciest
                    or self.budget is not None or self.budget_from is not None or self.kids or self.sweet is not None
                    or self.fresh or self.cool or self.warm or self.include or self.liked or self.tags or self.snack_with_drink
                    or self.soft_types or self.no_soft_types or self.no_alcohol)


LEFT_OUT = re.compile(r"\S*\s*(말고|빼고|별로|싫)")  # after a kind's word: "족발 말고"
COMPANY = re.compile(r"(이랑|랑|하고|와|과|에)\s*(같이|함께|곁들|어울)"  # after a kind's word: "족발에 곁들일"
                     r"|에\s*[가-힣]+\s*(하나|한\s*접시|좀)?\s*곁들")  # "국수에 편육 한 접시 곁들이면": 편육 is the wish
# A side asked for: what goes with a dish rather than another dish of its kind.
SIDE_WORD = re.compile(r"사이드|곁들|\bsides?\b", re.I)
ALONG = re.compile(r"(같이|함께)\s*(먹|시킬|시키|주문)")  # with a dish being had: "칼국수 먹을 건데 같이 먹을 거"
# After a dish's word, that it is being had already: "쫄면 시킬 건데", "찜이 나오는 동안".
HAVING = re.compile(r"\S{0,3}\s*(하나|한\s*개|한\s*그릇|\d+\s*(개|인분))?\s*(을|를|은|는)?\s*"
                    r"(시킬|시키|시켰|주문할|주문했|주문하|먹을|먹으려|먹고|먹는|나오는|기다리는)")


# "한 마리", "두 판": how many of something sold by that unit; the unit names what is wished for.
HOW_MANY = re.compile(r"(한|두|세|네|다섯|\d+)\s*(마리|판)(?![가-힣])")


def read_wants(ctx: Context) -> Wants:
    t = ctx.text
    w = Wants()
    # "새우 들어간 거 추천" wishes for it; with any word of avoiding, every allergen named is kept away.
    if re.search(r"알레르기|알러지|알르레기|못\s*먹|안\s*먹|빼고|빼서|없는|없이|안\s*들어|민감|못\s*마셔|체질|피해|조심|두드러기|프리|free|allerg|"
                 r"배\s*(가\s*)?(아프|아파|아퍼|탈)|설사|소화\s*(가|를)?\s*(안|못|잘\s*안)|안\s*맞|안\s*(돼|되)|못\s*(해|하)", t) or ctx.has(ALLERGY_CUE):
        # The food the shop is named for, said as the kind wished for ("장어 메뉴", "장어 요리로") beside
        # another allergy, is the wish; said beside a refusal ("콩이랑 메밀 모두 못 먹는") it is kept away.
        w.avoid_allergens = [a for a in ctx.allergies if not (_staple(ctx, a) and re.search(rf"{re.escape(a)}\s*(메뉴|요리|종류|위주|(중에|중|으로|로)(?![가-힣]))", t))]
    elif ctx.allergies and not re.search(r"들어간|들어가는|들어있는|들어 있는|넣은|올라간|좋아|맛있는|위주|듬뿍|많이", t):
        # An allergen named in a request for something to order, with no word of wishing for it, is
        # kept away: a wrong guess this way costs a choice, the other way a reaction. Not the food
        # the shop is named for (장어 in an eel house, "장어요리 추천"), which is the wish itself.
        w.avoid_allergens = [a for a in ctx.allergies if not _staple(ctx, a)]
    if re.search(r"비건|채식|vegan|식물성", t, re.I):
        w.vegan = True
    if re.search(r"카페인\s*(은|는|이)?\s*(못|안|피|빼|없|적|민감|x|X)|디카페인|임신|임산부|수유|카페인\s*없는|논카페인|잠\s*(못|안)", t):
        w.no_caffeine = True
    w.spiciest = bool(re.search(r"(젤|제일|가장|최고로|엄청|완전|아주|화끈)\s*(하게\s*)?매", t))
    # 맵기 with its strength: "맵기 약한 거", "맵기 0단계" are mild; "맵기 센 거", "맵기 최고" are hot.
    mild_level = re.search(r"맵기\s*(가|는)?\s*(약한|약하|낮은|낮|없는|없|0\s*단계|영\s*단계)|자극\s*(이\s*)?(없|적|덜)", t)
    hot_level = re.search(r"맵기\s*(가|는)?\s*(센|세|쎈|쎄|강한|강하|높은|높|최고|제일\s*(센|쎈|높))|화끈|얼얼", t)
    # A taste named to leave out is the wish for its opposite: "매운 건 빼고", "매운맛 말고", "덜 매운".
    if re.search(r"안\s*매운|맵지\s*않|안\s*맵|덜\s*매|덜\s*맵|매운\s*(거|걸|것|건|게|맛)?[^.?!,]{0,6}(못|싫|별로|안\s*좋|힘들|약해|안\s*(돼|되|먹|맞)|무리)|"
                 r"매운\s*(거|걸|것|건|게|맛|메뉴|음식)?\s*(은|는|이|을)?\s*(말고|빼고|빼서|제외|없이|아닌|x|X)|맵찔(?!이?\s*(아님|아니|아냐))|순한", t) or mild_level:
        w.spicy = False
    elif re.search(r"매운|매콤|맵게|얼큰|칼칼", t) or hot_level:
        w.spicy = True
    w.spiciest = w.spiciest or bool(w.spicy and re.search(r"맵기\s*(가|는)?\s*(최고|제일|가장)", t))
    if CHILD.search(t) or "초등" in t:  # the menu skill's words for a child (아이스 is iced)
        w.kids = True
    budget = parse_won(t)
    if budget and re.search(r"만\s*원\s*대", t):
        w.budget, w.budget_from = budget + 9_999, budget  # 만원대: from 10,000 up to 19,999
    elif budget and re.search(r"이하|안\s*넘|넘지|까지|이내|미만|아래|밑|정도|내로|로\s*(먹|마실|살)|선에서|예산|안쪽|안으로|안에서|넘지\s*않", t):
        w.budget = budget
    elif budget and re.search(r"이상|넘는|넘어가는|넘게|넘은|보다\s*(비싼|비싸|위)|\b(over|above|more than|at least)\b", t, re.I):
        w.budget_from = budget  # "3만원 넘는 메인": a floor, as 만원대 has
    counted = HOW_MANY.search(t)
    if counted:
        w.unit = counted[2]
        many = NATIVE_NUMBERS.get(counted[1]) or (int(counted[1]) if counted[1].isdigit() else 1)
        if w.budget is not None and many > 1:
            w.budget //= many  # "두 마리 3만원 안 넘게": each at most 15,000
    if re.search(r"안\s*단|달지\s*않|단\s*(거|걸|것|건|게|맛)\s*(은|는)?\s*(별로|싫|안|못|말고|빼고|제외)|덜\s*단|덜\s*달|안\s*달|담백|깔끔한", t):
        w.sweet = False
    elif re.search(r"달달|달콤|단\s*거|단\s*게|달게|당\s*충전", t):
        w.sweet = True
    if re.search(r"상큼|새콤|상쾌|청량|산뜻", t):
        w.fresh = True
    # Cold, not the 시원한 of a broth ("국물이 시원한"), which is a hot soup that clears the head.
    if re.search(r"시원하게|시원한|차가운|차갑게|(?<![가-힣])찬\s*(거|걸|게|음료|것)|더워서|더운데|덥다|더우니|iced|cold\s+(drink|one|food|dish|something)", t, re.I) \
            and not re.search(r"시원한\s*(국|탕|찌개|해장)|국물\S{0,3}\s*시원|해장|숙취", t):
        w.cool = True
    if re.search(r"따뜻|따끈|뜨거|뜨끈|뜨신|뜨시|추워|추운|춥|으슬|쌀쌀|몸\s*녹", t):
        w.warm = True
    if re.search(r"빵", t):
        w.categories.append("bread")
    if re.search(r"디저트|케이크|케익|달달한\s*거|간식|후식", t):
        w.categories.append("dessert")
    # "밥 먹고 나서 디저트 뭐 있어요": the meal is already had; what is asked for comes after it.
    if re.search(r"브런치|식사|든든|배고|배부르|끼니|한\s*끼|점심|저녁\s*(으로|대신)|(?<![가-힣])밥(?!\s*먹고|\s*먹은\s*(뒤|다음|후))", t):
        w.categories.append("meal")
    if re.search(r"커피(?!\s*말고)", t) and not re.search(r"같이|랑|하고", t):
        w.categories.append("coffee")
    # 차가 is tea with its particle; 차가운, 차갑게 are cold.
    if re.search(r"(?<![가-힣])차(?:\s*한\s*잔|\s*한잔|\s*종류|\s*추천|\s*중에|가(?![운워웠울갑])|를|\s*마시)|티\s*(종류|추천|중)|(?<![가-힣])티(?![가-힣])|"
                 r"(전통|녹|홍|대추|유자|생강|쌍화|모과|오미자|보이|허브|과일|꽃|보리|둥굴레|국화|매실|인삼|율무|우엉|결명자|연잎|메밀)차", t):
        w.categories.append("tea")
    # "소주 한잔할 건데 곁들일 안주": the drinking is the occasion; what is asked for goes with it.
    if re.search(r"음료|마실|마시기|마시고\s*싶|마셔\s*보|drink|beverage", t, re.I) and not {"coffee", "tea"} & set(w.categories) and "안주" not in t:
        w.categories.append("drink")
    for pattern, tag in ((r"시그니처|대표", "시그니처"), (r"인기|잘\s*나가|베스트|많이\s*(찾|시키|먹)(는|나|아요|어요|으세요|으시)|유명", "인기"),
                         (r"신메뉴|새로\s*나온|새\s*메뉴|새메뉴|신상", "신메뉴"), (r"계절|시즌|한정(?!식)|철에만|때만\s*(파|나오)", "계절")):
        if re.search(pattern, t):
            w.tags.append(tag)
    for category in ctx.knowledge.categories:
        # Only telling words: "메뉴 추천해 주세요" does not name the category "아이 메뉴".
        parts = [p for p in category_parts(category) if len(p) >= 2]
        if any(p in t and not re.search(rf"{re.escape(p)}\S*\s*(말고|빼고|제외|아닌)", t) for p in parts):
            w.named_categories.append(category)
    for said, pattern in DISH_TYPES:
        # "막국수 말고": a kind of dish named to leave out is no kind wished for.
        if any(not LEFT_OUT.match(t, m.end()) for m in re.finditer(said, t)):
            w.dish_types.append(pattern)
    for said, pattern in SOFT_TYPES:
        if re.search(rf"(?:{said})\S{{0,2}}\s*(없는|없이|없고|말고|빼고|아닌)", t):
            w.no_soft_types.append(pattern)  # "국물 없는 걸로": the kind kept away, not wished for
        elif re.search(said, t):
            w.soft_types.append(pattern)
    w.snack_with_drink = bool(re.search(r"안주", t))
    w.take_home = bool(re.search(r"사\s*가|사가|포장|선물|택배|부치|보내|집에서|집에\s*가|끓여\s*먹|해\s*먹|밀키트|냉동", t))
    # "아아랑 같이 먹을 빵": the drink they already chose is not a recommendation.
    w.avoid_items = {m.item.name for m in ctx.mentions if not re.search(rf"{re.escape(m.span)}\S{{0,2}}\s*(들어간|들어가는|들어있는|넣은|올라간)", t)}
    if re.search(r"술\s*(은|는|을|이)?\s*(못|안|전혀\s*못)\s*(마시|마셔|먹|묵|하|드시|드셔|드세|자시|잡수|받)|술\s*(은|는|을)?\s*(빼|없는|말고)|"
                 r"운전|임신|임산부|수유|무알코올|무알콜|논알코올|no alcohol|non-?alcoholic|don'?t drink", t, re.I):
        w.no_alcohol = True
    # A morning after: hot food, never another drink ("간밤에 과음해서 속 달랠 거").
    if re.search(r"해장|숙취|과음|술병|속\s*(이|을|좀)?\s*(좀\s*)?(풀|달래|쓰리|쓰려|아파|안\s*좋|뒤집|디비|울렁)|술\s*(이\s*)?(안\s*)?깨|"
                 r"(마셔서|마셨더니|마셨는데|먹었더니|묵었더니|뭇더니|달렸더니)[^.?!]{0,20}(속|머리)", t):
        w.no_alcohol = True
        w.warm = True
    # "주말에 술 마셔서 오늘은 가볍게": drinking told as a story is no wish for a drink.
    if re.search(r"(술|맥주|소주|막걸리|와인)\S{0,2}\s*(을|를|좀|많이|너무|진탕|징하게|엄청)?\s*(마셔서|마셨|먹어서|먹었|묵었|뭇더|달려서|달렸)", t):
        w.no_alcohol = True
    w.alcohol_asked = bool(re.search(r"(?<![가-힣])술|주류|한\s*잔|한잔|맥주|생맥|소주|막걸리|동동주|와인|하이볼|칵테일|사케|고량주|beer|wine|soju", t, re.I))
    if w.alcohol_asked and not ALCOHOL.search(t) and re.search(r"(차|티|커피|라떼|음료|주스)\s*(로|를|나)?\s*(한\s*잔|한잔)", t):
        w.alcohol_asked = False  # "유자차로 한잔": a cup of tea
    if re.search(r"커피\s*(는|를|은)?\s*(못|안|별로|싫)|커피\s*말고", t):
        w.no_coffee = True
        w.no_caffeine = True
    for word in re.findall(r"([가-힣]{1,6}?)\s*(?:은|는|이|가|을|를)?\s*(?:거|것|걸|종류|류)?\s*(?:말고|빼고|제외하고|아닌\s*거)", t):
        stem = re.sub(r"(한|인|은|는|던|운|긴|린|진)$", "", word)
        if stem and stem not in ("그거", "이거", "저거", "그", "이", "저", "없", "있", "안", "못"):
            w.avoid_words.append(stem)
    # What a dish is made without ("소스 안 한 튀김", "오이 없는 김밥"): a noun of the
    # menu's own words, left out like 말고. Allergens and tastes have their own rules.
    for word in re.findall(r"([가-힣]{2,6}?)\s*(?:은|는|이|가|을|를)?\s*(?:안\s*한|안\s*된|안\s*들어간|안\s*들어가는|안\s*넣은|없는|없이)", t):
        if _noun(word) and not allergens.canonical(word) and not re.search(r"^(매운|단|단거|느끼|짠|맵|달|너무|그거|이거|저거|음식|메뉴|카페인|알레르기|알러지|자리|사람|시간)", word):
            w.avoid_words.append(word)
    # A food disliked ("순대는 별로라서", "오이 싫어해요"): left out like 말고. Tastes have their own rules.
    for word in re.findall(r"([가-힣]{2,6}?)\s*(?:은|는|이|가|을|를|도)?\s*(?:별로|싫어|싫은|싫고|안\s*좋아|못\s*먹어|못\s*먹고|못\s*먹는)", t):
        if _noun(word) and not re.search(r"^(매운|단|단거|느끼|짠|맵|달|너무|그거|이거|저거|음식|고기|종류)", word):
            w.avoid_words.append(word)
    # What must be in it ("오징어 들어간 걸로") and what they like ("양념 좋아하는데", "간장 계열로").
    menu_text = compact(" ".join(f"{i.name} {i.description}" for i in ctx.knowledge.menu))
    for word, particle, cue in re.findall(r"([가-힣]{1,6}?)\s*(이|가|을|를|만)?\s*(들어간|들어가는|들어있는|들어 있는|들은|넣은|올라간|있는)\s*"
                                     r"(?:거|걸|것|게|메뉴|음식|요리|간식|안주|반찬|빵|디저트|음료|국물|세트|튀김|케이크|[가-힣]{2,6})"
                                     r"(?=[^.?!]{0,16}?(?:추천|뭐|뭣|있|없|골라|고르|시키|먹고\s*싶|주세요|부탁|알려|좋))", t):
        if particle and len(word) == 1 and not _ingredient(word) and f"{word}{particle}" in menu_text:
            word += particle  # 송이 of 송이 전골, not 송 with a subject marker: the menu's own word
        if allergens.canonical(word) in w.avoid_allergens:
            continue
        if (len(word) >= 2 or allergens.canonical(word)) and word not in ("인기", "맛있") and not re.search(r"(안|못)$", word):
            # "오징어 들어간": a condition; "국물 있는", "알레르기 있는 동생": a word that only ranks.
            (w.liked if cue == "있는" else w.include).append(word)
    for word in re.findall(r"([가-힣]{1,6}?)\s*(?:을|를|이|가)?\s*(?:좋아하|좋아해|좋아요|계열|쪽으로|맛으로|맛\s*나는|베이스)", t):
        if word not in ("제일", "가장", "다", "뭐", "더", "안", "달달한", "매운", "단", "짠") and word not in w.include:
            w.liked.append(word)
    kinds = ctx.kb.menu.find_kinds(ctx.turn.text)
    # A kind left out ("커피 말고") or named as the allergy ("새우 알러지 … 요리 추천") is not wished for.
    w.both = bool(re.search(r"둘\s*다|두\s*(개|가지)\s*다|반반|한\s*번에\s*(다|같이)|다\s*(먹|맛보)", t))
    wished = [k for k in kinds
              if not word_then(k.word, t, LEFT_OUT)  # "불족발 말고 족발로" keeps 족발
              and allergens.canonical(k.word) not in w.avoid_allergens]
    w.kinds = [{i.name for i in k.items} for k in wished]
    w.kind_words = [k.word for k in wished]
    # "족발에 곁들일 사이드": the kind named as the company is not the wish, when another is named.
    side_word, along = bool(SIDE_WORD.search(t)), bool(ALONG.search(t))
    companions = [k for k in kinds if word_then(k.word, t, COMPANY) or (side_word or along) and word_then(k.word, t, HAVING)]
    had = {m.item.name for m in ctx.mentions if word_then(m.span, t, HAVING) or word_then(m.span, t, COMPANY)}
    w.side = side_word or along and bool(companions or had)
    if w.side:
        # "쫄면 시킬 건데 곁들임 하나": neither that dish nor another of its kind is the wish, nor the
        # owner's category or kind of dish its name holds (칼국수 of 바지락칼국수).
        w.company = {i.name for k in companions for i in k.items} | w.avoid_items
        menu_by_name = ctx.knowledge.menu_by_name
        homes = {menu_by_name[n].category for n in w.company if n in menu_by_name}
        w.named_categories = [c for c in w.named_categories if c not in homes]
        w.dish_types = [p for p in w.dish_types if not any(re.search(p, n) for n in w.company)]
    if companions and (len(kinds) > len(companions) or w.side or w.categories):  # a drink to have with a dish named
        gone = [{i.name for i in k.items} for k in companions]
        w.kinds = [k for k in w.kinds if k not in gone]
        w.kind_words = [k.word for k in wished if k not in companions]
        w.named_categories = [c for c in w.named_categories if not any(re.search(rf"(?<![가-힣]){re.escape(k.word)}", c) for k in companions)]
    # "주말에 소주를 마셔서": the drink named is the trouble, not the wish; "막걸리 안주": the drink is
    # what the customer is having, and the wish is what goes with it.
    if w.no_alcohol or w.snack_with_drink:
        menu = ctx.knowledge.menu_by_name
        w.kinds = [k for k in w.kinds if sum(is_alcohol(menu[n]) for n in k if n in menu) * 2 < len(k)]
    w.occasion = {compact(x) for x in (*ctx.query.tokens, *re.findall(r"[가-힣]{2,}", t)) if len(x) >= 2} - NOT_OCCASION
    w.nouns = _told_nouns(t, w)
    if w.side:  # the words of the dish a side goes with tell no need of the side
        w.nouns = [n for n in w.nouns if not any(n in c for c in w.company)]
        w.occasion = {o for o in w.occasion if not any(o in c or c in o for c in w.company)}
    w.sizes = sizes(t)
    w.party = parse_party(t)
    if w.party is None and SOLO.search(t):
        w.party = 1
    if not w.side and w.kinds:
        # "셋이서 부대찌개 먹을 건데 추천 좀": the dish named is the kind wished for, and its sizes
        # are what to choose among, not a dish already chosen.
        w.avoid_items -= set().union(*w.kinds)
    return w


def _staple(ctx: Context, allergen: str) -> bool:
    """The allergen, as written, is what the shop is named for: in the names of a fifth of what it sells
    (장어 of an eel house), at least two."""
    names = [i.name for i in ctx.knowledge.menu if i.available]
    return sum(allergen in n for n in names) >= max(2, len(names) // 5)


# Nouns that tell no need of their own: a kind or time of eating, read above as categories ("간식",
# "점심": a set named 꼬마 간식세트 is no better a snack than 치즈핫바, nor a 점심 특선 the only lunch), and
# the words of the request itself (알레르기, 추천).
NOT_A_NEED = frozenset({"간식", "디저트", "후식", "음료", "안주", "요리", "식사", "음식", "먹거리", "마실거리",
                        "아침", "점심", "저녁", "브런치", "야식", "끼니", "한끼",
                        "알레르기", "알러지", "알레르기성", "추천", "조건", "부탁", "질문"})


def _told_nouns(text: str, w: Wants) -> list[str]:
    """The nouns a request tells its need with ("이사", "숯불", "어르신"), in the order said: not the kinds
    and categories already read, not an allergen (kept away, never sought), not a word of every request."""
    tok = kiwi()
    if tok is None:
        return []
    taken = {*w.kind_words, *w.avoid_words, *w.include, *w.liked, *NOT_A_NEED}
    out: list[str] = []
    for m in tok.morphemes(text):
        form = m.form
        if m.tag in ("NNG", "NNP") and len(form) >= 2 and form not in NOT_OCCASION and form not in taken and form not in out \
                and not allergens.canonical(form):
            out.append(form)
    return out


def _drink(item: MenuItem) -> bool:
    return bool(DRINK_CATEGORY.search(item.category))


def _in_category(item: MenuItem, cat: str) -> bool:
    c = item.category
    return {
        "drink": _drink(item),
        "coffee": bool(re.search(r"(?<!논)커피|coffee", c, re.I)),
        "tea": bool(re.search(r"티|차|tea", c, re.I)) and not re.search(r"커피", c) or _drink(item) and bool(TEA_NAME.search(item.name)),
        "bread": bool(BREAD_CATEGORY.search(c)),
        "dessert": bool(DESSERT_CATEGORY.search(c)),
        "meal": bool(MEAL_CATEGORY.search(c)) and not _drink(item),
    }[cat]


def _tea(item: MenuItem) -> bool:
    return bool(re.search(r"티|차|tea|녹차|홍차|말차", f"{item.category} {item.name}", re.I)) and not re.search(r"커피|라떼", item.name)


def has_caffeine(item: MenuItem) -> bool:
    text = f"{item.name} {item.description}"
    if "디카페인" in item.tags or CAFFEINE_FREE.search(text):
        return False
    return bool(CAFFEINE.search(text) or CAFFEINE.search(item.category) or re.search(r"커피|coffee", item.category, re.I) or "커피" in text)


def is_vegan(item: MenuItem) -> bool:
    return "비건" in item.tags or "비건" in item.name or "vegan" in item.name.lower()


def has_tag(item: MenuItem, tag: str) -> bool:
    """The item carries a wished-for tag under any of its names (대표 for 시그니처)."""
    return any(WANTED_TAGS[tag].search(t) for t in item.tags)


def passes(item: MenuItem, w: Wants) -> bool:
    """Hard constraints: never recommend an item that breaks one."""
    if not item.available or item.name in w.avoid_items:
        return False
    if for_children(item) and not w.kids:
        return False  # 어린이 돈가스 is for a child, whoever asks
    if any(allergens.contains(item, a) for a in w.avoid_allergens):
        return False
    if w.vegan and not is_vegan(item):
        return False
    if (w.no_alcohol or not w.alcohol_asked) and is_alcohol(item):
        return False  # a server offers 소주 to someone who asked for a drink, not for lunch
    if any(not holds(item, word) for word in w.include if _ingredient(word)):
        return False
    if w.no_coffee and (re.search(r"(?<!논)커피|coffee", f"{item.category} {item.name}", re.I) or has_caffeine(item) and not _tea(item)):
        return False
    if any(word in ("고기", "육류") for word in w.avoid_words) and any(allergens.contains(item, m) for m in MEATS):
        # "고기 안 들어간 거": no 갈비, 제육 or 닭 either, whatever the row calls the meat; by the meats
        # themselves, not the word, which a meatless row says too ("고기 없이").
        return False
    if any(word in f"{item.name} {item.category} {item.description}" or _stem_variant(word, f"{item.name} {item.description}")
           or bool(re.search(FAMILIES.get(word.removesuffix("음료"), "$^"), item.name)) for word in w.avoid_words if word not in ("고기", "육류")):
        return False
    if (w.no_caffeine or w.kids) and has_caffeine(item):
        return False
    if (w.spicy is False or w.kids) and item.spicy > 0:
        return False
    if w.spicy and item.spicy == 0:
        return False
    return not (w.budget is not None and (item.price is None or item.price > w.budget))


MEATS = ("돼지고기", "쇠고기", "닭고기")
ALCOHOL = re.compile(r"술|주류|맥주|소주|막걸리|와인|하이볼|칵테일|위스키|사케|생맥|동동주|탁주|고량주|beer|wine|soju", re.I)


def is_alcohol(item: MenuItem) -> bool:
    """A drink with alcohol, by its name, or its category when that holds only drinks of alcohol
    ("음료·주류" holds 콜라 too); 무알콜 맥주 is not."""
    if re.search(r"무알코올|무알콜|논알코올|0\.0", f"{item.name} {item.description}"):
        return False
    pure = ALCOHOL.search(item.category) and not re.search(r"음료|드링크|음식|안주|식사", item.category)
    return bool(ALCOHOL.search(item.name) or pure or re.search(r"도수|알코올\s*\d|\d+\s*도\b", item.description))


def _noun(word: str) -> bool:
    """Kiwi reads the word as a noun (순대, 오이), not an adverb of the sentence (전혀, 아직)."""
    tok = kiwi()
    if tok is None:
        return len(word) >= 2
    morphs = tok.morphemes(word)
    return bool(morphs) and morphs[0].tag.startswith("NN")


def _ingredient(word: str) -> bool:
    """A food or an allergen group ("닭고기 들어간", "치즈 올라간"): a wish every pick must meet. Other
    words ("국물 있는") rank instead."""
    return bool(allergens.canonical(word)) or word in common_foods()


def holds(item: MenuItem, word: str) -> bool:
    """The item has `word` in it, as its own words say: 새우 wished for is a dish of 새우, not one
    seasoned with 새우젓; a group word (해산물, 닭고기) by the allergen table's members named in the
    item's name or description."""
    # Not the category: 족발 filed under 족발보쌈 holds no 보쌈.
    text = f"{item.name} {item.description} {' '.join(item.tags)}"

    def said(w: str) -> bool:
        # Not a stock or a seasoning made of it ("멸치·다시마 육수", "새우젓"): a dish of it is wished for.
        return bool(w) and bool(re.search(rf"{re.escape(w)}(?![^\s,.]{{0,4}}\s*(젓|액젓|소스|가루|육수|국물|기름|오일|다시|분말|추출))", text))

    if said(word):
        return True
    group = allergens.canonical(word)
    if not group:
        return False
    # A wish is met by the word or a member below it (해산물 by 새우), never by the group above it or a
    # sibling: the allergy table keeps a 연어 allergy from every 생선 dish, but 광어 is no 연어 wished for.
    below = allergens.members_below(group)
    # What the item is made of as its own row says: a part it names (a bundle's single) speaks for
    # allergies, not for a wish.
    words = {w for e in allergens.contains(item, group) if e.place != "parts" and not SEASONING.search(e.word)
             if allergens.canonical(w := re.sub(r"\(.*?\)", "", e.word).strip()) in below}
    if len(below) > 1 and any(e.place == "allergens" and re.sub(r"\(.*?\)", "", e.word).strip() in words
                              for e in allergens.contains(item, group)):
        # A group wished for (해물, 해산물): the owner's column naming a member or a subgroup (조개류 of a
        # 봉골레 whose description says 바지락) is the dish's own word for it.
        return True
    return any(said(w) for w in words)


def _stem_variant(word: str, text: str) -> bool:
    """"튀긴 거 말고" also leaves out what says 튀김: the noun and the verb of one stem."""
    forms = {"튀": ("튀김", "튀긴", "튀겨"), "구": ("구이", "구운", "구워"), "볶": ("볶음", "볶은"), "매": ("매운", "매콤")}
    return any(f in text for f in forms.get(word[:1], ())) if len(word) <= 2 else False


@lru_cache(maxsize=4096)
def _tag_key(tag: str) -> str:
    """A tag as compared (cleaned, without spaces); kept, since ranking asks of every item's tags many times a message."""
    return compact(clean(tag))


def tag_matches(item: MenuItem, words: set[str]) -> bool:
    """The owner's tags meet the message: 선물 for "선물용", 해장 for "해장되는", 비오는날 for "비 오는 날"."""
    for tag in item.tags:
        t = _tag_key(tag)
        if t in NOT_OCCASION or any(p.search(t) for p in FAME_TAGS):
            continue
        if len(t) >= 2 and any(t == w or t in w or (len(w) >= 2 and w in t) for w in words):
            return True
    return False


def _named_like(pattern: str) -> Callable[[MenuItem], bool]:
    """The item's name or category fits a loose kind of dish (국물: 짬뽕, 쌀국수, 해장국)."""
    return lambda i: bool(re.search(pattern, i.name) or re.search(pattern, i.category))


def _not_named_like(pattern: str) -> Callable[[MenuItem], bool]:
    """Neither the item's name nor its category is of that loose kind ("국물 없는": no soup)."""
    named = _named_like(pattern)
    return lambda i: not named(i)


def _says(word: str) -> Callable[[MenuItem], bool]:
    """The item's own words say `word` (양념 for "양념 좋아하는데")."""
    return lambda i: word in f"{i.name} {i.description} {' '.join(i.tags)}"


def _narrow(items: list[MenuItem], keep: Callable[[MenuItem], bool]) -> list[MenuItem]:
    """Apply a preference only when something is left, so taste never empties the list."""
    narrowed = [i for i in items if keep(i)]
    return narrowed or items


def _must(items: list[MenuItem], keep: Callable[[MenuItem], bool], unmet: list[str], wish: str) -> list[MenuItem]:
    """Apply a wish the customer stated as a condition (warm, a size, a head count, what must be in
    it): when nothing on the menu meets it, nothing is offered and the wish is named, because an
    item that ignores what was asked reads as the shop's answer to it."""
    narrowed = [i for i in items if keep(i)]
    if items and not narrowed:
        unmet.append(wish)
    return narrowed


def choose(menu: tuple[MenuItem, ...], w: Wants, unmet: list[str] | None = None) -> list[MenuItem]:
    """The items meeting `w`, best first. Stated conditions filter (`_must`; those no item meets are
    added to `unmet`); tastes and occasions only rank or narrow where something is left (`_narrow`)."""
    unmet = [] if unmet is None else unmet
    items = [i for i in menu if passes(i, w)]
    if w.kinds:
        # The kinds named (치킨, 케이크, 나물): only those, whatever category the owner filed them in.
        named = set().union(*w.kinds)
        # "음료나 후식": a kind and another category named beside it are alternatives, each welcome (not
        # the kind's own category: "치킨버거 중에" names 버거 too, and wants the 치킨버거s).
        homes = {i.category for i in menu if i.name in named}
        others = set(w.named_categories) - homes
        items = [i for i in items if i.name in named or i.category in others]
        if w.both and len(w.kind_words) > 1:  # "보쌈하고 족발을 반반으로": what is of every kind named first
            items = _narrow(items, lambda i: all(word in i.name for word in w.kind_words))
        if w.categories:  # "차 한 잔" of an 에이드·티 kind: the teas first
            items = _narrow(items, lambda i: any(TEA_NAME.search(i.name) if c == "tea" else _in_category(i, c) for c in w.categories))
    elif w.named_categories:
        items = [i for i in items if i.category in w.named_categories]
        if w.dish_types:
            items = _narrow(items, lambda i: any(re.search(p, i.name) for p in w.dish_types))
    elif w.dish_types:
        typed = [i for i in items if any(re.search(p, i.name) for p in w.dish_types)]
        items = typed or [i for i in items if any(re.search(p, i.category) for p in w.dish_types)]
    elif w.categories:
        chosen = [i for i in items if any(_in_category(i, c) for c in w.categories)]
        if not chosen and not any(_in_category(i, c) for i in menu for c in w.categories):
            # A stall that files nothing as 디저트 or 간식: the word asks for a snack, not a category.
            chosen = items
        elif not chosen and w.categories == ["meal"]:
            # A menu whose owner named no category 식사 or 밥: the dishes that are not drinks or extras.
            minor = minor_items(menu)
            chosen = [i for i in items if not _drink(i) and i.name not in minor]
        items = chosen
    if w.sweet is False:
        items = [i for i in items if not SWEET.search(i.description)]
    elif w.sweet:  # a wish for something sweet ranks; "not too sweet" above is a limit
        items = _narrow(items, lambda i: bool(SWEET.search(i.description)))
    if w.snack_with_drink:
        items = _narrow(items, lambda i: not _drink(i) and not MEAL_NAME.search(i.name))
    for pattern in w.no_soft_types:
        items = _must(items, _not_named_like(pattern), unmet, "국물 없는" if pattern == BROTH else "안주 말고")
    for pattern in w.soft_types:
        if pattern == BROTH:  # a broth is a condition; a 안주 is any dish that goes with a drink
            items = _must(items, _named_like(pattern), unmet, "국물 있는")
        else:
            items = _narrow(items, _named_like(pattern))
    if w.fresh:
        items = _must(items, lambda i: bool(FRESH.search(f"{i.name} {i.description}")), unmet, "상큼한")
    if w.cool:
        # A drink is served cold unless it says hot or is a tea; a dish must say it is cold.
        items = _must(items, lambda i: not HOT.search(i.description) and bool(
            COOL.search(f"{i.name} {i.description}") or _drink(i) and not TEA_NAME.search(i.name)), unmet, "시원한")
    if w.warm:
        items = _must(items, lambda i: bool(HOT.search(i.description) or WARM_DISH.search(f"{i.name} {i.category}")) and not ICE_ONLY.search(f"{i.name} {i.description}"),
                      unmet, "따뜻한")
    for tag in w.tags:
        if any(has_tag(i, tag) for i in menu):
            items = [i for i in items if has_tag(i, tag)]
    # Occasion and season words the owner tagged (선물, 해장, 겨울, 단체): a narrowing that never empties.
    items = _narrow(items, lambda i: tag_matches(i, w.occasion))
    # The owner's own words for an item ("이사떡으로도 함", "숯불에 구운"): each noun of the need narrows, never to nothing.
    for noun in w.nouns:
        items = _narrow(items, _says(noun))
    if w.sizes:
        items = _narrow(items, lambda i: bool(w.sizes & sizes(i.name)))  # "4인" is a size word and a head count
    party = w.party
    if party is not None and party > 1:
        # Only among what the owner wrote a head count for: a 찌개 with none is for anyone.
        # A party no dish is written for orders several: a ranking, not a condition.
        items = _narrow(items, lambda i: (r := serves(i)) is None or r[0] <= party <= r[1])
    elif party == 1:
        # One person: nothing the owner wrote is for two or more (a 반마리 "1~2인" still is).
        items = _narrow(items, lambda i: (r := serves(i)) is None or r[0] <= 1)
    for word in w.liked:
        items = _narrow(items, _says(word))
    for word in (x for x in w.include if not _ingredient(x)):
        items = _must(items, _says(word), unmet, f"{josa(word, '이')} 들어간")
    if w.kids:
        items = _narrow(items, lambda i: "아이" in i.tags or for_children(i))
    if w.spicy and w.spiciest and items:
        hottest = max(i.spicy for i in items)
        items = [i for i in items if i.spicy == hottest]
    minor = minor_items(menu)
    if w.side:
        # A side goes with the dish named: not a dish of that dish's own category, and what the owner
        # files as a side (곁들임, 사이드) or prices as an extra first; drinks are no side.
        homes = {i.category for i in menu if i.name in w.company}
        items = _narrow([i for i in items if i.name not in w.company], lambda i: i.category not in homes)
        items = _narrow(items, lambda i: not _drink(i) and not EXTRA_CATEGORY.search(i.category))
        items = _narrow(items, lambda i: bool(SIDE_DISH_CATEGORY.search(i.category)))
    # Extras (공기밥, 사리) and, in a restaurant, drinks are offered only when nothing else fits;
    # kits and parcels (밀키트, 택배 세트, 국거리) only to someone taking food home.
    if not w.side:
        items = _narrow(items, lambda i: i.name not in minor)
    if not w.take_home:
        items = _narrow(items, lambda i: not RETAIL.search(f"{i.name} {i.category}"))
    unit = w.unit
    if unit:
        items = _narrow(items, lambda i: unit in f"{i.name} {i.description} {i.category}")  # menus seldom write the unit
    floor = w.budget_from
    if floor is not None:
        items = _must(items, lambda i: i.price is not None and i.price >= floor, unmet, f"{floor:,}원 이상인")

    def rank(i: MenuItem) -> tuple[int, int, int, int]:
        # For a child: children's dishes, then dishes the owner tagged as fine for children.
        for_child = (2 * for_children(i) or int("아이" in i.tags)) if w.kids else 0
        return (-i.spicy if w.spicy else 0, -for_child, i.name in minor, -fame(i))

    return spread(sorted(items, key=rank), rank)


SERVES_RANGE = re.compile(r"(\d{1,2})\s*(?:~|-|∼|에서)\s*(\d{1,2})\s*인")
SERVES_ONE = re.compile(r"(?<![\d~∼-])(\d{1,2})\s*인(?:분|용|\s*세트|\s*메뉴|\s*기준|(?![가-힣]))")
SERVES_WORDS = ((re.compile(r"커플|연인|둘이서"), (2, 2)), (re.compile(r"패밀리|가족|family", re.I), (3, 5)))


def serves(item: MenuItem) -> tuple[int, int] | None:
    """How many people the owner wrote the item is for ("2~3인", "4인 세트", 커플, 패밀리), or None."""
    for text in (item.name, item.description):
        m = SERVES_RANGE.search(text)
        if m:
            return int(m[1]), int(m[2])
        m = SERVES_ONE.search(text)
        if m:
            return int(m[1]), int(m[1])
    for pattern, span in SERVES_WORDS:
        if pattern.search(item.name):
            return span
    return None


def minor_items(menu: tuple[MenuItem, ...]) -> set[str]:
    """Names of what goes with a meal rather than being one: drinks where food is most of the
    menu (not in a cafe), extras (a side category, or a price far below the usual dish)."""
    sold = [i for i in menu if i.available]
    drinks = {i.name for i in sold if _drink(i)}
    food = [i for i in sold if i.name not in drinks]
    prices = sorted(i.price for i in food if i.price)
    usual = prices[len(prices) // 2] if prices else 0
    # 공기밥 at 1,000원 on a menu of 9,000원 찌개: an extra, wherever the owner filed it.
    extras = {i.name for i in food if SIDE_CATEGORY.search(i.category) or (i.price is not None and i.price < 0.4 * usual)}
    return extras | (drinks if len(food) > len(drinks) else set())


def spread(items: list[MenuItem], rank: Callable[[MenuItem], tuple[int, ...]]) -> list[MenuItem]:
    """Among equally good items, take each from the category used least so far, so three picks
    are a 찌개, a 전 and a 덮밥 rather than three 찌개."""
    used: dict[str, int] = {}
    out: list[MenuItem] = []
    rest = list(items)
    ranks = {id(i): rank(i) for i in items}  # once an item: the loop below compares them many times
    while rest:
        best = ranks[id(rest[0])]
        tied = [i for i in rest if ranks[id(i)] == best]
        pick = min(tied, key=lambda i: used.get(i.category, 0))  # min keeps the first of equals
        used[pick.category] = used.get(pick.category, 0) + 1
        out.append(pick)
        rest.remove(pick)
    return out


def why(item: MenuItem, w: Wants) -> str:
    parts = []
    if w.avoid_allergens:
        parts.append(f"메뉴 정보에 {'·'.join(allergens.label(a) for a in w.avoid_allergens)} 표시 없음")
    if w.no_caffeine or (w.kids and _drink(item)):
        parts.append("디카페인" if "디카페인" in item.tags else "카페인 없음")
    if w.vegan:
        parts.append("비건")
    if w.spicy and item.spicy:
        parts.append(f"맵기 {item.spicy}단계")
    for tag in ("시그니처", "인기", "신메뉴", "계절"):
        # The owner's own word for it (대표, 베스트); 신메뉴 and 계절 only when asked for.
        owned = next((t for t in item.tags if WANTED_TAGS[tag].search(t)), None)
        if owned and (tag in w.tags or tag in ("시그니처", "인기")):
            parts.append(owned)
    return ", ".join(dict.fromkeys(parts))


STOP_PERSONAL = re.compile(r"맞춤\s*추천\s*(그만|싫|하지\s*마|안\s*해|끄|꺼|중지)")


def resolve_item(ctx: Context, name: str) -> MenuItem | None:
    """A name from a POS receipt as a menu item: exactly, or as the menu matcher reads it."""
    item = ctx.knowledge.menu_by_name.get(name)
    if item is not None:
        return item
    found = [m for m in ctx.kb.menu.find(name) if m.score >= 1.0]
    return found[0].item if len(found) == 1 else None


class RecommendSkill:
    name = "recommend"
    description = "알레르기, 카페인, 비건, 맵기, 예산, 아이 동반 같은 조건을 지키면서 메뉴를 추천해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if ctx.awaiting == self.name and ctx.state.get("ask_personal") and ctx.ledger is not None:
            answered = await self._personal_answer(turn, ctx)
            if answered is not None:
                return answered
        if ctx.ledger is not None and STOP_PERSONAL.search(ctx.text):
            known = await ctx.ledger.personal(turn.channel, turn.user_key)
            if known is not None:
                await ctx.ledger.set_personal(known[0], False)
            return Reply("recommend", ["알겠어요. 앞으로는 예전에 드신 메뉴를 참고하지 않고 추천해 드릴게요."])
        w: Wants | None = None
        if not ctx.has(ASK):
            if not self._only_the_model_asks(ctx):
                return None
            w = read_wants(ctx)
            if not w.chooses_by():
                return None  # a bare "찌개 종류 뭐 있어요?" is the menu's list
        if not ctx.has(STRONG_ASK) and any(m.score >= 1.0 for m in ctx.mentions):
            return None
        cue = ASK.search(ctx.text)
        if cue and not ctx.has(STRONG_ASK) and any(compact(cue[0]) in compact(m.span) for m in ctx.mentions if m.score >= 0.5):
            return None  # "시그니처 샐러드에 참깨 들어가요?": the cue is a word of the item's own name
        faq = ctx.best_faq()
        if not ctx.has(STRONG_ASK) and not ctx.allergies and faq is not None and (faq.plain_head >= 0.6 or faq.plain_coverage >= 0.9 and faq.plain_confidence >= 0.45):
            # The owner wrote this question ("안 맵게 돼요?"), or an answer that covers all of it; but a
            # yes-or-no rule ("맵기 조절 돼요?") does not say which dish to pick by the wish the message states.
            w = w or read_wants(ctx)
            if not (w.chooses_by() and ctx.has(WHICH) and not WHICH_HEADING.search(clean(faq.id))):
                return None
        if ctx.has(ELSEWHERE):
            text = "죄송해요, 다른 가게나 동네 정보는 제가 안내해 드리기 어려워요. 저희 가게 메뉴나 이용 안내라면 무엇이든 물어봐 주세요!"
            return Reply("unknown", [text], quick_replies=[QuickReply("메뉴 추천", "메뉴 추천해 주세요"), STAFF_QR])
        w = w or read_wants(ctx)
        unknown = unknown_allergies(ctx)
        if unknown:
            return allergy_unknown_reply(unknown, [])
        if not w.avoid_allergens and not ctx.allergies and re.search(allergens.ALLERGY_WORD, ctx.text, re.I):
            # An allergy said without its allergen (or with one in words not read): nothing can be kept away
            # from a plate, so no list; a person asks which and checks.
            text = ("어떤 재료에 알레르기가 있으신지 확인이 필요해요. 정확하게 확인해 드릴 수 있도록 직원에게 연결해 드릴게요. "
                    "기다리시는 동안 알레르기가 있는 재료를 알려 주시면 함께 전해 드릴게요.")
            return Reply("escalate", [text], escalate=True, handoff="allergy")
        if ctx.ledger is not None:
            personal = await self._personal(turn, ctx, w)
            if personal is not None:
                return personal
        return self.recommend(ctx, w)

    @staticmethod
    def _only_the_model_asks(ctx: Context) -> bool:
        """A request the pattern missed and the trained reader saw (bot/understand/asks.py), taken only
        when nothing else claims the message: no FAQ answers it, and it does not ask whether something
        may be eaten ("크렘브륄레 먹어도 되나요?" with an egg allergy is a yes or no, never a list). The
        caller also asks that the message say something to choose by. Cheap checks first: the model last."""
        if ctx.has(IS_IT_SAFE):
            return False
        faq = ctx.best_faq()
        if faq is not None and not (ctx.has(WHICH) and not WHICH_HEADING.search(clean(faq.id)) and read_wants(ctx).chooses_by()):
            return False  # the owner's answer, unless it is a yes-or-no rule and the message asks which dish by a wish
        return ctx.asks_to_choose

    async def _personal(self, turn: Turn, ctx: Context, w: Wants) -> Reply | None:
        """A known customer's own favourites (with their yes), or the question whether they want that."""
        known = await ctx.ledger.personal(turn.channel, turn.user_key)
        if known is None:
            return None
        customer, allowed, history = known
        if allowed is None:
            plain = self.recommend(ctx, w)
            days = ctx.ledger.keep_days
            kept = f"최대 {days // 365}년" if days and days % 365 == 0 else f"최대 {days}일" if days else "따로 정한 기간 없이"
            ask = (f"예전에 드신 메뉴를 기억해 두었다가 다음부터 맞춤으로 추천해 드려도 될까요? 주문 기록만 쓰고 {kept} 보관해요. "
                   "싫으시면 안 하셔도 추천은 똑같이 해 드려요. 언제든 '맞춤 추천 그만'이라고 하시면 멈춰요.")
            return dataclasses.replace(plain, texts=[*plain.texts, ask], card_texts=[*(plain.card_texts or []), ask],
                                       awaiting=self.name, state={"ask_personal": customer},
                                       quick_replies=[QuickReply("네, 좋아요", "네, 맞춤 추천 좋아요"), QuickReply("아니요", "아니요, 괜찮아요"),
                                                      *plain.quick_replies])
        if not allowed:
            return None
        chosen = personal_picks(choose(ctx.knowledge.menu, w), history, ctx.now, lambda name: resolve_item(ctx, name))
        if not chosen:
            return None
        lines = [f"• {p.item.name}" + (f" {price_label(p.item)}" if price_label(p.item) else "") + f": {p.reason}" for p in chosen]
        first = chosen[0]
        lead = f"지난번 드신 {josa(first.item.name, '이')} 또 어떠세요?" if first.again else "이런 메뉴는 어떠세요?"
        caution = ""
        if w.avoid_allergens:
            named = ", ".join(allergens.label(a) for a in w.avoid_allergens)
            caution = f"{josa(named, '이')} 들어간 메뉴는 메뉴 정보 기준으로 뺐어요. 알레르기가 심하시면 주문할 때 꼭 직원에게 말씀해 주세요."
        text = "\n".join([lead, *lines, *([caution] if caution else [])])
        cards = [Card(p.item.name, p.reason, p.item.price, p.item.image) for p in chosen]
        return Reply("recommend", [text], [Source("menu", p.item.name) for p in chosen], cards=cards, card_texts=[lead],
                     quick_replies=[QuickReply("다른 메뉴 추천", "다른 메뉴도 추천해 주세요"), STAFF_QR])

    async def _personal_answer(self, turn: Turn, ctx: Context) -> Reply | None:
        customer = int(ctx.state["ask_personal"])
        if YES.search(ctx.text):
            await ctx.ledger.set_personal(customer, True)
            return Reply("recommend", ["좋아요! 다음부터 예전에 드신 메뉴를 참고해서 추천해 드릴게요. 언제든 '맞춤 추천 그만'이라고 하시면 멈춰요."])
        if NO.search(ctx.text):
            await ctx.ledger.set_personal(customer, False)
            return Reply("recommend", ["알겠어요. 지금처럼 추천해 드릴게요."])
        return None  # something else: the skills in their order take it

    def recommend(self, ctx: Context, w: Wants) -> Reply:
        """Up to three items meeting `w`: the typed entry point the model's tool calls as well."""
        unmet: list[str] = []
        picks = choose(ctx.knowledge.menu, w, unmet)[:3]
        if not picks:
            wished = f"{unmet[0]} 메뉴는 메뉴 정보에서" if unmet else "말씀하신 조건에 맞는 메뉴를"
            text = f"{wished} 찾지 못했어요. 직원에게 한 번 더 확인해 드릴까요?"
            return Reply("recommend", [text], quick_replies=[STAFF_QR, QuickReply("메뉴 보기", "메뉴 보여 주세요")])
        lines = []
        for item in picks:
            price = f" {price_label(item)}" if price_label(item) else ""
            reason = why(item, w)
            lines.append(f"• {item.name}{price}: {item.description}" + (f" ({reason})" if reason else ""))
        caution = ""
        if w.avoid_allergens:
            named = ", ".join(allergens.label(a) for a in w.avoid_allergens)
            caution = (f"{josa(named, '이')} 들어간 메뉴는 메뉴 정보 기준으로 뺐어요. 같은 주방에서 조리해서 교차 오염 가능성이 있으니, "
                       "알레르기가 심하시면 주문할 때 꼭 직원에게 말씀해 주세요.")
        text = "\n".join(["이런 메뉴는 어떠세요?", *lines, *([caution] if caution else [])])
        cards = [Card(i.name, " ".join(p for p in (i.description, f"({why(i, w)})" if why(i, w) else "") if p), i.price, i.image) for i in picks]
        quick = [QuickReply("다른 메뉴 추천", "다른 메뉴도 추천해 주세요"), QuickReply("예약하기", "예약하고 싶어요"), STAFF_QR]
        card_texts = [" ".join(p for p in ("이런 메뉴는 어떠세요?", caution) if p)]
        return Reply("recommend", [text], [Source("menu", i.name) for i in picks], cards=cards, quick_replies=quick, card_texts=card_texts)
