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
EN_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
              "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6,
              "dozen": 12, "half": -1, "once": 1, "twice": 2, "first": 1, "second": 2, "third": 3, "single": 1, "double": 2}
SIGNS = re.compile(r"[₩$€¥£%‰]|\bKRW\b|\bwon\b|\bUSD\b|\bam\b|\bpm\b|\ba\.m\.|\bp\.m\.", re.I)
CJK_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千万萬億两兩半][元円块塊圓時时点點分人名個个位杯份张張枚%％號号]")
DIGIT = re.compile(r"\d")

# Fact words: a sentence that holds one must cite a reference; the classes are generic, not a shop's.
SCHEDULE = re.compile(
    r"[월화수목금토일]요일|주말|평일|매일|매주|휴무|휴일|휴업|쉬는\s*날|정기\s*휴|연휴|명절|공휴일|설날|설\s*연휴|구정|추석|한가위|"
    r"신정|새해|크리스마스|성탄|이브|어린이날|어버이날|광복절|삼일절|현충일|한글날|개천절|석가탄신일|부처님\s*오신|대보름|"
    r"브레이크|라스트\s*오더|마지막\s*주문|연중무휴|오전|오후|정오|자정|새벽|"
    r"쉬(?:어|는|고|었|니|세|ㅂ)|쉽니|쉴\s|문\s*(?:을\s*)?(?:열|닫|여)|닫(?:아|는|습|고)|마감|영업(?!\s*시간)|오픈|"
    r"\bopen(?:s|ing)?\b|\bclosed?\b|\bclosing\b|\bday\s+off\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bweekdays?\b|\bholidays?\b|\bchristmas\b|\bnew\s+year|"
    r"\bbreak\b|\blast\s+orders?\b|\bnoon\b|\bmidnight\b|\bdaily\b|\bevery\s+day\b", re.I)
OFFER = re.compile(
    r"할인|무료|공짜|반값|반액|세일|특가|이벤트|행사|증정|사은품|캐시백|쿠폰|적립|포인트|스탬프|도장|서비스로|덤으로|프로모션|혜택|깎아|"
    r"\bdiscounts?\b|\boff\b|\bfree\b|\bhalf[- ]price\b|\bsale\b|\bdeals?\b|\bcoupons?\b|\bcash\s*back\b|\bpromotions?\b|"
    r"\bevents?\b|\bcomplimentary\b|\bstamps?\b|\bpoints\b", re.I)
LOCATION = re.compile(r"출구|번지|[가-힣]역(?![가-힣])|\d*층|건물|맞은편|건너편|골목|사거리|삼거리|입구|"
                      r"\bexit\b|\bstation\b|\bfloor\b|\bbuilding\b|\bnext\s+to\b|\bopposite\b", re.I)
LOCATION_WORDS = frozenset({"출구", "역", "층", "건물", "옆", "앞", "뒤", "근처", "골목", "입구", "가게", "매장", "주소", "위치", "바로", "맞은편",
                            "건너편", "사거리", "삼거리", "쪽", "방향", "길", "도보", "거리"})
# An absence or safety claim: after an allergen or ingredient, the model never writes one.
ABSENCE = re.compile(r"없|않|안\s*들어|안\s*넣|아니|빼|제외|괜찮|안심|안전|걱정\s*(없|마|안)|드셔도\s*(돼|되)|먹어도\s*(돼|되)|"
                     r"\bno\b|\bnot\b|\bwithout\b|\bfree\b|\bsafe\b|\bfine\b|\bokay\b|\bok\b|n't", re.I)
# Talk about the bot's own configuration.
META = re.compile(
    r"프롬프트|시스템|지침|지시|규칙|설정|지식\s*파일|기록\s*파일|도구|함수|토큰|언어\s*모델|knowledge|customer_message|"
    r"menu\.csv|faq\.md|store\.toml|danggol|단골\s*봇|"
    r"\bprompts?\b|\binstruct\w*|\bsystem\b|\brules?\b|\bguidelines?\b|\bconfigur\w*|\bsettings?\b|\btools?\b|\bfunctions?\b|"
    r"\btemperature\b|\btokens?\b|\bi\s+was\s+told\b|\bi\s+am\s+told\b|\bprogrammed\b|\blanguage\s+model\b", re.I)
SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
LIST_SPLIT = re.compile(r",|·|/|\s(?:와|과|랑|이랑|하고|이나|나|및|또는|and|or)\s|(?<=[가-힣])(?:와|과|랑|이랑|하고)\s")
NOUN_TAGS = ("NNG", "NNP", "XR", "SL")
# Category words that end ordinary phrases too (신메뉴, 점심 식사): not a sign of a dish name.
GENERIC_HEADS = frozenset({"메뉴", "음식", "요리", "종류", "식사", "추가", "기타", "사이드", "주문", "포장"})


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
NOT_ECHOED = re.compile(r"\s*(?:원|만\s*원|천\s*원|won|krw|시(?!간)|층|번지|번\s*출구|%|퍼센트|프로|할)", re.I)


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
    def heads(self) -> frozenset[str]:
        """How the shop's dishes end: the last noun morpheme of each item name and category (떡볶이, 우동…)."""
        out = set()
        for text in {*(i.name for i in self.k.menu), *(i.category for i in self.k.menu if i.category)}:
            nouns = [t.form for t in Morphemes.tokenize(text) if t.tag in NOUN_TAGS]
            if nouns and len(nouns[-1]) >= 2 and nouns[-1] not in GENERIC_HEADS:
                out.add(nouns[-1])
        return frozenset(out)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(compact(i.name) for i in self.k.menu) | frozenset(
            compact(i.category) for i in self.k.menu if i.category)

    def check(self, raw: str, question: str, refs: list[references.Ref], find_items, today: date) -> Verdict:  # type: ignore[no-untyped-def]
        """`raw` is the model's text with its references; `find_items(text)` lists the menu items a text names."""
        problems: list[str] = []
        own = references.outside(raw)
        self._numbers(own, question, problems)
        self._menu_like(own, question, problems)
        self._meta(own, problems)
        asked = set(find_items(question))
        previous: set[MenuItem] = set()
        for m in SENTENCE.finditer(raw):
            sentence = m[0]
            words = references.outside(sentence)
            cited = [r for r in refs if m.start() <= r.start < m.end()]
            self._facts(words, cited, question, problems)
            self._absence(words, problems)
            named = set(find_items(words))
            self._fit(words, cited, named, asked | previous, question, today, problems)
            previous |= named
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
            ordinary_one = n.word in ("한", "하나") or n.word.lower() in ("one", "once", "single", "first")
            echoed = n.value is not None and n.value in customer and not NOT_ECHOED.match(own, n.end)
            if not (ordinary_one or echoed):
                problems.append(f"number {n.word!r}")

    def _menu_like(self, own: str, question: str, problems: list[str]) -> None:
        asked = compact(question)
        tokens = Morphemes.tokenize(own)
        compounds: list[tuple[str, list[str], int]] = []  # (surface, morphemes, start)
        for t in tokens:
            if t.tag in NOUN_TAGS and (t.tag != "SL" or t.form[:1].isupper()):
                if compounds and compounds[-1][2] + len(compounds[-1][0]) == t.start:
                    surface, parts, start = compounds[-1]
                    compounds[-1] = (surface + t.form, [*parts, t.form], start)
                else:
                    compounds.append((t.form, [t.form], t.start))
        for surface, parts, _ in compounds:
            c = compact(surface)
            if len(c) < 2 or c in self.known or c in asked:
                continue
            if any(c.endswith(h) and len(c) > len(h) for h in self.heads):
                problems.append(f"dish {surface!r} not on the menu")
            elif any(t.tag == "NNP" for t in tokens if t.form == parts[-1]) and self._listed_with_items(surface, own):
                problems.append(f"name {surface!r} not on the menu")
            elif self._listed_with_items(surface, own):
                problems.append(f"item {surface!r} listed with the menu")

    def _listed_with_items(self, surface: str, own: str) -> bool:
        """Whether `surface` is one element of a list whose other elements are menu items."""
        for sentence in SENTENCE.findall(own):
            if surface not in sentence:
                continue
            parts = [compact(re.sub(r"(이|가|은|는|을|를|도|만|요|이에요|예요|있어요|이랑|랑)$", "", p.strip())) for p in LIST_SPLIT.split(sentence)]
            others = [p for p in parts if p and compact(surface) not in p]
            if len(parts) >= 3 and sum(1 for p in others if any(p.endswith(n) or p == n for n in self.names)) >= 2:
                return True
        return False

    def _facts(self, words: str, cited: list[references.Ref], question: str, problems: list[str]) -> None:
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

    def _absence(self, words: str, problems: list[str]) -> None:
        found = allergens.read(words) or [w for w in allergens.read(words + " 알레르기")]
        if found and ABSENCE.search(words):
            problems.append(f"absence or safety claim about {', '.join(found)}")

    def _fit(self, words: str, cited: list[references.Ref], named: set[MenuItem], earlier: set[MenuItem], question: str,
             today: date, problems: list[str]) -> None:
        for r in cited:
            if r.item is not None and r.kind in ("price", "desc"):
                if named and r.item not in named:
                    problems.append(f"{r.kind} of {r.item.name} in a sentence about {', '.join(i.name for i in named)}")
                elif not named and r.item not in earlier:
                    problems.append(f"{r.kind} of {r.item.name}, which neither the sentence nor the question names")
            if r.day is None or r.kind == "day":
                continue
            days = _days(words, today) or _days(question, today)
            if not days:
                days = {today.weekday()}  # "몇 시에 열어요?" asks about today
            if r.day not in days:
                problems.append(f"{r.kind}:{r.arg} for another day than the one asked about")

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


def _days(text: str, today: date) -> set[int]:
    """The weekdays a text names (월요일, 오늘, Saturday, 주말, 평일)."""
    out = {d for d in (references.weekday(m[0], today) for m in DAY_WORD.finditer(text)) if d is not None}
    for m in WEEK_GROUP.finditer(text):
        out |= {5, 6} if m[0].lower().startswith(("주말", "weekend")) else {0, 1, 2, 3, 4}
    return out
