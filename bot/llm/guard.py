"""What the model may write on its own, checked before a customer reads anything.

The model speaks facts only through references (bot.llm.references). This module checks the
rest, the model's own words, for anything that would be a fact without one. It does not try to
recognise every way of writing a wrong price (a pattern list always misses a form); it refuses
the *kinds* of words a fact is made of, read as Kiwi morphemes:

- numbers of any form: digits, Korean numerals (NR; 두/세/여덟 before a counter), English
  number words, CJK numerals before a counter, currency signs and percent. A number the
  customer wrote may be repeated, and 한/하나 (한 번, 한 그릇) is ordinary speech;
- food-like names that are not the shop's: a compound ending the way the shop's dishes end
  (짜장 + 떡볶이 when the menu has 떡볶이 only inside its own names), or a name listed alongside
  menu items, that no file mentions;
- fact words (weekdays, holidays, offers, locations) in a sentence that cites no reference;
- an absence or safety claim next to an ingredient or allergen;
- a reference that does not fit its sentence (a price for another item, another day's hours);
- the instructions themselves: talk of prompts, rules and tools, or sentences that overlap the
  instructions' own wording in Korean or English.

Each problem is a short English phrase for the log; the customer gets the offline answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from bot.kb.records import Knowledge, MenuItem
from bot.kb.text import compact
from bot.llm import references
from bot.understand import allergens

NUMERAL_MM = {"한": 1, "두": 2, "세": 3, "석": 3, "서": 3, "네": 4, "넉": 4, "너": 4, "다섯": 5, "닷": 5, "여섯": 6, "엿": 6,
              "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스무": 20, "두세": 2, "서너": 3, "너덧": 4, "대여섯": 5}
NATIVE = {"하나": 1, "둘": 2, "셋": 3, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스물": 20,
          "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}
SINO = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
SINO_UNITS = {"십": 10, "백": 100, "천": 1000, "만": 10_000, "억": 100_000_000}
# 만 원, 천원 with no numeral before them: one of the unit.
BARE_UNIT_WON = re.compile(r"(?<![가-힣\d])(백|천|만)\s*원(?!래)")
EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
              "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6,
              "dozen": 12, "half": -1, "once": 1, "twice": 2, "first": 1, "second": 2, "third": 3, "single": 1, "double": 2}
HALF = re.compile(r"(?<![가-힣])반\s*(?:되|말|개|공기|그릇|인분|마리|접시|판|병|잔|근|줄|조각|사이즈)(?![가-힣])")
DAY_COUNTS = {"이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "여드": 8, "아흐": 9, "열흘": 10, "보름": 15}
DAY_COUNT = re.compile(r"(?:이틀|사흘|나흘|닷새|엿새|이레|여드레|아흐레|열흘|보름)(?![가-힣]{2})")
SIGNS = re.compile(r"[₩$€¥£%‰]|\bKRW\b|\bwon\b|\bUSD\b|\bam\b|\bpm\b|\ba\.m\.|\bp\.m\.", re.I)
CJK_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千万萬億两兩]{2,}|(?<!星期)(?<!礼拜)(?<!周)[〇零一二三四五六七八九十百千万萬億两兩半]"
                        r"[元円块塊圓韩韓ウ時时点點分人名個个位杯份张張枚%％號号]")

# Fact words: a sentence that holds one must cite a reference; the classes are generic, not a shop's.
SCHEDULE = re.compile(
    r"[월화수목금토일]요일|주말|평일|휴무|휴일|휴업|쉬는\s*날|정기\s*휴|연휴|명절|공휴일|설날|설\s*연휴|구정|추석|한가위|"
    r"신정|크리스마스|성탄|이브|어린이날|어버이날|광복절|삼일절|현충일|한글날|개천절|석가탄신일|부처님\s*오신|대보름|"
    r"브레이크|라스트\s*오더|마지막\s*주문|연중무휴|오전|오후|정오|자정|새벽|"
    r"쉬(?:어|는|고|었|니|세|ㅂ)|쉽니|쉴\s|문\s*(?:을\s*)?(?:열|닫|여)|닫(?:아|는|습|고)|마감|영업(?!\s*시간)|오픈|"
    r"\bopen(?:s|ing)?\b|\bclosed?\b|\bclosing\b|\bday\s+off\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bweekdays?\b|\bholidays?\b|\bchristmas\b|\bnew\s+year|"
    r"\bbreak\b|\blast\s+orders?\b|\bnoon\b|\bmidnight\b|"
    r"星期|礼拜|周末|工作日|休息|营业|營業|节日|節日|假日|曜日?|週末|平日|定休|休業|営業|祝日|休み", re.I)
OFFER = re.compile(
    r"할인|무료|공짜|반값|반액|세일|특가|이벤트|행사|증정|사은품|캐시백|쿠폰|적립|포인트|스탬프|도장|서비스로|덤으로|프로모션|혜택|깎아|"
    r"추가\s*(?:요금|비용|금액)\s*(?:없|안)|돈\s*(?:을\s*)?(?:안|더\s*안)\s*받|그냥\s*(?:더\s*)?드려|무상|"
    r"\bdiscounts?\b|\boff\b|\bfree\b|\bhalf[- ]price\b|\bdeals?\b|\bcoupons?\b|\bcash\s*back\b|\bpromotions?\b|"
    r"\bevents?\b|\bcomplimentary\b|\bstamps?\b|\bpoints\b|折扣|优惠|優惠|免费|免費|打折|赠送|贈送|活动|活動|"
    r"割引|無料|半額|クーポン|サービス|特典|ポイント", re.I)
LOCATION = re.compile(r"출구|번지|[가-힣]역(?:(?![가-힣])|(?=에|에서|이|으로|앞|근처|쪽|과|하고))|\d*층|지하|지상|위층|아래층|건물|맞은편|건너편|골목|사거리|삼거리|입구|"
                      r"\bexit\b|\bstation\b|\bfloor\b|\bbuilding\b|\bbasement\b|\bupstairs\b|\bnext\s+to\b|\bopposite\b|"
                      r"地铁|地鐵|出口|楼|樓|駅|階|地下", re.I)
LOCATION_WORDS = frozenset({"지하", "출구", "역", "층", "건물", "옆", "앞", "뒤", "근처", "골목", "입구", "가게", "매장", "주소", "위치", "바로", "맞은편",
                            "건너편", "사거리", "삼거리", "쪽", "방향", "길", "도보", "거리"})
# An absence or safety claim: after an allergen or ingredient, the model never writes one.
ABSENCE = re.compile(r"없|않|안\s*들어|안\s*넣|아니|빼|제외|괜찮|안심|안전|걱정\s*(없|마|안)|드셔도\s*(돼|되)|먹어도\s*(돼|되)|"
                     r"\bno\b|\bnot\b|\bwithout\b|\bfree\b|\bsafe\b|\bfine\b|\bokay\b|\bok\b|n't|"
                     r"没有|沒有|不含|无|無|安全|放心|可以吃|ない|ません|大丈夫|安心", re.I)
# Allergy talk in any language the guard reads: such a sentence never carries an absence or safety claim.
ALLERGY_TALK = re.compile(r"알레르기|알러지|allerg|アレルギー|过敏|過敏|卵|蛋|花生|ピーナッツ|乳|牛奶|虾|蝦|エビ|小麦|麦|大豆|ナッツ|坚果|堅果", re.I)
# Talk about the bot's own configuration.
META = re.compile(
    r"프롬프트|시스템|지침|지시|규칙|설정|지식\s*파일|기록\s*파일|도구|함수|토큰|언어\s*모델|knowledge|customer_message|"
    r"menu\.csv|faq\.md|store\.toml|danggol|단골\s*봇|파일|서버가|중괄호|참조|템플릿|placeholder|\btemplates?\b|\bbraces?\b|\bFAQ\b|데이터베이스|database|"
    r"\bprompts?\b|\binstruct\w*|\bsystem\b|\brules?\b|\bguidelines?\b|\bconfigur\w*|\bsettings?\b|\btools?\b|\bfunctions?\b|"
    r"\btemperature\b|\btokens?\b|\bi\s+was\s+told\b|\bi\s+am\s+told\b|\bprogrammed\b|\blanguage\s+model\b|"
    r"指令|指示|提示词|提示詞|规则|規則|系统|系統|设定|設定|引用|プロンプト|システム|ルール|ツール|工具", re.I)
SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
LIST_SPLIT = re.compile(r",|·|/|、|和|或|と|や|\s(?:와|과|랑|이랑|하고|이나|나|및|또는|and|or)\s|(?<=[가-힣])(?:와|과|랑|이랑)\s")
NOUN_TAGS = ("NNG", "NNP", "XR", "SL", "SH")
# How Korean dish names end (a closed class of morphemes, not a list of dishes): a name the files do
# not know that ends this way, or the way the shop's own dishes end, is taken for an invented dish.
DISH_ENDINGS = ("세트", "정식", "코스", "플래터", "도시락", "탕", "찜", "죽", "떡", "만두", "볶음", "구이", "튀김", "무침", "조림",
                "전골", "국밥", "덮밥", "볶음밥", "비빔밥", "국수", "냉면", "라면", "우동", "김밥", "찌개", "주스", "에이드", "라떼",
                "스무디", "빙수", "케이크", "쿠키")
SET_WORDS = ("세트", "정식", "코스", "플래터", "도시락")
# A sentence about eating or serving: a name in it that no file has is an invented dish or side.
FOOD_CONTEXT = re.compile(r"메뉴|후식|디저트|안주|사리|반찬|음료|특선|세트|곁들|어울려|추천|드셔\s*보|시켜|넣어\s*드|추가|나와요|나갑니다|"
                          r"드려요|드립니다|팔아요|판매|준비돼|준비되|제공|맛있|인기|\bmenu\b|\bserve|\btry\b|\bpairs?\b|\bgoes\s+well", re.I)
# Right after a name: it is served, added or given ("라면사리 추가 가능해요", "김치전도 돼요", "수박 드려요").
PROVIDED = re.compile(r"(?:\s*(?:이|가|을|를|도|은|는|만|이랑|랑|로|으로|로도|으로도)\s*|\s+)(?:잘\s*|같이\s*|함께\s*|바로\s*|지금\s*|따로\s*)?(?:추가\s*)?"
                      r"(?:드려요|드립니다|드릴게요|넣어\s*드|나와요|나옵니다|나갑니다|있어요|있습니다|팔아요|팝니다|준비돼|준비되어|"
                      r"가능|돼요|됩니다|어울려요|어울립니다|서비스|곁들이|곁들여|해\s*드려|해\s*드립|해\s*드릴|바꿔\s*드|변경해\s*드)")
# "We have soju, beer and lemonade": a list of things the shop sells, none of them cited or named as the menu does.
EN_OFFER = re.compile(r"\bwe\s+(?:have|serve|offer|also\s+have|sell)\s+([^.!?]+)", re.I)
# English dish words the shop's (Korean) files would never hold: an English answer offering one invented it.
EN_DISH = re.compile(r"\b(?:we\s+(?:have|serve|offer|also\s+have|make)|try\s+(?:the|our|some)|with\s+(?:our|the|some)|"
                     r"comes?\s+with|served\s+with|order\s+(?:the|our|some))\s+(?:[A-Za-z'-]+\s+){0,3}?(?:rolls?|soups?|stews?|salads?|sushi|sashimi|tartare|platters?|combos?|desserts?|"
                     r"cakes?|juices?|beers?|wines?|sodas?|noodles|fried\s+rice|dumplings?|burgers?|pizzas?|pasta|steaks?|"
                     r"ice\s+cream|smoothies?|teas?|coffee|lattes?)\b", re.I)
# Category words that end ordinary phrases too (신메뉴, 점심 식사): not a sign of a dish name.
# Ordinary nouns of shop chat that are never a dish, whether or not this shop's files use them.
ORDINARY = frozenset({"날짜", "시간", "자리", "좌석", "테이블", "인원", "예약", "결제", "카드", "현금", "안내", "문의", "확인", "연락", "전화",
                      "손님", "아이", "아기", "혼자", "가족", "친구", "단체", "주차", "화장실", "와이파이", "직원", "사장님", "오늘", "내일",
                      "주말", "점심", "저녁", "아침", "처음", "다음", "이번", "정도", "양", "맛", "가격", "요금", "기간", "날", "이용",
                      "방문", "도움", "설명", "답변", "말씀", "부탁", "상관", "걱정", "기다림", "대기", "웨이팅", "번호", "위치", "근처"})
GENERIC_HEADS = frozenset({"메뉴", "음식", "요리", "종류", "식사", "추가", "기타", "사이드", "주문", "포장", "음료", "추천", "인기"})


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problems: tuple[str, ...] = ()


class Morphemes:
    """Kiwi's morphemes through the retrieval tokenizer's shared instance (one model per process)."""

    @staticmethod
    def tokenize(text: str) -> list:  # type: ignore[type-arg]
        from bot.kb.tokenizer import KiwiTokenizer, get_tokenizer

        tok = get_tokenizer("kiwi")
        assert isinstance(tok, KiwiTokenizer)
        return tok.morphemes(text)


@dataclass(frozen=True)
class Number:
    word: str  # as written
    value: int | None  # None when it cannot be read (a range, a decimal form)
    end: int  # offset after it in the text


def number_words(text: str) -> list[Number]:
    """Every number in `text`: digit runs, Korean numeral morphemes (a run of NR, or 두/세/여덟 before a
    counter), English number words. A numeral that is the stem of a word (삼삼하다) is not a number."""
    out: list[Number] = []
    for m in re.finditer(r"\d[\d,.]*", text):
        digits = m[0].replace(",", "").rstrip(".")
        try:
            value: int | None = int(float(digits))
        except ValueError:
            value = None
        out.append(Number(m[0], value, m.end()))
    tokens = Morphemes.tokenize(text)
    run: list = []  # type: ignore[type-arg]
    for t in [*tokens, None]:
        if t is not None and (t.tag == "NR" or t.tag == "MM" and t.form in NUMERAL_MM):
            run.append(t)
            continue
        if run:
            # 삼삼하다, 팔팔하다: a numeral glued to 하 is an adjective's stem (Kiwi may read 하고 as a particle)
            stem = t is not None and t.form.startswith("하") and t.start == run[-1].start + run[-1].len
            if not stem:
                end = run[-1].start + run[-1].len
                out.append(Number("".join(r.form for r in run), _value([r.form for r in run]), end))
            run = []
    for m in BARE_UNIT_WON.finditer(text):
        # "만원이에요": Kiwi reads 만원 as one noun, so no numeral run carries its 10,000.
        out.append(Number(m[0], SINO_UNITS[m[1]], m.end()))
    for m in HALF.finditer(text):
        out.append(Number(m[0], None, m.end()))  # 반 되, 반 그릇: a quantity, never echoed
    for m in DAY_COUNT.finditer(text):
        out.append(Number(m[0], DAY_COUNTS[m[0][:2]], m.end()))
    for m in re.finditer(r"[A-Za-z]+", text):
        if m[0].lower() in EN_NUMBERS:
            out.append(Number(m[0], EN_NUMBERS[m[0].lower()], m.end()))
    return out


def numbers(text: str) -> tuple[list[str], set[int]]:
    """The number words in `text` (as written) and their values."""
    found = number_words(text)
    return [n.word for n in found], {n.value for n in found if n.value is not None}


def _value(run: list[str]) -> int | None:
    """Korean numeral morphemes as an integer: 칠 천 오 백 → 7500, 스물 두 → 22, 세 → 3."""
    if len(run) == 1 and run[0] in NUMERAL_MM:
        return NUMERAL_MM[run[0]]
    total, section, digit = 0, 0, 0
    for w in run:
        if w in NATIVE or w in NUMERAL_MM:
            section += NATIVE.get(w, NUMERAL_MM.get(w, 0))
        elif all(ch in SINO or ch in SINO_UNITS for ch in w):
            for ch in w:
                if ch in SINO:
                    digit = SINO[ch]
                elif ch == "만" or ch == "억":
                    total += (section + digit or 1) * SINO_UNITS[ch]
                    section, digit = 0, 0
                else:
                    section += (digit or 1) * SINO_UNITS[ch]
                    digit = 0
        else:
            return None
    return total + section + digit


# A number the customer wrote may be repeated as a count (세 분, 두 그릇), never as money, a time or a place:
# "100원이라고 해" must not come back as a price.
NOT_ECHOED = re.compile(r"\s*(?:원|만\s*원|천\s*원|won|krw|시(?!간)|층|번지|번\s*출구|%|퍼센트|프로|할|배)", re.I)
# ... except a budget the customer set, said back as one ("만 원 안쪽으로는").
BUDGET = re.compile(r"\s*(?:만\s*|천\s*)?원\s*(?:안쪽|이하|이내|아래|미만|대|정도로|으로|까지|선에서)|\s*won\s+(?:or\s+less|budget)", re.I)


# 한 번, 한 그릇, 한 잔, 하나 더: "one" as ordinary speech; 한 시간, 한 개, 한 명 are quantities.
ORDINARY_ONE = re.compile(r"\s*(?:번|그릇|잔|입|끼|숟가락|모금|가지|바퀴|곳|마디|더|씩|도\s|쯤)")
CLOSED_CLAIM = re.compile(r"쉬(?:어|는|고|었|니|세|ㅂ)|쉽니|휴무|휴업|닫|문\s*(?:을\s*)?안\s*열|영업\s*(?:을\s*)?안|"
                          r"\bclosed\b|\bday\s+off\b|休息|休み|定休", re.I)
OPEN_CLAIM = re.compile(r"영업해|영업합|영업하|정상\s*영업|문\s*(?:을\s*)?열|열어|엽니|오픈|\bopen\b|营业|營業|営業", re.I)
# Words that name a holiday and the dates they can mean; the store's own holiday reasons are read too.
HOLIDAY_DATES = {"크리스마스이브": (12, 24), "이브": (12, 24), "크리스마스": (12, 25), "성탄": (12, 25), "christmas": (12, 25),
                 "신정": (1, 1), "새해": (1, 1), "new year": (1, 1), "어린이날": (5, 5), "광복절": (8, 15), "삼일절": (3, 1),
                 "현충일": (6, 6), "한글날": (10, 9), "개천절": (10, 3)}
# A sentence that settles a question of service ("배달도 돼요") without citing anything.
SERVICE_CLAIM = re.compile(r"(?:돼요|되요|됩니다|가능|불가|있어요|있습니다|없어요|없습니다|안\s*돼|받아요|받습니다|"
                           r"\bwe\s+(?:do|don't|have|offer|accept)\b|\byes\b|\bsure\b)", re.I)


NEGATION = re.compile(r"안\s|않|없|못\s|불가|어렵|아니|\bno\b|\bnot\b|n't|没|不|ない|ません", re.I)


# What a question about the booking rules asks for, so a limit is not given for another one.
BOOKING_ASKS = {
    "max_party": re.compile(r"몇\s*(명|분|사람)|인원|명\s*까지|최대|how\s+many\s+(people|guests)|party\s+size", re.I),
    "duration": re.compile(r"얼마나\s*(있|앉|머물|이용)|몇\s*시간|이용\s*시간|how\s+long\s+(can|do)", re.I),
    "lead": re.compile(r"몇\s*(분|시간)\s*전|얼마나\s*전|전에\s*(해야|예약|말)|전까지|당일|how\s+(early|soon)|in\s+advance\s+must", re.I),
    "ahead": re.compile(r"며칠|미리|언제부터|몇\s*일\s*(뒤|후|전)|how\s+far|ahead", re.I),
}


class Guard:
    """The checks for one shop's knowledge; built once per knowledge snapshot, used for every answer."""

    def __init__(self, k: Knowledge, instructions: Iterable[str] = ()):
        self.k = k
        self.instructions = [compact(s) for s in instructions if len(compact(s)) >= 8]

    @cached_property
    def known(self) -> str:
        """Every word of the shop's files, squeezed: a name found here is the owner's, not the model's."""
        parts = [self.k.store.name, self.k.store.category, self.k.store.address]
        for i in self.k.menu:
            parts += [i.name, i.category, i.description, *i.tags, *i.allergens]
        for f in self.k.faqs:
            parts += [f.id, f.category, *f.aliases, f.answer]
        for s in self.k.synonyms:
            parts += [s.canonical, *s.variants]
        parts += [h.reason for h in self.k.store.holidays]
        return compact(" ".join(p for p in parts if p))

    @cached_property
    def faq_words(self) -> frozenset[str]:
        """Nouns of the owner's FAQ that the menu does not use: the topics only an FAQ entry can settle."""
        menu = compact(" ".join(f"{i.name} {i.category} {i.description}" for i in self.k.menu))
        words = set()
        for f in self.k.faqs:
            for t in Morphemes.tokenize(" ".join([*f.aliases, f.id])):
                if t.tag in ("NNG", "NNP") and len(t.form) >= 2 and t.form not in menu and t.form not in GENERIC_HEADS:
                    words.add(t.form)
        return frozenset(words)

    @cached_property
    def distinctive(self) -> frozenset[str]:
        """FAQ topic nouns that one entry alone asks about (학생 in the student discount entry)."""
        counts: dict[str, int] = {}
        for f in self.k.faqs:
            asked = compact(" ".join([f.id, *f.aliases]))
            for w in self.faq_words:
                if w in asked:
                    counts[w] = counts.get(w, 0) + 1
        return frozenset(w for w, n in counts.items() if n == 1)

    def faq_text(self, n: int) -> str:
        f = self.k.faqs[n - 1]
        return compact(" ".join([f.id, *f.aliases, f.answer]))

    @cached_property
    def heads(self) -> frozenset[str]:
        """How the shop's dishes end: the last noun morpheme of each item name and category (떡볶이, 우동…)."""
        out = set()
        for text in {*(i.name for i in self.k.menu), *(i.category for i in self.k.menu if i.category)}:
            nouns = [t.form for t in Morphemes.tokenize(text) if t.tag in NOUN_TAGS]
            if nouns and nouns[-1] not in GENERIC_HEADS:
                out.add(nouns[-1])  # 광어회 gives 회: used only for names of three syllables or more
        return frozenset(out)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(compact(i.name) for i in self.k.menu) | frozenset(
            compact(i.category) for i in self.k.menu if i.category)

    def check(self, raw: str, question: str, refs: list[references.Ref], find_items, today: date) -> Verdict:  # type: ignore[no-untyped-def]
        """`raw` is the model's text with its references; `find_items(text)` lists the menu items a text names."""
        problems: list[str] = []
        own = references.outside(raw)
        if "{" in own or "}" in own:
            problems.append("a brace left that is not a reference")
        named = references.REF.sub(lambda m: f" {m[2]} " if m[1] in ("menu", "price") and m[2] else " ◆ ", raw)
        self._numbers(own, question, problems)
        self._menu_like(own, named, question, problems)
        self._meta(own, problems)
        asked = set(find_items(question))
        previous: set[MenuItem] = set()
        faqs_cited = {int(r.arg) for r in refs if r.kind == "faq" and r.arg.isdigit() and 1 <= int(r.arg) <= len(self.k.faqs)}
        for m in SENTENCE.finditer(raw):
            sentence = m[0]
            words = references.outside(sentence)
            cited = [r for r in refs if m.start() <= r.start < m.end()]
            self._facts(words, cited, question, faqs_cited, problems)
            named_items = set(find_items(words))
            self._absence(words, named_items, problems)
            self._fit(words, cited, named_items, asked | previous, question, today, problems)
            self._order(raw, m.start(), cited, find_items, problems)
            self._unsold(words, named_items, problems)
            previous |= named_items | {r.item for r in cited if r.item is not None}
        return Verdict(not problems, tuple(dict.fromkeys(problems)))

    # --- the checks ---------------------------------------------------------------------------------

    def _numbers(self, own: str, question: str, problems: list[str]) -> None:
        said = number_words(own)
        for sign in SIGNS.findall(own) + CJK_NUMBER.findall(own):
            problems.append(f"number sign {sign!r}")
        if not said:
            return
        customer = numbers(question)[1]
        for n in said:
            ordinary_one = (n.word in ("한", "하나") and ORDINARY_ONE.match(own, n.end) is not None
                            or n.word.lower() in ("one", "once", "single", "first"))
            echoed = n.value is not None and n.value in customer and (not NOT_ECHOED.match(own, n.end) or BUDGET.match(own, n.end))
            if not (ordinary_one or echoed):
                problems.append(f"number {n.word!r}")

    def _menu_like(self, own: str, named: str, question: str, problems: list[str]) -> None:
        """`own` is the model's words; `named` the same with menu references written as the items' names."""
        asked = compact(question)
        tokens = Morphemes.tokenize(own)
        compounds: list[tuple[str, int]] = []  # (surface, start)
        for t in tokens:
            if t.tag not in NOUN_TAGS or t.tag == "SL" and not t.form[:1].isupper():
                continue
            if compounds:
                surface, start = compounds[-1]
                gap = own[start + len(surface):t.start]
                if gap == "" or gap == " " and t.form in SET_WORDS:
                    compounds[-1] = (surface + gap + t.form, start)
                    continue
            compounds.append((t.form, t.start))
        foreign = len(re.findall(r"[가-힣]", own)) * 2 < len(re.findall(r"[A-Za-z\u3040-\u30ff\u4e00-\u9fff]", own))
        endings = self.heads | frozenset(DISH_ENDINGS)
        for surface, at in compounds:
            c = compact(surface)
            if len(c) < 2 or c in self.known or c == "◆" or c in GENERIC_HEADS or c in ORDINARY:
                continue
            if SCHEDULE.fullmatch(surface) or OFFER.fullmatch(surface) or LOCATION.fullmatch(surface) or surface in ("브레이크", "라스트"):
                continue  # a fact word: the reference rule, not the menu, decides about it
            tags = {t.tag for t in tokens if surface.startswith(t.form) or surface.endswith(t.form)}
            if tags <= {"XR"}:
                continue  # 삼삼, 시원: roots of adjectives, not names
            sentence = next((m[0] for m in SENTENCE.finditer(own) if m.start() <= at < m.end()), own)
            after = own[at + len(surface):]
            nxt = next((t for t in tokens if t.start == at + len(surface)), None)
            verb = nxt is not None and nxt.tag in ("XSV", "XSA")  # 해당되다, 시원하다: a verb, not a thing
            provided = not verb and PROVIDED.match(after) is not None and not NEGATION.search(sentence)
            if c in asked:
                # The customer's own word for something the files do not have: only a "no" may follow.
                if re.search(r"[가-힣]", c) and provided:
                    problems.append(f"says yes to {surface!r}, which the files do not have")
                continue
            ends = any(c.endswith(e) and (len(c) > len(e) or e in DISH_ENDINGS) and (len(e) >= 2 or len(c) >= 3) for e in endings)
            if ends and re.search(r"[가-힣]", c):
                problems.append(f"dish {surface!r} not on the menu")
            elif self._listed_with_items(surface, named):
                problems.append(f"item {surface!r} listed with the menu but not on it")
            elif foreign and re.search(r"[가-힣]", c):
                problems.append(f"Korean name {surface!r} not on the menu")
            elif re.search(r"[가-힣]", c) and provided and (FOOD_CONTEXT.search(sentence) or "◆" in sentence):
                problems.append(f"{surface!r} offered, which the files do not have")
        for m in EN_OFFER.finditer(own):
            parts = [p for p in re.split(r",|\band\b|\bor\b", m[1]) if p.strip()]
            if len(parts) >= 2 and not any(re.search(r"[가-힣◆]", p) for p in parts):
                problems.append(f"items listed in English instead of cited: {m[1].strip()[:40]!r}")
        for m in EN_DISH.finditer(own):
            gloss = re.search(r"(?:◆|[가-힣]{2,})\s*\(\s*$", own[:m.start()])  # "광어회 (flatfish sashimi)": a translation
            if not gloss and compact(m[0]) not in self.known and compact(m[0]) not in asked:
                problems.append(f"dish {m[0]!r} not on the menu")

    def _listed_with_items(self, surface: str, text: str) -> bool:
        """Whether `surface` is itself an element of a list in which another element is a menu item."""
        c = compact(surface)
        if not re.search(r"[가-힣\u4e00-\u9fff]", c) or c in GENERIC_HEADS:
            return False
        for sentence in SENTENCE.findall(text):
            parts = [re.sub(r"^(그리고|또|또는|and|or|및)", "", compact(p)) for p in LIST_SPLIT.split(sentence)]
            if len(parts) < 2:
                continue
            mine = [p for p in parts if (p.startswith(c) and len(p) - len(c) <= 6 or p.endswith(c) and len(p) - len(c) <= 3)
                    and not any(n in p for n in self.names if len(n) >= 2)]
            if not mine:
                continue
            others = [p for p in parts if p not in mine]
            if any(n in p for p in others for n in self.names if len(n) >= 2):
                return True
        return False

    def _order(self, raw: str, start: int, cited: list[references.Ref], find_items, problems: list[str]) -> None:  # type: ignore[no-untyped-def]
        """Each price or description cites the item named just before it: "광어회는 {price:우럭회}" is refused."""
        at = start
        ordered = sorted(cited, key=lambda r: r.start)
        for i, r in enumerate(ordered):
            segment = references.outside(raw[at:r.start])
            if r.item is not None and r.kind in ("price", "desc"):
                before = set(find_items(segment))
                if before and r.item not in before:
                    problems.append(f"{r.kind} of {r.item.name} right after {', '.join(sorted(i.name for i in before))}")
                elif r.kind == "price" and len(before) > 1 and not any(o.kind == "price" for o in ordered[i + 1:]):
                    problems.append(f"one price for {len(before)} items")
            if r.day is not None and r.kind in ("hours", "open", "close", "last_order"):
                days = _days(segment, date(2000, 1, 3))  # weekday names only: 오늘/내일 were checked with the sentence
                named = {d for d in days} if not re.search(r"오늘|내일|today|tomorrow", segment, re.I) else set()
                if named and r.day not in named:
                    problems.append(f"{r.kind}:{r.arg} right after another day")
            if r.kind == "booking":
                tail = raw[r.end:r.end + 6]
                if r.arg == "ahead" and re.match(r"\s*(?:전|before)", tail) or r.arg == "lead" and re.match(r"\s*(?:뒤|후|이내|앞|ahead)", tail):
                    problems.append(f"booking:{r.arg} used the other way round")
            at = r.end

    def _unsold(self, words: str, items: set[MenuItem], problems: list[str]) -> None:
        for item in items:
            if not item.available and not NEGATION.search(words):
                problems.append(f"{item.name} is not sold now, and the sentence does not say so")

    def _facts(self, words: str, cited: list[references.Ref], question: str, faqs_cited: set[int], problems: list[str]) -> None:
        topics = [t.form for t in Morphemes.tokenize(words) if t.tag in ("NNG", "NNP") and t.form in self.faq_words]
        covered = any(all(w in self.faq_text(n) for w in topics) for n in faqs_cited)
        if topics and not cited and not covered and SERVICE_CLAIM.search(words):
            # Said in its own words: the owner's answer on that topic must say it the same way round.
            negative = bool(NEGATION.search(words))
            said = [sentence for f in self.k.faqs for sentence in SENTENCE.findall(f.answer)
                    if any(w in compact(sentence) for w in topics)]
            if not any(bool(NEGATION.search(sentence)) == negative for sentence in said):
                problems.append(f"settles {topics[0]!r} other than the owner's answer says")
        sentence_faqs = [int(r.arg) for r in cited if r.kind == "faq" and r.arg.isdigit() and 1 <= int(r.arg) <= len(self.k.faqs)]
        for r in cited:
            if r.kind == "faq" and r.arg.isdigit() and 1 <= int(r.arg) <= len(self.k.faqs):
                text = "|".join(self.faq_text(n) for n in sentence_faqs)  # several entries cited together cover together
                # Refused when another entry answers every topic the sentence names and this one does not.
                nouns = [t.form for t in Morphemes.tokenize(words) if t.tag in ("NNG", "NNP") and len(t.form) >= 2
                         and t.form in self.known and t.form not in GENERIC_HEADS]
                topics = list(dict.fromkeys([*topics, *nouns]))
                menu_words = {compact(i.name) for i in self.k.menu} | self.names
                other = [w for w in topics if w not in text and (w in self.distinctive or w in menu_words)]
                better = [n for n in range(1, len(self.k.faqs) + 1) if n not in sentence_faqs and all(w in self.faq_text(n) for w in topics)]
                if other and better:
                    problems.append(f"faq:{r.arg} cited for {other[0]!r}, which it does not cover")
        for name, pattern in (("schedule", SCHEDULE), ("offer", OFFER), ("location", LOCATION)):
            hit = pattern.search(words)
            if not hit:
                continue
            if not cited:
                problems.append(f"{name} word {hit[0]!r} without a reference")
            elif name == "location":
                for t in Morphemes.tokenize(words):
                    c = compact(t.form)
                    if t.tag in ("NNG", "NNP") and c not in LOCATION_WORDS and c not in self.known and c not in compact(question):
                        problems.append(f"place {t.form!r} not in the files")

    def _absence(self, words: str, items: set[MenuItem], problems: list[str]) -> None:
        """An ingredient or allergen followed by a negation or reassurance (새우는 안 들어가요, no peanuts, 大丈夫)."""
        rest = words
        for item in sorted(items, key=lambda i: len(i.name), reverse=True):
            rest = rest.replace(item.name, " ").replace(item.name.replace(" ", ""), " ")  # 바지락칼국수 names a dish, not 바지락
        latin = bool(re.search(r"[A-Za-z]{3,}", rest)) and not re.search(r"[가-힣]{2,}", rest)
        for name in allergens.read(rest) or allergens.read(rest + " 알레르기"):
            for spelling in (name, *allergens.SPELLINGS.get(name, ())):
                at = rest.lower().find(spelling.lower())
                if at < 0:
                    continue
                after = rest[at:] if not latin else rest
                if ABSENCE.search(after):
                    problems.append(f"absence or safety claim about {name}")
                    return
        if ALLERGY_TALK.search(rest) and ABSENCE.search(rest) and not re.search(r"[가-힣]{2,}", references.REF.sub("", rest)):
            problems.append("absence or safety claim in allergy talk")

    def _fit(self, words: str, cited: list[references.Ref], named: set[MenuItem], earlier: set[MenuItem], question: str,
             today: date, problems: list[str]) -> None:
        for r in cited:
            if r.item is not None and r.kind in ("price", "desc"):
                if named and r.item not in named:
                    problems.append(f"{r.kind} of {r.item.name} in a sentence about {', '.join(i.name for i in named)}")
                elif not named and earlier and r.item not in earlier:
                    problems.append(f"{r.kind} of {r.item.name}, while the question and the answer name other items")
            if r.item is not None and not r.item.available and not NEGATION.search(words):
                problems.append(f"{r.item.name} is not sold now, and the sentence does not say so")
            if r.kind == "booking" and r.arg in BOOKING_ASKS:
                asked_for = {key for key, pattern in BOOKING_ASKS.items() if pattern.search(question)}
                given = {c.arg for c in cited if c.kind == "booking"}
                if asked_for and not given & asked_for:
                    problems.append(f"booking:{r.arg} given for a question about {sorted(asked_for)[0]}")
            if r.kind == "phone" and re.search(r"주소|위치|어디|address|located", words, re.I) and not re.search(r"전화|번호|연락|call|phone", words, re.I):
                problems.append("phone number given as the address")
            if r.kind == "address" and re.search(r"전화|번호|연락처|call|phone", words, re.I) and not re.search(r"주소|위치|address", words, re.I):
                problems.append("address given as the phone number")
            if r.kind == "closed_days":
                closed = {i for i, key in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")) if self.k.store.hours.get(key) is None}
                if _days(words, today) - closed:
                    problems.append("closed_days in a sentence about a day the shop opens")
            if r.kind in ("day", "hours") and (r.date is not None or r.kind == "hours"):
                self._day_claim(words, r, today, [c.date for c in cited if c.kind == "day" and c.date is not None], problems)
            if r.day is None or r.kind == "day":
                continue
            days = _days(words, today) or _days(question, today)
            if not days:
                days = {today.weekday()}  # "몇 시에 열어요?" asks about today
            if r.day not in days:
                problems.append(f"{r.kind}:{r.arg} for another day than the one asked about")

    def _day_claim(self, words: str, r: references.Ref, today: date, dates: list[date], problems: list[str]) -> None:
        """A holiday named with another date, or "쉬어요" beside a day the shop is open (and the reverse)."""
        from bot.kb.schedule import hours_on

        low = words.lower().replace(" ", "")
        if r.kind == "day" and r.date is not None:
            for word, (month, day) in HOLIDAY_DATES.items():
                if word.replace(" ", "") in low and all((d.month, d.day) != (month, day) for d in dates):
                    if word in ("크리스마스", "christmas") and "이브" in low:
                        continue
                    problems.append(f"{word} cited with {r.date.isoformat()}")
                    break
            named = {_core(h.reason) for h in self.k.store.holidays if h.reason and _core(h.reason) and _core(h.reason) in low}
            cores = {_core(o.reason) for o in self.k.store.holidays if o.day in dates and o.reason}
            if named and not cores & named:
                problems.append(f"{sorted(named)[0]} cited with {r.date.isoformat()}, which is not that holiday")
            is_open = hours_on(self.k.store, r.date).span is not None
        else:
            key = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[r.day if r.day is not None else today.weekday()]
            is_open = self.k.store.hours.get(key) is not None
        closed = CLOSED_CLAIM.search(words) and not re.search(r"안\s*쉬|쉬지\s*않|휴무\S*\s*아니|not\s+closed", words)
        opened = OPEN_CLAIM.search(words) and not re.search(r"안\s*열|열지\s*않|영업\s*안|영업하지\s*않|not\s+open", words)
        if is_open and closed and not opened:
            problems.append(f"says closed beside {r.kind}:{r.arg}, an open day")
        elif not is_open and opened and not closed:
            problems.append(f"says open beside {r.kind}:{r.arg}, a closed day")

    def _meta(self, own: str, problems: list[str]) -> None:
        hit = META.search(own)
        if hit:
            problems.append(f"talks about its instructions ({hit[0]!r})")
        squeezed = compact(own)
        if len(squeezed) >= 10:
            grams = {squeezed[i:i + 8] for i in range(len(squeezed) - 7)}
            shared = {g for g in grams if any(g in line for line in self.instructions)}
            if len(shared) >= 2:
                problems.append("repeats its instructions")


DAY_WORD = re.compile(r"[월화수목금토일]요일|오늘|내일|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\btoday\b|\btomorrow\b", re.I)
WEEK_GROUP = re.compile(r"주말|\bweekends?\b|평일|\bweekdays?\b", re.I)


def _core(reason: str) -> str:
    """A holiday's name without 연휴/당일/휴무 (설 연휴 and 설날 are both 설)."""
    first = reason.split()[0] if reason.split() else reason
    core = re.sub(r"(연휴|당일|전날|휴무|휴업|날)$", "", first)
    return core or first


CJK_DAYS = re.compile(r"(?:星期|礼拜|禮拜|周|週)([一二三四五六日天])|([月火水木金土日])曜")


def _days(text: str, today: date) -> set[int]:
    """The weekdays a text names (월요일, 오늘, Saturday, 주말, 평일, 星期三, 水曜日)."""
    out = {d for d in (references.weekday(m[0], today) for m in DAY_WORD.finditer(text)) if d is not None}
    for m in CJK_DAYS.finditer(text):
        out.add("一二三四五六日".find(m[1]) if m[1] and m[1] != "天" else 6 if m[1] else "月火水木金土日".index(m[2]))
    for m in WEEK_GROUP.finditer(text):
        out |= {5, 6} if m[0].lower().startswith(("주말", "weekend")) else {0, 1, 2, 3, 4}
    return out
