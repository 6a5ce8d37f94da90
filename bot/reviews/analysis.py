"""What a review says, offline: its sentiment, the aspects it judges (맛, 양, 가격, 친절, 위생, 대기,
배달, 포장, 분위기) with the sentences that judge them, and the urgent flags (bot/reviews/urgent.py).

No Korean sentiment package on PyPI works offline, so this is a lexicon (bot/reviews/lexicon.py) on
Kiwi morphemes, clause by clause:
- negation in Kiwi's terms (안/못 before a predicate, -지 않/못 after it): a negated praise is a
  complaint, a negated complaint is faint praise (맛없진 않은데);
- intensifiers (진짜, 개-, 억수로, 허벌나게) and softeners (좀, 약간);
- contrast (-지만, -는데, 근데): what follows weighs more;
- irony (반어): praise said with ^^, ~, ㅋ or 덕분에 in a review that reports a failure flips;
- emoticons and emoji;
- the star rating last, as a prior the words can overrule (a 5-star complaint is a complaint).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot.kb.tokenizer import kiwi as shared_kiwi
from bot.reviews import lexicon as lx
from bot.reviews.urgent import flags

RATING_PRIOR = {1: -2.0, 2: -1.4, 3: -0.2, 4: 0.9, 5: 1.3}
POSITIVE_AT = 0.5
NEGATIVE_AT = -0.5
CONTRAST = re.compile(r"(근데|그런데|하지만|그치만|그렇지만|그래도|다만|단지|반면|but)\s", re.I)
CONTRAST_ENDINGS = ("는데", "은데", "ᆫ데", "지만", "던데", "으나", "나")
WORD_TAGS = frozenset({"VA", "VV", "NNG", "NNP", "NNB", "IC", "MAG", "MAJ", "XR", "SL", "XSA", "XSV"})  # not XSN: 비위생"적" is no 적다


@dataclass(frozen=True)
class Analysis:
    sentiment: str  # positive, neutral, negative
    score: float
    aspects: dict[str, str] = field(default_factory=dict)  # aspect -> pos / neg
    evidence: dict[str, list[str]] = field(default_factory=dict)  # aspect -> the sentences that judge it
    urgent: tuple[str, ...] = ()  # hygiene, health, refund, abuse


CHAT_TYPOS = ((r"마싯|맛잇|마싰|마시써|맛이써|마이쪙", "맛있"), (r"(?<=[가-힣])햇(?=어|음|다|고|는)", "했"), (r"짯(?=어|다|음|네)", "짰"),
              (r"업ㅅ|없ㅅ", "없"), (r"(?<![가-힣])잇(?=어|나|음|다|고)", "있"), (r"괸찮", "괜찮"), (r"(?<=[가-힣])여(?=$|[\s.!?~])", "요"))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for pattern, fixed in CHAT_TYPOS:  # common thumb slips, so the stems meet the lexicon
        text = re.sub(pattern, fixed, text)
    return re.sub(r"[ \t]+", " ", text).strip()


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?。])\s+|\n+|(?<=[ㅋㅎㅠㅜ]{2})\s+|(?<=[~^]{2})\s+", text)
    return [p.strip() for p in parts if p and p.strip()]


def _clauses(sentence: str, morphs: list[Any]) -> list[tuple[str, list[Any], float]]:
    """The sentence cut at its contrasts, each part with its weight (what follows a contrast weighs more)."""
    cuts = []
    for i, m in enumerate(morphs[:-1]):
        if (m.tag == "EC" and m.form in CONTRAST_ENDINGS) or (m.tag == "MAJ" and CONTRAST.match(m.form + " ")):
            cuts.append(i + 1 if m.tag == "EC" else i)
    if not cuts:
        return [(sentence, morphs, 1.0)]
    out = []
    start = 0
    for n, cut in enumerate([*cuts, len(morphs)]):
        part = morphs[start:cut]
        if part:
            s0 = part[0].start
            s1 = part[-1].start + part[-1].len
            out.append((sentence[s0:s1], part, 0.85 if n < len(cuts) else 1.15))
        start = cut
    return out


def _keys(morphs: list[Any]) -> list[tuple[int, str]]:
    """(index of the predicate, lexicon key) for every lexicon word in the clause."""
    out: list[tuple[int, str]] = []
    skip = -1
    for i, m in enumerate(morphs):
        if i <= skip:
            continue
        form = m.form.lower()
        nxt = morphs[i + 1] if i + 1 < len(morphs) else None
        if m.tag == "XPN" and form == "불" and nxt is not None and "불" + nxt.form in lx.POLAR:
            out.append((i + 1, "불" + nxt.form))
            skip = i + 1
            continue
        if nxt is not None and nxt.tag in ("VA", "VV") and form + nxt.form in lx.POLAR:  # 맛+없, 맛+있, 기분+나쁘
            out.append((i + 1, form + nxt.form))
            skip = i + 1
            continue
        if m.tag.startswith("VA") and form.endswith("하") and form[:-1] in lx.POLAR:  # Kiwi keeps 하 on some stems: 쫄깃하, 깨끗하
            out.append((i, form[:-1]))
            continue
        if form in lx.POLAR and (m.tag.split("-")[0] in WORD_TAGS or m.tag == "VX" and form == "좋"):  # VA-I: irregular
            at = i + 1 if nxt is not None and nxt.tag in ("XSA", "XSV") else i
            out.append((at, form))
    return out


def _negated(morphs: list[Any], at: int) -> bool:
    before = morphs[at - 1] if at >= 1 else None
    if before is not None and before.form in ("안", "못") and before.tag == "MAG":
        return True
    if at >= 2 and morphs[at - 2].form in ("안", "못") and morphs[at - 2].tag == "MAG" and before is not None and before.tag in ("XSA", "XSV"):
        return True
    window = morphs[at + 1: at + 9]
    for j, m in enumerate(window):
        if m.form == "지" and m.tag == "EC" or m.form in ("진", "질", "지는", "지도"):
            # -지 않, -지도 않, -지는 않; "친절하지도 불친절하지도 않은" negates both
            for r in window[j + 1: j + 8]:
                if r.form in ("않", "못하", "못", "말") and r.tag in ("VX", "VV", "MAG"):
                    return True
                if r.tag in ("EF", "SF") or (r.tag == "EC" and r.form != "지"):
                    return False
            return False
        if m.tag == "ETM" and j + 2 < len(window) and window[j + 1].form in ("적", "게", "것", "거") and any(
                r.form in ("없", "아니") for r in window[j + 2: j + 5]):
            return True  # 실망한 적 없, 나쁜 게 아니라
        if m.tag.startswith("E") and m.form not in ("지", "게", "고", "ᆫ", "은", "는"):
            break
    return False


def _intensity(morphs: list[Any], at: int, key_index: int) -> float:
    near = [m.form for m in morphs[max(0, key_index - 3):key_index]]
    k = 1.0
    if any(f in lx.INTENSIFIERS for f in near):
        k *= 1.5
    if any(f in lx.SOFTENERS for f in near):
        k *= 0.7
    return k


def _clause_score(text: str, morphs: list[Any]) -> tuple[float, set[str], float]:
    """(score, aspects named, praise in it) of one clause."""
    score = 0.0
    praise = 0.0
    named: set[str] = set()
    for at, key in _keys(morphs):
        polarity, aspect = lx.POLAR[key]
        key_index = at if morphs[at].form.lower() == key else max(0, at - 1)
        value = polarity * _intensity(morphs, at, key_index)
        if _negated(morphs, at):
            value = -0.8 * value if value > 0 else -0.4 * value
        score += value
        if value > 0:
            praise += value
        if aspect and value:
            named.add(aspect)
    cleaned = text.lower()
    for pattern, polarity, aspect in lx.PHRASES:
        if re.search(pattern, cleaned):
            score += polarity
            if polarity > 0:
                praise += polarity
            if aspect:
                named.add(aspect)
    return score, named, praise


ASPECT_WORDS: dict[str, str] = {
    "맛": r"맛|간이|간은|간도|식감|향|풍미|국물|소스|커피|원두|라떼|빵|케이크|디저트|고기|면발|육즙|양념|반찬|김치",
    "양": r"양이|양은|양도|양\s|량|푸짐|넉넉|듬뿍|배부르|적어|조금",
    "가격": r"가격|가성비|값|비싸|저렴|\d+원|만원|혜자|창렬|돈",
    "친절": r"친절|사장님|직원|알바|응대|서비스|인사|말투|태도|표정|설명",
    "위생": r"위생|깨끗|청결|깔끔|더럽|지저분|머리카락|벌레|컵|테이블|화장실|행주",
    "대기": r"웨이팅|기다|대기|줄\s*(서|이)|오래\s*걸|늦게\s*나|나오는\s*데",
    "배달": r"배달|도착|라이더|기사님|배송|늦게\s*와|빨리\s*와|누락|빠져|식어|식은",
    "포장": r"포장|용기|뚜껑|샜|새서|흘러|넘쳐|터져|봉지|랩|꼼꼼",
    "분위기": r"분위기|인테리어|매장|공간|좌석|자리|음악|조용|시끄|뷰|감성|아늑|조명|테라스",
}


def analyse(text: str, rating: int | None = None, model: bool = True) -> Analysis:
    raw = _normal(text)
    kiwi = shared_kiwi()
    failure = bool(re.search(lx.FAILURE, raw))
    total = praise_total = blame_total = 0.0
    aspect_score: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    complaints: list[list[Any]] = []  # the morphemes of sentences that read negative: where the semantic net looks
    for sentence in sentences(raw):
        morphs = kiwi.morphemes(sentence) if kiwi is not None else []
        sentence_score = 0.0
        for clause, part, weight in _clauses(sentence, morphs):
            score, named, praise = _clause_score(clause, part)
            ironic = praise > 0 and re.search(lx.IRONY, clause) and (failure or (rating is not None and rating <= 2))
            if ironic:
                score = -abs(score) - 0.5
            if re.search(lx.BEFORE, clause):
                score *= 0.3  # how it used to be
            if re.search(r"줄\s*알았(는데|더니)", clause):
                score *= -0.3  # a first impression the review then takes back (화나신 줄 알았는데)
            score *= weight
            sentence_score += score
            if score > 0:
                praise_total += score
            else:
                blame_total -= score
            total += score
            found = {a for a, pattern in ASPECT_WORDS.items() if re.search(pattern, clause)} | named
            if abs(score) >= 0.3:
                for aspect in found:
                    aspect_score[aspect] = aspect_score.get(aspect, 0.0) + score
                    evidence.setdefault(aspect, [])
                    if sentence not in evidence[aspect]:
                        evidence[aspect].append(sentence)
        if sentence_score < -0.3 or (rating is not None and rating <= 2):
            complaints.append(morphs)
    total += _emoticons(raw, total)
    urgent = flags(raw, complaints, rating, model)
    if urgent:
        total -= 1.5  # a report of a hair, a stomach ache or a refund is a complaint, however politely put
    if praise_total >= 0.6 and blame_total >= 0.6 and max(praise_total, blame_total) < 2.2 * min(praise_total, blame_total):
        total *= 0.3  # praise and blame in balance: "A는 좋은데 B는 별로"
    elif re.search(lx.LUKEWARM, raw):
        total *= 0.5  # lukewarm
    combined = total + (0.45 * RATING_PRIOR[rating] if rating in RATING_PRIOR else 0.0)
    sentiment = "positive" if combined >= POSITIVE_AT else "negative" if combined <= NEGATIVE_AT else "neutral"
    aspects = {a: ("pos" if s > 0 else "neg") for a, s in aspect_score.items() if abs(s) >= 0.3}
    return Analysis(sentiment, round(combined, 2), aspects, {a: evidence[a] for a in aspects}, urgent)


def _emoticons(text: str, words: float) -> float:
    score = 0.0
    crying = len(re.findall(r"[ㅠㅜ]{2,}|😭|😢", text))
    if crying and words <= 0.5:
        score -= min(0.6, 0.3 * crying)  # with praise, tears are joy (맛있어요ㅠㅠ)
    score += 0.5 * min(2, sum(text.count(e) for e in lx.POSITIVE_EMOJI))
    score -= 0.8 * min(2, sum(text.count(e) for e in lx.NEGATIVE_EMOJI))
    if re.search(r"ㅋ{2,}|ㅎ{2,}", text) and words > 0:
        score += 0.15
    if re.search(r"ㅡㅡ|-_-|;;", text):
        score -= 0.6
    return score
