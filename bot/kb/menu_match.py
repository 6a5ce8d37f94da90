"""Find the menu items a message names, however it spells them.

Customers write 카라멜마끼아또 for 카라멜 마키아토, 무화과 타르트 for 무화과 크림치즈 타르트,
and 아아 for 아이스 아메리카노. Names are compared without spaces, after the lexicon has added
canonical spellings, by whole name first and by their most telling words second.

They also name kinds of item: a category (찌개, 커피) or the head noun several names end with
(라떼 of 바닐라라떼 and 딸기라떼, 빵 of 소금빵). Both are read from the menu file, never listed
by hand, so a cafe, a 분식집 and a bakery each get their own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from bot.kb.loanword import FUNCTION_WORDS, english_keys, hangul_key
from bot.kb.records import MenuItem
from bot.kb.romanize import fold, romanize
from bot.kb.text import Lexicon, clean, compact
from bot.korean_time import NATIVE_NUMBERS
from bot.understand import allergens

FOODS_FILE = Path(__file__).with_name("foods.txt")
PARTICLE = re.compile(r"(이랑|하고|에서|으로|은|는|이|가|을|를|도|만|랑|에|로|요|이요)$")
# Words in category names that say nothing about the kind ("아이 메뉴" is about 아이, not 메뉴).
GENERIC_CATEGORY_WORDS = frozenset({"메뉴", "종류", "기타", "그외", "음식", "모음", "코너"})
# Words customers use for a kind of item whatever the shop calls it, with the category names that
# kind goes by: in a cafe-bakery 빵 is the 베이커리 category and 음료 is 커피, 논커피 and 티.
GENERAL_KINDS = {
    "빵": r"빵|베이커리|브레드|bakery|bread",
    "음료": r"음료|커피|티|차|주스|에이드|스무디|라떼|드링크|drink|beverage|coffee|tea",
    "디저트": r"디저트|케이크|과자|dessert|cake",
    "차": r"티|차|tea",
    "술": r"술|주류|맥주|와인|막걸리|하이볼|beer|wine",
    "고기": r"정육|고기|육류|구이|meat",
    "반찬": r"반찬|밑반찬|나물|김치|젓갈|무침|볶음|조림|장아찌",
    "국": r"국|탕|찌개|국물|전골",
    "안주": r"안주|마른안주|튀김|전|구이",
}
# What may follow a kind's name in a word: "찌개는", "국수 종류", "라떼류", "빵이랑", "커피 중에".
# A one-syllable kind takes no 에: "전에" is "before", not "in the 전s".
_KIND_PARTICLES = "은|는|이|가|을|를|도|만|요|랑|이랑|하고|과|와|으로|로|이요|은요|는요|중에|중"
KIND_TAIL_SHORT = rf"(?:종류|류|메뉴|쪽|들)?(?:{_KIND_PARTICLES})?"
KIND_TAIL = rf"(?:종류|류|메뉴|쪽|들)?(?:{_KIND_PARTICLES}|에는|에서|에)?"
# Glued chat ("찌개종류뭐있어요") starts with the kind and goes straight on to the question.
KIND_GLUED = r"(?:종류|메뉴|뭐|뭣|어떤|무슨|는|은|도)"


SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(인분|인|개입|개|팩|마리|호|kg|키로|킬로|g|그램|그람|ml|cc|l|리터|밀리)", re.I)
# One spelling per unit, so "1.5리터" meets "1.5L", "2키로" meets "2kg" and "10개" meets "10개입".
UNIT = {"리터": "l", "키로": "kg", "킬로": "kg", "그램": "g", "그람": "g", "밀리": "ml", "cc": "ml", "개입": "개"}
# Traditional measures counted in native numbers. A 근 of meat (and of 고춧가루) is 600 g at a Korean
# butcher's or market stall: "한 근" meets "600g". A 되 (of rice wine, grain, sesame) and a 말 are their
# own units: "한되" meets "1되", "반 되" meets "반되".
MEASURE = re.compile(r"(?<![가-힣\d])(반|한|두|세|네|\d+(?:\.\d+)?)\s*(근|되|말)(?=$|[\s(),.?!~]|에|짜리|이|은|만|씩|으로|정도|을|만큼|요)")
MEASURE_COUNT = {"반": 0.5, "한": 1, "두": 2, "세": 3, "네": 4}
# Counts in native numbers, as customers say them ("다섯 개", "세 마리", "열 개에"): the same size as
# the owner's "5개", "(3마리)". Longest numbers first, so 열두 is not read as 열.
NATIVE_COUNT = re.compile(r"(?<![가-힣])(" + "|".join(sorted((n for n in NATIVE_NUMBERS if n not in ("석", "넉")), key=len, reverse=True))
                          + r")\s*(개|마리|팩|판|봉지|봉|박스|줄)(?!월|인|업|점|발|봉|장|나리|아|매|단|사|정|기|반)")  # not 개월, 개인, 마리아, 판매


# A name that sells something by its count ("씨앗호떡 3개", "붕어빵 (5마리)", "만두 10개입 박스").
BUNDLE = re.compile(r"\s*[(\[]?\s*\d+\s*(개|마리|개입|입|팩|봉|줄|pcs|pc)\s*[)\]]?\s*(세트|묶음|박스|포장)?\s*$", re.I)


# A price asked ("얼마예요", "가격", "how much"), and the fees that are not an item's price.
ITEM_PRICE = re.compile(r"얼마|가격|값|how much|price", re.I)
FEE = re.compile(r"예약금|보증금|계약금|선금|배송비|배달비|택배비|수수료|요금|콜키지|상차림비")


def bundle_base(name: str) -> str | None:
    """What a bundle is a count of, without spaces ("씨앗호떡" of "씨앗호떡 3개"); None for a name sold singly."""
    m = BUNDLE.search(name)
    if not m or m.start() == 0:
        return None
    base = compact(name[:m.start()])
    return base if len(base) >= 2 else None


def sizes(text: str) -> set[tuple[str, str]]:
    """The sizes written in `text`, one spelling each: "1.5리터" and "1,5L" are both ("1.5", "l");
    "한 근" is ("600", "g")."""
    found = {(n.replace(",", "."), UNIT.get(u.lower(), u.lower())) for n, u in SIZE.findall(text)}
    for count, unit in MEASURE.findall(text):
        n = MEASURE_COUNT[count] if count in MEASURE_COUNT else float(count)
        found.add((str(int(n * 600)), "g") if unit == "근" else (f"{n:g}", unit))
    for count, unit in NATIVE_COUNT.findall(text):
        found.add((str(NATIVE_NUMBERS[count]), "봉" if unit == "봉지" else unit))
    return found


# Sizes said in words: the customer's (큰 거, 대짜, large) and the owner's marks on a name ((대), 中, L).
SAID_SIZE = {"L": re.compile(r"큰|(?<![가-힣])대(?:자|짜|\s*사이즈)|\b(large|big|l)\b|라지", re.I),
             "M": re.compile(r"중간|(?<![가-힣])중(?:자|짜|\s*사이즈)|\b(medium|regular|m)\b|미디엄|레귤러", re.I),
             "S": re.compile(r"작은|(?<![가-힣])소(?:자|짜|\s*사이즈)|\b(small|s)\b|스몰", re.I)}
NAME_SIZE = {"L": re.compile(r"[(\[]\s*(대|대자|大|l|large|라지)\s*[)\]]|\s(대|대자|大|L|라지)$", re.I),
             "M": re.compile(r"[(\[]\s*(중|중자|中|m|medium|미디엄|레귤러)\s*[)\]]|\s(중|중자|中|M|미디엄|레귤러)$", re.I),
             "S": re.compile(r"[(\[]\s*(소|소자|小|s|small|스몰)\s*[)\]]|\s(소|소자|小|S|스몰)$", re.I)}


def word_sizes(text: str, marks: dict[str, re.Pattern[str]]) -> set[str]:
    return {size for size, pattern in marks.items() if pattern.search(text)}


def _size_fit(text: str, name: str) -> float:
    """"냉동 4인 세트" between a 2인 and a 4인 set, "큰 거" between 갈치조림(중) and 갈치조림(대): the size
    the customer wrote picks the item. A small nudge to a partial match, up for the same size, down
    for another of the same unit or another size word."""
    said_words, own_words = word_sizes(text, SAID_SIZE), word_sizes(name, NAME_SIZE)
    if len(said_words) == 1 and own_words:
        return 0.08 if said_words & own_words else -0.08
    said, own = sizes(text), sizes(name)
    if not said or not own:
        return 0.0
    if said & own:
        return 0.08
    return -0.08 if {u for _, u in said} & {u for _, u in own} else 0.0


@lru_cache(maxsize=1)
def common_foods() -> frozenset[str]:
    """Common Korean names of dishes, drinks and baked goods (bot/kb/foods.txt)."""
    words = []
    for line in FOODS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words += line.split()
    return frozenset(words)


# A word of a name that gives a size or an amount, not what the item is (수정과 1L and 수정과 350ml are
# both 수정과; 모둠회(대), 2인분, 10팩, 1kg): it does not count towards naming the item, so the shared rest
# names the family of sizes.
QUALIFIER = re.compile(r"\d+(?:[.,]\d+)?(?:l|ml|cc|리터|g|kg|키로|그램|인분|인|개|개입|팩|마리|판|호|cm|구|입|pcs?|oz|p|되|말|근)?|[대중소특]|[sml]|xl|"
                       r"small|medium|large|regular|미니|점보|빅|라지|레귤러|스몰|미디엄|소자|중자|대자|한판|반판|[반한두]\s*(?:되|말|근)")
FORTIS = {1: 0, 4: 3, 8: 7, 10: 9, 13: 12}  # initial ㄲㄸㅃㅆㅉ -> ㄱㄷㅂㅅㅈ


def lenis(text: str) -> str:
    """Tense initial consonants written plain (깍뚜기 -> 각두기), the way chat and owners vary them."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172 and code // 588 in FORTIS:
            ch = chr(0xAC00 + FORTIS[code // 588] * 588 + code % 588)
        out.append(ch)
    return "".join(out)


def category_parts(category: str) -> list[str]:
    """The words a customer may call a category by: "전·안주" → 전, 안주; "아이 메뉴" → 아이."""
    parts = (compact(clean(p)) for p in re.split(r"[\s·ㆍ・/,&+()\[\]|-]+", category))
    return [p for p in parts if p and p not in GENERIC_CATEGORY_WORDS]


@dataclass(frozen=True)
class Kind:
    """Items a message names together: a category, or the head noun of several names."""

    word: str  # the word the customer used (compact): 찌개, 라떼
    label: str  # what the menu calls it: the category as the owner wrote it, or the head noun
    items: tuple[MenuItem, ...]  # in menu order, sold out ones included


@dataclass(frozen=True)
class Mention:
    item: MenuItem
    score: float  # 1.0 for the whole name; less for a telling part of it
    span: str  # what matched in the message (compact form), for masking


def _alike(said: str, name: str) -> bool:
    """Two folded romanizations of one name: equal, or one slip apart in a word long enough to tell."""
    if said == name:
        return True
    if min(len(said), len(name)) < 5 or abs(len(said) - len(name)) > 2:
        return False
    return SequenceMatcher(None, said, name).ratio() >= 0.85


def _near(word: str, text: str) -> str | None:
    """`word` in `text`, allowing one changed syllable for words of four or more syllables."""
    if word in text:
        return word
    n = len(word)
    if n < 4:
        return None
    i = text.find(word[0])
    while 0 <= i <= len(text) - n:  # only windows that start like the word (it is the hot path)
        window = text[i : i + n]
        if sum(a != b for a, b in zip(window, word)) <= 1:
            return window
        i = text.find(word[0], i + 1)
    return None


def _slip(span: str, name: str) -> bool:
    """The span is the name with one syllable changed (the window `_near` found), not the name."""
    return len(span) == len(name) and span != name


def _loan_parts(name: str) -> list[set[str]]:
    """The loanword keys of each word of a name, Hangul and Latin runs apart ("BBQ버거": BBQ, 버거)."""
    parts = []
    for run in re.findall(r"[가-힣]+|[A-Za-z]+", name):
        keys = {hangul_key(run)} if "가" <= run[0] <= "힣" else english_keys(run)
        if keys := {k for k in keys if k}:
            parts.append(keys)
    return parts


def _joined(parts: list[set[str]], limit: int = 64) -> set[str]:
    """Every reading of consecutive words said together, the classes of their seams squeezed as in
    one word (치즈 + 버거 as 치즈버거)."""
    out = {""}
    for keys in parts:
        out = {re.sub(r"(.)\1+", r"\1", a + b) for a in out for b in keys}
        if len(out) > limit:
            out = set(sorted(out)[:limit])
    return out - {""}


def acronyms(parts: list[str]) -> set[str]:
    """Chat shortenings of a compound name from its words of two syllables or more: the first
    syllable of each of its first two or three words (감자 튀김 → 감튀, 김치 볶음 밥 → 김볶)."""
    out = set()
    for k in (2, 3):
        if len(parts) >= k and all(len(p) >= 2 for p in parts[:k]):
            out.add("".join(p[0] for p in parts[:k]))
    return out


def compound_parts(word: str, morphemes: Callable[[str], tuple[str, ...]]) -> list[str]:
    """A name the tokenizer knows as one word (감자튀김, 김치찌개) in two words it also knows alone
    (감자 + 튀김), so its chat shortening (감튀, 김찌) is found; the word itself when no split is."""
    for cut in range(2, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        if morphemes(head) == (head,) and morphemes(tail) == (tail,):
            return [head, tail]
    return [word]


def _joins_ends(word: str, words: list[str]) -> bool:
    """Whether `word` is the first of `words` joined to an ending of the last (굴 + 국밥 of 콩나물국밥)."""
    first, last = words[0], words[-1]
    tail = word[len(first):]
    return word.startswith(first) and bool(tail) and last.endswith(tail) and word != "".join(words)


def family_base(names: set[str]) -> str | None:
    """The one item an acronym names: the only one, or the plain item of a family whose other
    names add to it (비빔냉면 of 비빔냉면 곱빼기); None when the names are different dishes."""
    if len(names) == 1:
        return next(iter(names))
    base = min(names, key=len)
    return base if all(n.startswith(base) for n in names) else None


def choices(name: str) -> list[str]:
    """The choices a name lists with slashes, each as said alone: "콜라/사이다" → 콜라, 사이다;
    "소주 (참이슬/처음처럼)" → 참이슬, 처음처럼. Hangul words of two syllables or more only: "(HOT/ICE)"
    and "1/2" are no names."""
    out: list[str] = []
    for group in re.findall(r"[^\s()\[\]]*/[^\s()\[\]]*", name):
        parts = [compact(clean(p)) for p in group.split("/")]
        if len(parts) >= 2 and all(re.fullmatch(r"[가-힣]{2,}", p) and not QUALIFIER.fullmatch(p) for p in parts):
            out += parts
    return out


class MenuMatcher:
    def __init__(self, menu: tuple[MenuItem, ...], lexicon: Lexicon, morphemes: Callable[[str], tuple[str, ...]] | None = None,
                 own_words: str = ""):
        self.lexicon = lexicon
        self.items = menu
        self.names = {item.name: compact(clean(item.name)) for item in menu}
        self.plain = {name: lenis(full) for name, full in self.names.items()}
        # The lexicon's own spelling of a whole name it lists as a variant: a menu written 공기밥 is
        # asked for as 공깃밥, the spelling the lexicon reads it as (and the other way round, by expand).
        # Only a spelling of the same word (half its syllables shared): the lexicon also files members
        # under their group (피스타치오 under 견과류), and a nut allergy names no pistachio flavour.
        self.respelled = {name: [a for a in (compact(c) for c in lexicon.canonical_of.get(full, ()))
                                 if len(a) > 2 and a != full and 2 * len(set(a) & set(full)) >= min(len(a), len(full))]
                          for name, full in self.names.items()}
        # A name that lists its choices with a slash ("콜라/사이다", "소주 (참이슬/처음처럼)") is said by
        # any one of them: each choice alone names the item.
        self.choices = {item.name: choices(item.name) for item in menu}
        self.words = {
            item.name: [w for w in (compact(clean(p)) for p in re.split(r"[\s()]+", item.name)) if len(w) >= 2 and not QUALIFIER.fullmatch(w)]
            for item in menu
        }
        self.sizes = {item.name: sizes(item.name) for item in menu}  # once: a message asks of every item
        # The words a name is said by: outside its brackets, without sizes, counts and grades ("하우스 와인
        # (레드)" is a 와인, "한우 떡갈비 2장" a 떡갈비, "정육세트 (1등급 2.4kg)" a 정육세트).
        self.core = {
            item.name: [w for w in (compact(clean(p)) for p in re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", item.name).split())
                        if len(w) >= 2 and not QUALIFIER.fullmatch(w) and not re.search(r"\d", w)]
            for item in menu
        }
        self.core_joined = {name: "".join(words) for name, words in self.core.items()}  # 플레인베이글 of 플레인베이글 4개입
        # Every word of the name outside brackets, one syllable too (굴 of 굴 콩나물국밥), without sizes.
        self.spoken = {
            item.name: [w for w in (compact(clean(p)) for p in re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", item.name).split())
                        if w and re.fullmatch(r"[가-힣]+", w) and not QUALIFIER.fullmatch(w)]
            for item in menu
        }
        df = Counter(w for words in self.words.values() for w in set(words))
        n = max(len(menu), 1)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self.kinds = self._kinds(menu)
        # Acronyms (감튀 for 감자튀김), from the words the tokenizer reads in a name that it spells out
        # whole; one item per acronym, and none the shop's own files write (전복 is abalone in a
        # description, whatever 전가복 would shorten to).
        short: dict[str, set[str]] = {}
        for item in menu if morphemes is not None else ():
            assert morphemes is not None
            full = self.names[item.name]
            words = [p for p in morphemes(item.name) if re.fullmatch(r"[가-힣]+", p)]
            if len(words) == 1:
                words = compound_parts(words[0], morphemes)  # 감자튀김, which the tokenizer knows whole
            if len(words) >= 2 and "".join(words) == re.sub(r"[^가-힣]", "", full):
                for a in acronyms(words):
                    if a != full and not full.startswith(a):
                        short.setdefault(a, set()).add(item.name)
        by_name = {i.name: i for i in menu}
        written = compact(clean(" ".join(f"{i.name} {i.category} {i.description} {' '.join(i.tags)}" for i in menu) + " " + own_words))
        self.acronyms = {a: by_name[base] for a, names in short.items()
                         if (base := family_base(names)) and a not in written and a not in common_foods()}
        # Romanized keys (bot/kb/romanize.py): the whole name, and each word of two syllables or more.
        self.roman = {item.name: fold(romanize(item.name)) for item in menu}
        self.roman_words = {item.name: [k for w in item.name.split() if len(re.sub(r"[^가-힣]", "", w)) >= 2 and (k := fold(romanize(w)))]
                            for item in menu}
        # Loanword keys (bot/kb/loanword.py): every run of a name's words, for English said of Hangul.
        self.loan: dict[str, list[tuple[MenuItem, float]]] = {}
        for item in menu:
            parts = _loan_parts(item.name)
            whole = min((len(k) for k in _joined(parts)), default=0)
            for i in range(len(parts)):
                for j in range(i + 1, min(len(parts), i + 4) + 1):
                    for key in _joined(parts[i:j]):
                        if len(key) >= 3 and whole:
                            self.loan.setdefault(key, []).append((item, 1.0 if (i, j) == (0, len(parts)) else min(len(key) / whole, 0.95)))

    def _romanized(self, c: str) -> list[Mention]:
        """Items named by their romanized Korean ("how much is the sundae gukbap?"): one to three
        Latin words of the message against each name's folded romanization, allowing a slip."""
        words = re.findall(r"[a-z]+", c)
        found: dict[str, Mention] = {}
        for i in range(len(words)):
            for n in (3, 2, 1):
                said = "".join(words[i:i + n])
                key = fold(said)
                if len(words[i:i + n]) < n or len(key) < 5:
                    continue
                # Items with a word of that key: a word only one name has names that item (hangwa).
                by_word = [item for item in self.items if any(_alike(key, w) for w in self.roman_words[item.name])]
                if len(by_word) > 1 and all(key in self.roman_words[item.name] for item in by_word):
                    # "khao pat" where 카오팟 무 and 카오팟 꿍 share the word: each of them, never the
                    # one whose whole name is a slip away from it.
                    for item in by_word:
                        found.setdefault(item.name, Mention(item, 0.75, said))
                    continue
                for item in self.items:
                    whole = self.roman[item.name]
                    if whole and _alike(key, whole):
                        exact = 0.005 if key == whole else 0.0  # "sundae gukbap" over "the sundae gukbap"
                        found[item.name] = max(found.get(item.name, Mention(item, 0, "")), Mention(item, 1.0 + len(whole) / 100 + exact, said),
                                               key=lambda m: m.score)
                if len(by_word) == 1 and by_word[0].name not in found:
                    found[by_word[0].name] = Mention(by_word[0], 0.75, said)
        return list(found.values())

    def _loanwords(self, c: str) -> list[Mention]:
        """Items named in English by the words their Hangul loanword name came from ("double
        cheeseburger" for 더블 치즈버거): runs of up to three English words of the message, function
        words breaking a run, against runs of the name's words; the whole name, or the only item
        with that part of its name."""
        runs: list[list[str]] = [[]]
        for word in re.findall(r"[a-z]+|[^a-z\s]+", c):
            if re.fullmatch(r"[a-z]{2,}", word) and word not in FUNCTION_WORDS:
                runs[-1].append(word)
            elif runs[-1]:
                runs.append([])
        found: dict[str, Mention] = {}
        for run in runs:
            for i in range(len(run)):
                for n in (3, 2, 1):
                    words = run[i:i + n]
                    if len(words) < n:
                        continue
                    for key in _joined([english_keys(w) for w in words]):
                        holders = self.loan.get(key, [])
                        for item, share in holders:
                            if share < 1.0 and len({h.name for h, _ in holders}) > 1:
                                continue  # a part of several names names none of them
                            if len(key) < 4 and (n > 1 or share < 1.0 or len(words[0]) < 5
                                                 or not 0.6 <= len(words[0]) / max(len(self.roman[item.name]), 1) <= 1.6):
                                # Three classes tell one word of five letters or more from one name of
                                # about its length, no more: short English words share them with many names.
                                continue
                            score = 1.0 + len(key) / 100 if share >= 1.0 else 0.5 + 0.4 * share
                            if score > found.get(item.name, Mention(item, 0, "")).score:
                                found[item.name] = Mention(item, score, "".join(words))
        return list(found.values())

    def _kinds(self, menu: tuple[MenuItem, ...]) -> dict[str, Kind]:
        """Every word that names a kind of item on this menu, with its items.

        A category's own words come first (the owner's grouping: 국수 lists the 국수 category);
        in a category of several kinds (덮밥·정식, 순대·만두·꼬치) a word means the items whose
        names say so (덮밥 → the 덮밥s), or the whole category when none do (안주). Otherwise a
        head noun that ends at least two names (라떼 of 카페라떼 and 딸기라떼); one syllable only
        when it is a food word on its own (빵, 전), not a name's tail (떼, 개, 수).
        """
        kinds: dict[str, Kind] = {}
        categories = list(dict.fromkeys(i.category for i in menu if i.category))
        for category in categories:
            parts = category_parts(category)
            for part in parts:
                members = tuple(i for i in menu if i.category == category)
                if len(parts) > 1:
                    members = tuple(i for i in members if self._names_kind(i, part)) or members
                if part in kinds:  # "음료·주류" and "음료·디저트" both answer 음료
                    old = kinds[part]
                    kinds[part] = Kind(part, f"{old.label}, {category}", old.items + members)
                else:
                    kinds[part] = Kind(part, category, members)
        last = {i.name: (self.words[i.name] or [self.names[i.name]])[-1] for i in menu}
        heads: dict[str, list[MenuItem]] = {}
        for item in menu:
            for k in range(1, len(last[item.name]) + 1):
                heads.setdefault(last[item.name][-k:], []).append(item)
        foods = common_foods()
        for head, items in heads.items():
            if head in kinds or head in GENERIC_CATEGORY_WORDS or len(items) < 2 or not re.fullmatch(r"[가-힣]+", head):
                continue
            # A name's tail (떼, 볶이 of 떡볶이) is not a word customers type: too short, or always
            # the end of one longer head, unless it is a food word or a whole word of some name.
            longer = {last[i.name][-len(head) - 1 :] for i in items}
            tail = len(head) == 1 or (len(longer) == 1 and heads[next(iter(longer))] == items)
            if tail and head not in foods and all(last[i.name] != head for i in items):
                continue
            kinds[head] = Kind(head, head, tuple(items))
        for word, pattern in GENERAL_KINDS.items():
            if word in kinds and kinds[word].label in categories:
                continue  # the owner's own category of that name
            named = [c for c in categories if re.search(pattern, c, re.I)]
            members = tuple(i for i in menu if i.category in named)
            if named and word in kinds:  # 빵: the 베이커리 category and the 소금빵s
                members += tuple(i for i in kinds[word].items if i not in members)
            if members:
                kinds[word] = Kind(word, ", ".join(named), members)
        return kinds

    def _names_kind(self, item: MenuItem, word: str) -> bool:
        """The item's name says it is a `word` (김치군만두 is a 만두; a one-syllable word must end it)."""
        name = self.names[item.name]
        return word in name if len(word) > 1 else name.endswith(word)

    def find_kinds(self, text: str) -> list[Kind]:
        """Kinds of item the message names as words of their own, in the order it names them."""
        found: list[Kind] = []
        c = clean(text)
        # Canonical words too: 어린이 and 키즈 are the lexicon's 아이 (a category "아이 메뉴").
        tokens = re.findall(r"[가-힣a-z0-9]+", c) + [w for w in self.lexicon.expand(c) if " " not in w]
        for token in tokens:
            for word, kind in self.kinds.items():
                if kind in found or not token.startswith(word):
                    continue
                tail = KIND_TAIL if len(word) > 1 else KIND_TAIL_SHORT
                if re.fullmatch(re.escape(word) + tail, token) or re.match(re.escape(word) + KIND_GLUED, token):
                    found.append(kind)
        # "논커피 음료": the customer narrows 음료 down to 논커피, not asking for both.
        return [k for k in found if not any(o is not k and set(o.items) < set(k.items) for o in found)]

    def _joined(self, text: str) -> list[Mention]:
        """A name said by its first word and the end of its last (굴국밥 of 굴 콩나물국밥, 연어랩 of 연어
        아보카도 랩): the customer drops what lies between. Only when exactly one item is so said."""
        found: list[Mention] = []
        for raw in text.split():
            word = PARTICLE.sub("", compact(raw))
            if len(word) < 3 or not re.fullmatch(r"[가-힣]+", word) or word in self.names.values():
                continue
            joined = [i for i in self.items if len(self.spoken[i.name]) >= 2 and _joins_ends(word, self.spoken[i.name])]
            if len(joined) == 1 and all(m.item.name != joined[0].name for m in found):
                found.append(Mention(joined[0], 0.8, word))
        return found

    def _abbreviations(self, text: str) -> list[Mention]:
        """Korean shortenings of names: the head noun of a one-word name (순대 → 찹쌀순대), its opening
        syllables (불떡 → 불떡볶이), or the last word of a longer name (어묵 → 모둠 어묵), when exactly
        one item fits."""
        found: list[Mention] = []
        # Each word without its particle, and as written: the 이 of 김말이 is no particle.
        words = [w for raw in text.split() for w in dict.fromkeys((PARTICLE.sub("", compact(raw)), re.sub(r"[^가-힣]+$", "", compact(raw))))]
        # Two words the customer spaced that the name writes as one (똥집 볶음 of 닭똥집볶음).
        raws = text.split()
        words += [compact(a) + PARTICLE.sub("", compact(b)) for a, b in zip(raws, raws[1:])
                  if re.fullmatch(r"[가-힣]+", compact(a)) and re.fullmatch(r"[가-힣]+", PARTICLE.sub("", compact(b)))]
        for word in words:
            if len(word) < 2 or not re.fullmatch(r"[가-힣]+", word):
                continue
            family = [i for i in self.items if self.names[i.name].startswith(word) and self.names[i.name] != word
                      and len(word) * 2 >= len("".join(self.words[i.name]) or self.names[i.name])]
            cores = {self.core_joined[i.name] for i in family}
            if len(family) > 1 and len(cores) == 1 and word not in cores:  # the whole name: the sizes' own path
                # The opening syllables of one dish sold in sizes (꿔바 of 꿔바로우(소) and 꿔바로우(대)):
                # each size, and the size said picks one (_size_fit).
                found += [Mention(i, 0.7, word) for i in family if all(m.item.name != i.name for m in found)]
                continue
            modified = self._modifier_of(word, text)
            if modified:
                found += [Mention(i, 0.7, word) for i in modified if all(m.item.name != i.name for m in found)]
                continue
            if sum(word in name for name in self.names.values()) > 1:
                continue  # 치킨 in a chicken shop names every 치킨, not the one that starts with it
            heads = [i for i in self.items if len(self.words[i.name]) <= 1 and self.names[i.name].endswith(word) and self.names[i.name] != word]
            # Measured against the name's words, not its count or size (김말이 of 김말이튀김 (5개)).
            starts = [i for i in self.items if self.names[i.name].startswith(word) and self.names[i.name] != word
                      and len(word) * 2 >= len("".join(self.words[i.name]) or self.names[i.name])]
            # The last word of a name of several words (어묵 of 모둠 어묵), said as a word of its own.
            # Not a word in brackets ("포장" of 간고등어 한손(포장)): a mark of the item, not its name.
            lasts = [i for i in self.items if len(self.words[i.name]) > 1 and self.words[i.name][-1] == word
                     and not re.search(r"[)\]]\s*$", i.name)]
            # Or of the words it is said by, when brackets or a size end it (와인 of 하우스 와인 (레드)).
            lasts = lasts or [i for i in self.items if len(self.core[i.name]) > 1 and self.core[i.name][-1] == word]
            for group in (heads, starts, lasts):
                if len(group) == 1:
                    if all(m.item.name != group[0].name for m in found):  # an item once, by its first word
                        found.append(Mention(group[0], 0.7, word))
                    break
        return found

    def _modifier_of(self, word: str, text: str) -> list[MenuItem]:
        """The item a name's opening word says when the customer leaves off the kind it modifies, a
        kind other names of the menu end with too ("플레인 여덟 개" of 플레인베이글 4개입 and 8개입,
        where 베이글 ends many names; "어니언은 얼마예요" of 어니언베이글): one name, no other name holding
        the word, and the message asking what a menu row tells: a count or size of its own, or its
        price. Asked anything else, the word is too often the owner's topic or a category (김장 보관,
        명절 예약금); never a food or an allergen said alone."""
        said = sizes(text)
        priced = bool(ITEM_PRICE.search(text)) and not FEE.search(text)
        if len(word) < 2 or not (said or priced) or word in common_foods() or allergens.canonical(word):
            return []
        cores = self.core_joined
        group = [i for i in self.items if cores[i.name].startswith(word) and len(cores[i.name]) - len(word) >= 2
                 and sum(c.endswith(cores[i.name][len(word):]) for c in cores.values()) >= 2]
        if not group or len({cores[i.name] for i in group}) != 1:
            return []
        if any(word in self.names[i.name] for i in self.items if i not in group):
            return []
        return [i for i in group if said & self.sizes[i.name]] if said else group

    def _said_alone(self, item: MenuItem, word: str, squeezed: str, c: str) -> bool:
        """Whether the one word of a name (a count or size aside) says this item and no other: every
        other name holding it is the same name in another count, when the message says this one's
        count (버터쿠키 스무 개 of its 10개입 and 20개입; without a count the family's own path
        answers), or holds it inside a longer word the message does not say (초코버터쿠키)."""
        for other, name in self.names.items():
            if other == item.name or word not in name:
                continue
            if self.words[other] == self.words[item.name]:
                if not sizes(c) & self.sizes[item.name]:
                    return False
            elif not any(word in w and w != word and w not in squeezed for w in self.words[other]):
                return False
        return True

    def find(self, text: str) -> list[Mention]:
        """Items named in `text`, best first; a name inside a longer matched name is dropped."""
        c = clean(text)
        canonical = [compact(w) for w in self.lexicon.expand(c)]
        squeezed = compact(c) + "|" + "|".join(canonical)
        plain = lenis(squeezed)  # 깍뚜기 for 깍두기, 쭈꾸미 for 주꾸미: one spelling of the tense consonants
        found: list[Mention] = []
        heads = {h for h in (PARTICLE.sub("", w) for w in re.findall(r"[가-힣]{3,}", c)) if len(h) >= 3}
        for item in self.items:
            full = self.names[item.name]
            if full and full not in squeezed and len(full) > 2 and self.plain[item.name] in plain:
                found.append(Mention(item, 1.0 + len(full) / 100, full))
                continue
            if full and full in squeezed:
                # A two-syllable name must start a word: 라면 is not in 신라면.
                if len(full) > 2 or re.search(rf"(?<![가-힣]){re.escape(full)}", c) or full in canonical:
                    found.append(Mention(item, 1.0 + len(full) / 100, full))
                continue
            respelled = next((a for a in self.respelled[item.name] if a in squeezed), None)
            if respelled:
                found.append(Mention(item, 1.0 + len(full) / 100, respelled))
                continue
            # A choice of two syllables must start a word, as a short name must (콜라 is not in 콜라겐's
            # neighbour 제로콜라).
            choice = next((a for a in self.choices[item.name] if a in squeezed and (len(a) > 2 or re.search(rf"(?<![가-힣]){re.escape(a)}", c))), None)
            if choice:
                found.append(Mention(item, 1.0 + len(choice) / 100, choice))
                continue
            words = self.words[item.name]
            if len(words) < 2:
                hit = _near(full, squeezed) if full else None
                if hit and hit[-1] != full[-1] and len(re.split(r"[\s()]+", item.name.strip())[-1]) == 1:
                    hit = None  # "캐모마일 카페인" is not a slip for 캐모마일 티: 티 is a word, not a syllable of one
                if hit:
                    found.append(Mention(item, 0.9, hit))
                elif words and len(words[0]) >= 3 and words[0] in squeezed and self._said_alone(item, words[0], squeezed, c):
                    found.append(Mention(item, 0.75, words[0]))  # 캐모마일 of 캐모마일 티
                continue
            total = sum(self.idf[w] for w in words)
            # A word of the name may be a compound the customer shortens to its head (막걸리 of 땅콩막걸리).
            hits = [(w, _near(w, squeezed) or next((t for t in heads if len(w) > len(t) and w.endswith(t)), None)) for w in words]
            got = sum(self.idf[w] for w, h in hits if h)
            head = words[-1]
            if len(head) >= 3 and hits[-1][1] and got / total < 0.55 and sum(head in n for n in self.names.values()) == 1:
                # The head noun no other item has (포카치아 of 감자 베이컨 포카치아): the customer's short name.
                found.append(Mention(item, 0.75, hits[-1][1]))
                continue
            first = words[0]
            if len(first) >= 3 and hits[0][1] == first and got / total < 0.55 and sum(first in n for n in self.names.values()) == 1:
                # A name's own first word no other item has (쿨피스 of 쿨피스 복숭아맛): a brand or dish
                # named with its flavour or style after it, said without them.
                found.append(Mention(item, 0.7, first))
                continue
            said = [w for w, h in hits if h]
            if len(said) >= 2 and sum(all(w in n for w in said) for n in self.names.values()) == 1:
                # Two words of its name that no other item shares (솔향 … 에이드, 감자빵 … 선물세트).
                found.append(Mention(item, 0.6 + 0.3 * got / total, "".join(h for _, h in hits if h)))
                continue
            # A partial name counts when the words found carry at least half of the name's
            # meaning, including its most telling word (캐모마일 of 캐모마일 티, not 티).
            if total and got / total >= 0.55 and any(h for _, h in hits):
                best = max((w for w, h in hits if h), key=lambda w: self.idf[w])
                if self.idf[best] >= max(self.idf[w] for w in words):
                    span = "".join(h for _, h in hits if h)
                    found.append(Mention(item, 0.5 + 0.4 * got / total, span))
        said_sizes = sizes(c) if not found else set()
        sized = [i for i in self.items if said_sizes & self.sizes[i.name]] if said_sizes else []
        if len(sized) == 1:  # "3000cc 얼마예요?": the one item of the size written
            found.append(Mention(sized[0], 0.8, next(iter(said_sizes))[0]))
        said_words = word_sizes(c, SAID_SIZE) if not found else set()
        if len(said_words) == 1:
            # "찜 대짜 얼마예요" where the menu has 해물찜(중) and 해물찜(대): the dish said by the last word
            # of its name, with the size one of its rows is marked with.
            endings = sorted({PARTICLE.sub("", w) for w in re.findall(r"(?<![가-힣])[가-힣]{2,}", c)})
            fit = [i for i in self.items if said_words & word_sizes(i.name, NAME_SIZE)
                   and any(len(w) >= 2 and self.core_joined[i.name].endswith(w) and self.core_joined[i.name] != w for w in endings)]
            if len(fit) == 1:
                found.append(Mention(fit[0], 0.8, next(w for w in endings if self.core_joined[fit[0].name].endswith(w))))
        if all(m.score < 0.8 for m in found):
            found = self._joined(c) + found
        if not found:
            found = self._abbreviations(c)
        if not found and self.acronyms:
            for raw in c.split():
                word = PARTICLE.sub("", compact(raw))
                short = self.acronyms.get(word)
                if short is not None:
                    found.append(Mention(short, 0.7, word))
        if all(m.score < 1.0 for m in found) and re.search(r"[a-z]{4,}", c):
            # An English message's romanized name (onmyeon) beside the glossed words of its description
            # ("noodle soup" → 국수, which shortens another item's name): the name written is the item.
            merged: dict[str, Mention] = {m.item.name: m for m in found}
            for m in (*self._romanized(c), *self._loanwords(c)):
                if m.score > merged.get(m.item.name, Mention(m.item, 0, "")).score:
                    merged[m.item.name] = m
            found = list(merged.values())
        # "호두과자 20개입 선물상자": the longer item whose name holds the full one and more of the message.
        for m in [m for m in found if m.score < 1.0]:
            # Never an item no longer sold over the one sold by its exact name (콩나물국밥(구), last year's
            # row, said by a typo of its mark, over 콩나물국밥).
            # And only by what the message says beyond the full name: "안동찜닭 한마리 얼마" is no
            # one-syllable slip for 안동찜닭(한마리반) over the 안동찜닭(한마리) it names exactly.
            inner = [f for f in found if f.score >= 1.0 and self.names[f.item.name] in self.names[m.item.name] and len(m.span) > len(f.span)
                     and (m.item.available or not f.item.available)
                     and (not _slip(m.span, self.names[m.item.name]) or _size_fit(c, m.item.name) > 0)]
            if inner:
                found = [f for f in found if f not in inner and f is not m] + [Mention(m.item, 1.0 + len(m.span) / 100, m.span)]
        # The same words found in two names, one holding them as written and the other only by a slip
        # of one syllable (한라봉 said, 한라봉 에이드 and 한리봉 차 on the menu): the one written.
        written = {m.span for m in found if m.span in self.names[m.item.name]}
        found = [m for m in found if m.span not in written or m.span in self.names[m.item.name]]
        found = [Mention(m.item, m.score + _size_fit(c, m.item.name), m.span) if m.score < 1.0 else m for m in found]
        found.sort(key=lambda m: (-m.score, -len(m.span)))
        if found and found[0].score >= 1.0:
            # A word that also qualifies an item (디카페인 in "카페모카 디카페인으로 바꿔서") is not
            # a second item when the message names one in full.
            found = [m for m in found if m.score >= 1.0]
        kept: list[Mention] = []
        for m in found:
            # Of two names found alike, the one said inside the other's longer span is the shorter
            # name within the longer (불고기전골 of 버섯불고기전골), not a second item.
            if any(m.span in k.span and (m.score < k.score or len(m.span) < len(k.span)) for k in kept):
                continue
            kept.append(m)
        return kept
