"""Allergens as `shared/spec/allergens.md` defines them: groups and members in both directions.

A customer who names an allergy trusts the bot with their health, so every reading here errs
towards "contains": an item whose column names the group (갑각류) is kept from a customer who
names a member (새우), an item whose description says 새우젓 counts though its column is empty,
and an allergen the owner's files never mention is something the bot does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.kb.records import Knowledge, MenuItem
from bot.kb.text import clean
from bot.kb.tokenizer import kiwi
from bot.understand.normalize import GLOSSES

# Group word -> members (a member may itself be a group: 해산물 holds 갑각류).
GROUPS: dict[str, tuple[str, ...]] = {
    "갑각류": ("새우", "게", "가재", "랍스터", "크랩", "대게", "킹크랩", "꽃게"),
    "조개류": ("굴", "전복", "홍합", "바지락", "조개", "가리비", "꼬막", "재첩", "소라"),
    "견과류": ("호두", "잣", "아몬드", "캐슈넛", "피스타치오", "마카다미아", "헤이즐넛", "피칸", "브라질너트"),
    "유제품": ("우유", "치즈", "버터", "크림", "생크림", "요거트", "연유", "분유"),
    # allergens.md's members, and the other sea animals a 해산물 allergy keeps away from (성게, 멍게,
    # 해삼): the spec's list is the minimum; leaving more out of an allergic customer's choice is safe.
    "해산물": ("갑각류", "조개류", "오징어", "문어", "낙지", "주꾸미", "꼴뚜기", "생선", "고등어", "성게", "멍게", "해삼", "개불", "미더덕"),
    "생선": ("고등어", "연어", "참치", "멸치", "명태", "대구", "갈치", "삼치", "꽁치", "광어", "우럭", "장어", "가자미", "조기", "민어"),
    "글루텐": ("밀", "보리", "호밀"),
    "깨": ("참깨", "들깨"),  # not on the Korean list, but a common allergy and a common ingredient
    "알류": ("달걀", "메추리알"),
}
# Other spellings of one allergen, as owners write columns and customers write messages.
# Cuts and dishes that are the allergen (삼겹살, 새우젓) are spellings too: they contain it.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "갑각류": ("갑각류", "갑각류 해산물", "갑각"),
    "조개류": ("조개류", "패류", "조개"),
    "견과류": ("견과류", "견과", "너트", "nuts", "nut"),
    "유제품": ("유제품", "우유 성분", "유성분", "유청", "dairy"),
    "해산물": ("해산물", "해물", "수산물", "seafood"),
    "생선": ("생선", "어류", "fish", "생선살", "어묵", "피시", "피쉬", "액젓", "까나리", "날치알", "연어알", "청어알", "캐비어", "캐비아",
             # fish by their own names, in a broth (가다랑어 육수) or a dish (도미초밥)
             "먹태", "북어", "노가리", "동태", "생태탕", "가다랑어", "다랑어", "가쓰오부시", "가츠오부시", "가쓰오", "가츠오", "방어", "전갱이", "정어리", "청어", "임연수", "도미", "참돔", "농어", "숭어", "병어", "아귀", "복어", "송어", "빙어", "열빙어", "시샤모", "과메기", "쥐포",
             # sea and river fish by their market names, dialect spellings among them (아구 is 아귀);
             # not 붕어 (붕어빵 has none), nor 열기 and 도치, which are other words too
             "아구", "물메기", "곰치", "물곰", "도루묵", "양미리", "전어", "쥐치", "볼락", "노래미", "쏨뱅이", "홍어", "가오리",
             "감성돔", "돌돔", "옥돔", "아나고", "우나기", "미꾸라지", "추어", "쏘가리", "꺽지", "빠가사리", "메기", "뱅어포",
             "밴댕이", "준치", "부세", "황석어", "강달이", "삼세기", "임연수어",
             # anchovies as a Western kitchen names them (안초비 토스트, 앤초비 파스타)
             "안초비", "앤초비", "엔초비", "anchovy", "anchovies"),
    "글루텐": ("글루텐", "gluten"),
    "알류": ("알류", "난류"),
    "우유": ("우유", "밀크", "milk", "라떼우유"),
    "치즈": ("치즈", "cheese", "모짜렐라", "모차렐라", "크림치즈", "파마산", "마스카포네", "리코타"),
    "버터": ("버터", "butter"),
    "크림": ("크림", "생크림", "휘핑", "cream"),
    "요거트": ("요거트", "요구르트", "yogurt"),
    "연유": ("연유",),
    "분유": ("분유",),
    "생크림": ("생크림",),
    "달걀": ("달걀", "계란", "egg", "에그", "마요네즈", "마요", "머랭", "커스터드", "지단", "노른자", "흰자", "난황", "난백"),
    "메추리알": ("메추리알",),
    "메밀": ("메밀", "소바", "buckwheat"),
    "땅콩": ("땅콩", "피넛", "peanut", "땅콩버터"),
    # Sauces brewed from soybeans and wheat: 간장 and 고추장 as sold in Korea hold both (their labels
    # say 대두, 밀), so an item made with them holds both for an allergic customer.
    "대두": ("대두", "콩", "두부", "두유", "된장", "간장", "청국장", "유부", "비지", "낫또", "soy", "콩가루", "콩국", "고추장",
           "쌈장", "춘장", "짜장"),
    "밀": ("밀", "밀가루", "통밀", "소맥", "wheat", "빵가루", "부침가루", "튀김가루", "밀떡", "밀면", "간장", "고추장",
          "쌈장", "춘장", "짜장"),
    "보리": ("보리",),
    "깨": ("깨", "깨소금", "통깨", "sesame"),
    "참깨": ("참깨", "참기름", "깨소금", "볶은 깨", "흑임자", "검은깨"),
    "들깨": ("들깨", "들기름", "들깻가루", "들깨가루", "깻잎"),
    "호밀": ("호밀",),
    "고등어": ("고등어",),
    "게": ("게", "게살", "게장", "게맛살", "꽃게", "대게", "킹크랩", "크랩", "crab"),
    "새우": ("새우", "새우젓", "쉬림프", "shrimp", "대하", "감바스", "칵테일새우"),
    "가재": ("가재",),
    "랍스터": ("랍스터", "바닷가재", "lobster"),
    "크랩": ("크랩",),
    "대게": ("대게",),
    "킹크랩": ("킹크랩",),
    "꽃게": ("꽃게",),
    "돼지고기": ("돼지고기", "돼지", "돈육", "한돈", "삼겹살", "목살", "항정살", "제육", "족발", "보쌈", "베이컨", "햄", "소시지", "돈가스",
                 "돈까스", "차슈", "pork", "순대"),
    "복숭아": ("복숭아", "피치", "peach", "황도", "백도"),
    "토마토": ("토마토", "tomato", "케첩", "케찹"),
    "아황산류": ("아황산류", "아황산", "이산화황"),
    "호두": ("호두", "월넛", "walnut"),
    "닭고기": ("닭고기", "닭", "치킨", "chicken", "계육"),
    # Beef by its cuts and bones as menus name them: a 사골 broth or 양지 stock is beef to a beef allergy.
    "쇠고기": ("쇠고기", "소고기", "한우", "육우", "beef", "차돌", "우삼겹", "소갈비", "소불고기", "우육", "사골", "양지", "사태", "우족",
              "도가니", "소꼬리", "꼬리곰탕", "소머리", "소뼈", "육회", "차돌박이"),
    "오징어": ("오징어", "squid", "한치"),
    "굴": ("굴", "굴소스", "생굴", "석굴", "굴젓", "oyster"),
    "전복": ("전복",),
    "홍합": ("홍합", "mussel"),
    "바지락": ("바지락",),
    "조개": ("조개", "clam"),
    "가리비": ("가리비", "scallop"),
    "꼬막": ("꼬막",),
    "재첩": ("재첩",),
    "소라": ("소라", "보말", "고둥", "골뱅이"),
    "성게": ("성게", "sea urchin", "우니"),
    "멍게": ("멍게", "우렁쉥이"),
    "해삼": ("해삼",),
    "개불": ("개불",),
    "미더덕": ("미더덕",),
    "잣": ("잣", "pine nut"),
    "아몬드": ("아몬드", "almond"),
    "캐슈넛": ("캐슈넛", "캐슈너트", "캐슈"),
    "피스타치오": ("피스타치오", "pistachio"),
    "마카다미아": ("마카다미아",),
    "헤이즐넛": ("헤이즐넛", "hazelnut"),
    "피칸": ("피칸", "pecan"),
    "브라질너트": ("브라질너트",),
    "문어": ("문어", "octopus"),
    "주꾸미": ("주꾸미", "쭈꾸미", "쭈삼", "쭈낙", "webfoot octopus"),
    "꼴뚜기": ("꼴뚜기",),
    "낙지": ("낙지", "쭈꾸미", "주꾸미"),
    "연어": ("연어", "salmon"),
    "참치": ("참치", "tuna"),
    "멸치": ("멸치", "멸치액젓", "anchovy"),
    "명태": ("명태", "황태", "북어", "동태", "코다리", "명란", "노가리"),
    "대구": ("대구", "대구살"),
    "갈치": ("갈치",),
    "삼치": ("삼치",),
    "꽁치": ("꽁치",),
    "광어": ("광어",),
    "우럭": ("우럭",),
    "장어": ("장어",),
    "가자미": ("가자미",),
    "조기": ("조기", "굴비"),
    "민어": ("민어",),
}
# Groups too wide to stand for one allergy: a 새우 allergy is not a fish allergy.
BROAD = frozenset({"해산물"})
# 땅콩 is a legume, but a customer who says 견과류 usually means it too (allergens.md).
# Milk in any form is what a milk allergy avoids (버터, 치즈), and eggs of any bird an egg allergy.
ALSO_MEANT = {"견과류": ("땅콩",), "우유": GROUPS["유제품"], "달걀": GROUPS["알류"]}
# Short words that occur inside unrelated words (맛있게, 동굴, 홍콩, 소스): where they may stand.
ONE_SYLLABLE_AFTER = {
    "게": r"(?=살|장|다리|딱지|맛살|국지|찜|탕|$|[^가-힣])",
    "굴": r"(?=전|국|밥|무침|보쌈|튀김|$|[^가-힣])",
    "밀": r"(?=가루|떡|면|빵|$|[^가-힣])",
    "잣": r"",
    "깨": r"(?=$|[^가-힣]|소금|가루|즙)",
    "콩": r"(?!테|피|소메|포트|코드)",  # not 콩테 (cheese), 콩피 (confit), 콩소메, 콩포트
    "닭": r"",
    "햄": r"(?!스터)",
}
# 콩 of soy, not of 홍콩 or of other beans (렌틸콩, 강낭콩, 완두콩, 병아리콩, 작두콩 are no 대두).
ONE_SYLLABLE_BEFORE = {"콩": r"(?<!홍)(?<!렌틸)(?<!강낭)(?<!완두)(?<!병아리)(?<!작두)", "닭": r"", "잣": r"(?<![가-힣])", "햄": r""}
# Dishes and products that contain an allergen: evidence on the item's side, but in a message
# they are usually what the customer wants ("치킨으로 두 마리 추천해 주세요"), so they name an
# allergy only right before an allergy word ("치킨 알레르기").
ITEM_ONLY = frozenset({
    "치킨", "삼겹살", "목살", "항정살", "제육", "족발", "보쌈", "베이컨", "햄", "소시지", "돈가스", "돈까스", "차슈", "순대",
    "감바스", "새우젓", "멸치액젓", "어묵", "피시", "피쉬", "액젓", "까나리", "생선살", "한우", "차돌", "우삼겹", "소갈비", "소불고기", "마요네즈", "마요",
    "머랭", "커스터드", "지단", "노른자", "흰자", "난황", "난백", "날치알", "연어알", "청어알", "캐비어", "캐비아", "케첩", "케찹", "빵가루", "부침가루", "튀김가루", "밀떡", "밀면", "콩국", "두부", "된장", "간장", "청국장", "유부", "비지",
    "낫또", "콩가루", "고추장", "한돈", "먹태", "쌈장", "춘장", "짜장", "게맛살", "땅콩버터", "사골", "양지", "사태", "우족", "도가니", "소꼬리", "꼬리곰탕", "소머리", "소뼈", "육회", "차돌박이",
    "안초비", "앤초비", "엔초비", "굴소스", "굴젓", "깻잎", "흑임자", "참기름", "들기름", "들깻가루", "깨소금", "명란", "노가리",
    "굴비", "황태", "북어", "동태", "코다리", "칵테일새우", "라떼우유", "휘핑", "모짜렐라", "모차렐라", "크림치즈", "파마산",
    "마스카포네", "리코타", "쉬림프", "대하", "한치", "게장", "게살", "생굴", "석굴", "소바", "라떼", "생크림", "크림", "버터",
    "치즈", "요거트", "요구르트", "연유", "분유", "통밀", "소맥", "밀크", "에그", "피치", "황도", "백도", "월넛", "계육", "돈육", "우육",
    "가다랑어", "다랑어", "가쓰오부시", "가츠오부시", "가쓰오", "가츠오", "방어", "전갱이", "정어리", "청어", "임연수", "도미", "참돔", "농어", "숭어", "병어", "아귀", "복어", "송어", "빙어", "열빙어", "시샤모", "과메기", "쥐포",
    "아구", "물메기", "곰치", "물곰", "도루묵", "양미리", "전어", "쥐치", "볼락", "노래미", "쏨뱅이", "홍어", "가오리",
    "감성돔", "돌돔", "옥돔", "아나고", "우나기", "미꾸라지", "추어", "쏘가리", "꺽지", "빠가사리", "메기", "뱅어포",
    "밴댕이", "준치", "부세", "황석어", "강달이", "삼세기", "임연수어",
})
ALLERGY_WORD = r"(알레르기|알러지|알레르|알르레기|알러쥐|allerg)"
# The Korean words English is glossed with, appended after the message: one of them next to the gloss
# of "allergy" is an artefact of that order ("no walnuts, allergy" → "없는 알레르기"), not a food.
GLOSS_WORDS = frozenset(w for _, korean in GLOSSES for w in korean.split())
# A one-syllable allergen in a message counts only next to allergy words or other allergens:
# "좋은 게 뭐예요" has no crab in it.
# Another allergen before the allergy word ("게하고 콩 둘 다 알레르기"): any word of two syllables, or a
# one-syllable allergen of the table.
_ONE = "|".join(sorted({s for name, sp in SPELLINGS.items() for s in (name, *sp) if len(s) == 1 and "가" <= s <= "힣"}))
# What follows a one-syllable allergen (밀, 게, 굴) for it to be one: an allergy word or a refusal
# ("밀이 안 돼요", "밀이랑 달걀 둘 다 안 돼요"), directly or after a second allergen of a list.
# A reaction told of eating it ("잣 먹으면 가려워요", "굴 먹고 나면 부르터요") is one too.
_REFUSAL = (r"알레르기|알러지|못\s*먹|안\s*먹|안\s*(?:돼|되)|"
            r"(?:먹으면|마시면|먹고\s*나면|먹었더니|닿으면)\s*[^.?!]{0,8}?(?:두드러기|가렵|가려|붓|부어|부르[트터]|탈\s*나|숨|반응|간지|올라|큰일|위험|응급|병원|난리)")
SHORT_CUE = (r"(?=\s*(이랑|랑|하고|이나|나|과|와|이|도|은|는|,|·|/|\s)?\s*(?:(?:둘|셋|두\s*개|세\s*개)?\s*(?:다|모두|전부)\s+)?(" + _REFUSAL
             + r"|빼|들어|성분|없는|있어서|있는데|(?:[가-힣]{2,}|" + _ONE + r")\s*(?:(?:둘|셋)?\s*(?:다|모두|전부)\s+)?(" + _REFUSAL + r")))")
# "복숭아 알레르기", "키위 알러지": an allergy to something the table may not know.
NAMED_ALLERGY = re.compile(rf"([가-힣a-z]{{1,10}}?)\s*(?:이나|나|랑|이랑|과|와|에|하고)?\s*{ALLERGY_WORD}")
NOT_A_NAME = re.compile(r"^(무슨|어떤|음식|식품|혹시|제가|저|애가|아이가|딸|아들|저희|좀|심한|심해|있|있는|있어서|조금|약간|살짝|많이|\d+|그|이|그런|이런|메뉴|성분|재료|표시|am|is|are|im|be|been|very|so|have|has|had|an|a|my|the|severe|slight)$"
                        r"|^[가-힣]*(는데|은데|인데|어서|아서|해서|지만|니까|다가|는지)$"  # a clause's ending, not a food: "있는데 알레르기"
                        r"|^[가-힣]+(별|별로|별로는|마다)$")  # "each item's" (음료별로 알레르기 정보) names no food


@dataclass(frozen=True)
class Evidence:
    """Why an item counts as containing an allergen: the word, and where the owner wrote it."""

    word: str
    place: str  # "allergens" (the column), "name" or "description"


def _parents() -> dict[str, set[str]]:
    up: dict[str, set[str]] = {}
    for group, members in GROUPS.items():
        for m in members:
            up.setdefault(m, set()).add(group)
    return up


PARENTS = _parents()


_CANONICAL: dict[str, str] = {}
for _name, _spellings in SPELLINGS.items():
    for _s in (_name, *_spellings):
        _CANONICAL.setdefault(_s.replace(" ", "").lower(), _name)


def canonical(word: str) -> str | None:
    """The allergen a spelling stands for (계란 → 달걀, 패류 → 조개류, eggs → 달걀), None if unknown."""
    # English is only lowercased: cleaning would append its Korean gloss ("eggs" → "eggs 달걀").
    key = (word.lower() if word.isascii() else _clean(word)).replace(" ", "")
    found = _CANONICAL.get(key)
    if found is None and key.isascii() and key.endswith("s"):  # an English plural
        found = _CANONICAL.get(key[:-1]) or (_CANONICAL.get(key[:-2]) if key.endswith("es") else None)
    return found


@lru_cache(maxsize=8192)
def _clean(text: str) -> str:
    """Menu and FAQ texts are cleaned once, not on every message that names an allergy."""
    return clean(text)


@lru_cache(maxsize=512)
def lineage(name: str, siblings: bool = True) -> frozenset[str]:
    """Every allergen an allergy to `name` must keep away: itself, all members below it, the
    groups above it (an item marked 갑각류 may hold the 새우), what customers also mean, and with
    `siblings` the other members of its own group ("treat a group and its members as the same
    allergy": 새우 keeps 게 away too; the wide 해산물 does not make a shrimp allergy a fish one)."""
    out = {name}
    down = [name, *ALSO_MEANT.get(name, ())]
    up = [name]
    while up:
        for group in PARENTS.get(up.pop(), ()):
            if group not in out:
                out.add(group)
                up.append(group)
                if siblings and group not in BROAD:
                    down += GROUPS[group]
    while down:
        n = down.pop()
        if n not in out or n == name:
            out.add(n)
            down += [m for m in GROUPS.get(n, ()) if m not in out]
    return frozenset(out)


def members_below(name: str) -> set[str]:
    """`name` and every member of the table under it, however deep (해산물 → 갑각류 → 새우): what a
    wish for `name` is met by, unlike an allergy, which also keeps the groups above and siblings away."""
    out, todo = {name}, [name]
    while todo:
        for member in GROUPS.get(todo.pop(), ()):
            if member not in out:
                out.add(member)
                todo.append(member)
    return out


def closure(name: str) -> frozenset[str]:
    """`lineage` with siblings: what an allergy to `name` keeps away."""
    return lineage(name, True)


def _spelling_pattern(word: str) -> str:
    w = re.escape(word.lower())
    if len(word) == 1:
        return ONE_SYLLABLE_BEFORE.get(word, r"(?<![가-힣])") + w + ONE_SYLLABLE_AFTER.get(word, r"(?=$|[^가-힣])")
    if word.isascii():
        return rf"(?<![a-z]){w}"
    return w


@lru_cache(maxsize=512)
def _item_pattern(name: str) -> re.Pattern[str]:
    """Any spelling of any allergen in `name`'s closure, as it may appear in an item's text."""
    words = {s for n in closure(name) for s in (n, *SPELLINGS.get(n, ()))}
    return re.compile("|".join(_spelling_pattern(w) for w in sorted(words, key=len, reverse=True)))


def evidence(item: MenuItem, name: str) -> list[Evidence]:
    """Where the item says it holds `name` (or its group or members); empty when it says nothing."""
    pattern = _item_pattern(name)
    found: list[Evidence] = []
    for col in item.allergens:
        c = _clean(col)
        if canonical(c) in closure(name) or pattern.search(c):
            found.append(Evidence(col.strip(), "allergens"))
    for place, text in (("name", item.name), ("description", item.description), ("parts", item.holds)):
        for m in pattern.finditer(_clean(text)):
            # From the name, the allergen as written (새우 in 새우볶음밥); from the description, its
            # whole word (새우젓), which tells the customer what the owner meant.
            word = m.group(0) if place == "name" else _word_around(_clean(text), m.start(), m.end())
            if all(e.word != word and canonical(e.word) != canonical(word) for e in found):
                found.append(Evidence(word, place))
    return found


def _word_around(text: str, start: int, end: int) -> str:
    """The whole word a match sits in ("새우젓" for 새우), so the customer sees what the owner wrote."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    word = text[start:end]
    if len(word) <= 2:
        return word
    tok = kiwi()
    if tok is not None:
        # Only a particle the analyser finds is cut: 새우젓이 is 새우젓, but 계란후라이 keeps its 이.
        morphs = tok.morphemes(word)
        if morphs and morphs[-1].tag.startswith("J") and len(morphs) > 1:
            return word[:morphs[-1].start].rstrip() or word
        return word
    return re.sub(r"(을|를|이|가|은|는|도|에|와|과|로|으로|랑|이랑)$", "", word)


def read(text: str) -> list[str]:
    """The allergies a message names, as table names or, for words the table lacks, as written.

    "새우랑 게 알레르기" → [새우, 게]; "키위 알러지 있어요" → [키위]; "좋은 게 뭐예요" → [].
    """
    t = clean(text)
    found: dict[str, None] = {}
    if ANY_SPELLING.search(t):  # most messages name no allergen: one scan decides
        for name, pattern in _READERS:
            if any(not _thing(m) and not _in_food_name(m, name) for m in pattern.finditer(t)):
                found[name] = None
    # A spelling inside a longer one (새우 in 새우젓, 크림 in 생크림) is the same mention.
    names = list(found)
    for m in NAMED_ALLERGY.finditer(t):
        word = m.group(1)
        if NOT_A_NAME.match(word) or word in GLOSS_WORDS or canonical(word) or any(word in s for n in names for s in (n, *SPELLINGS.get(n, ()))):
            continue
        if len(word) >= 2:
            names.append(word)
    return _drop_contained(names)


def _reader(s: str) -> str:
    """How one spelling is found in a message: short words and dishes only before an allergy word."""
    s = s.lower()
    if len(s) == 1 or s in ITEM_ONLY:
        return r"(?<![가-힣])" + re.escape(s) + SHORT_CUE
    if s.isascii():  # English, with its plural: "allergic to peanuts"
        return rf"(?<![a-z]){re.escape(s)}(?:s|es)?(?![a-z])"
    return re.escape(s).replace(r"\ ", r"\s?")


# Compiled once: reading a message is on every turn's path.
_READERS = tuple((name, re.compile("|".join(_reader(x) for x in (name, *spellings)))) for name, spellings in SPELLINGS.items())
ANY_SPELLING = re.compile("|".join(re.escape(x.lower()).replace(r"\ ", r"\s?") for name, sp in SPELLINGS.items() for x in (name, *sp)))


def _drop_contained(names: list[str]) -> list[str]:
    """새우 and 새우젓 both read from "새우젓 알레르기": keep the broader allergen once."""
    out = []
    for n in names:
        if any(n != o and n in closure(o) and o not in closure(n) for o in names if o in SPELLINGS):
            # A member read alongside its own group (갑각류, 새우): the group already covers it.
            continue
        out.append(n)
    return out


def contains(item: MenuItem, name: str) -> list[Evidence]:
    """`evidence` for table allergens; a word the table lacks is searched for as written."""
    if name in SPELLINGS:
        return evidence(item, name)
    pattern = _free_pattern(name)
    found = [Evidence(a, "allergens") for a in item.allergens if re.search(pattern, _clean(a))]
    found += [Evidence(_word_around(_clean(t), m.start(), m.end()), p)
              for p, t in (("name", item.name), ("description", item.description), ("parts", item.holds))
              for m in re.finditer(pattern, _clean(t))]
    return found


def _free_pattern(name: str) -> str:
    """How a word the table lacks is found in the files: as written, and a meat said with 고기
    (오리고기, 양고기) also by the animal's name, as dishes name it (오리불고기, 훈제오리, 양갈비), not a
    loanword that begins the same (오리지널)."""
    pattern = re.escape(name)
    if name.endswith("고기") and len(name) > 2:
        pattern += rf"|{re.escape(name[:-2])}(?!지널|엔탈|엔트)"
    return pattern


def read_declared(text: str, column_words: tuple[str, ...]) -> list[str]:
    """Words a shop's allergen column declares that the table does not know (옻 of a 옻오리탕), named
    in the message as words of their own ("옻 타는 체질인데"): the owner's own allergens."""
    words = [a for a in column_words if not canonical(a)]
    if not words:
        return []
    c = clean(text)
    return [a for a in words if re.search(rf"(?<![가-힣]){re.escape(a)}(?=$|[^가-힣]|이|가|은|는|도|을|를|에|만|알)", c)]


def mentioned(knowledge: Knowledge, name: str) -> bool:
    """Whether the owner's files say anything about this allergen (any item or FAQ entry): the
    allergen itself, its members, or a group it belongs to. A sibling does not count: a menu
    that tracks 게 says nothing about 새우.

    When they do not, the bot cannot tell whether any dish holds it, so it must not say so.
    """
    pattern = _own_pattern(name) if name in SPELLINGS else re.compile(_free_pattern(name))
    # A wide group in a dish's name or description (해물파전) says what that dish is, not that the
    # owner tracks each of its members (고등어); in the allergen column or the FAQ it still speaks.
    narrow = _own_pattern(name, skip=BROAD - {name}) if name in SPELLINGS else pattern
    texts = [(f"{i.name} {i.description}", _others_cuts(i.name), narrow) for i in knowledge.menu]
    texts += [(" ".join(i.allergens), _others_cuts(i.name), pattern) for i in knowledge.menu]
    texts += [(f"{f.id} {' '.join(f.aliases)} {f.answer}", frozenset(), pattern) for f in knowledge.faqs]
    return any(not _thing(m) and not _other_animals_cut(m) and not _inside_word(m) and m.group(0) not in cuts
               for t, cuts, p in texts for m in p.finditer(_clean(t)))


# A cut named after another animal (닭목살, 오리목살): in the direction where a false mention would let
# the bot claim an absence, 목살 of a chicken is no word about pork (an item's own text still counts
# it, the safe direction there).
_CUTS = frozenset({"목살", "삼겹살", "항정살"})
_ANIMAL_BEFORE = re.compile(r"(닭|오리|소|양|염소|칠면조)\s?$")


def _other_animals_cut(m: re.Match[str]) -> bool:
    return m.group(0) in _CUTS and bool(_ANIMAL_BEFORE.search(m.string[max(0, m.start() - 3):m.start()]))


def _others_cuts(item_name: str) -> frozenset[str]:
    """The cuts an item's name gives to another animal (닭목살): its own text's bare 목살 is that animal's."""
    name = _clean(item_name)
    return frozenset(c for c in _CUTS for m in re.finditer(c, name) if _ANIMAL_BEFORE.search(name[max(0, m.start() - 3):m.start()]))


# Syllables ending in ㄴ or ㄹ: a word ending in one modifies the next ("남은 게 있어요", "먹을 게").
_MODIFIER_END = "".join(chr(0xAC00 + 28 * i + final) for i in range(19 * 21) for final in (4, 8))
_AFTER_MODIFIER = re.compile(f"[{_MODIFIER_END}]\\s$")


def _thing(m: re.Match[str]) -> bool:
    """A lone 게 right after a modifier is 것이 ("남은 게 있어요"), not crab: in the direction where a
    false mention would let the bot claim an absence, it does not count (an item's own text still
    counts it as crab, the safe direction there)."""
    return m.group(0) == "게" and bool(_AFTER_MODIFIER.search(m.string[max(0, m.start() - 2):m.start()]))


def _in_food_name(m: re.Match[str], name: str) -> bool:
    """우니 (sea urchin) inside 브라우니: another spelling's syllables inside the name of a common food
    name that food, not the allergen. The allergen's own name (새우 of 새우튀김) always counts."""
    from bot.kb.menu_match import PARTICLE, common_foods  # the dish list lives with the menu matcher

    word = m.group(0)
    if word == name or word in SPELLINGS or not re.fullmatch(r"[가-힣]+", word):
        return False
    text, start, end = m.string, m.start(), m.end()
    while start > 0 and "가" <= text[start - 1] <= "힣":
        start -= 1
    while end < len(text) and "가" <= text[end] <= "힣":
        end += 1
    stem, foods = text[start:end], common_foods()
    for _ in range(2):  # "브라우니에는": two particles at most
        if stem in foods:
            break
        stem = PARTICLE.sub("", stem)
    return stem != word and m.end() - start <= len(stem) and stem in foods


def _inside_word(m: re.Match[str]) -> bool:
    """A short other spelling (백도 for 복숭아) right after another syllable is a piece of another
    word ("쇼핑백도 드려요"), not a mention: in the direction where a false mention would let the bot
    claim an absence, it does not count. An allergen's own name (새우 of 새우깡) still does."""
    word = m.group(0)
    return (len(word) <= 2 and word not in SPELLINGS and bool(re.fullmatch(r"[가-힣]+", word))
            and m.start() > 0 and bool(re.match(r"[가-힣]", m.string[m.start() - 1])))


@lru_cache(maxsize=512)
def _own_pattern(name: str, skip: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """Spellings of `name`, everything below it and every group above it (but `skip`), without siblings."""
    words = {s for n in lineage(name, False) - skip for s in (n, *SPELLINGS.get(n, ()))}
    return re.compile("|".join(_spelling_pattern(w) for w in sorted(words, key=len, reverse=True)))


def label(name: str) -> str:
    """How to name an allergy back to the customer: 견과류 also says 땅콩, a group says its kind."""
    return "견과류·땅콩" if name == "견과류" else name
