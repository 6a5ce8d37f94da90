"""Reply drafts for a review, grounded in the owner's files, and the check every draft must pass.

Three candidates per review in the store's tone (정중 or 친근) and length (짧게, 보통, 길게), built
differently for a complaint (apologise, name the issue, say what changes, invite back) and for praise
(thank, name what was liked, invite back). Facts come only from the knowledge: a menu item the
review names and the menu has, a recommendation the owner tagged, the shop's phone; a refund or
compensation is mentioned only when an FAQ of the shop states that policy, in the FAQ's own words.
The reviewer's nickname, phone or address is never repeated.

`problems(draft, ...)` is the grounding check, written separately from the templates so that it
can catch what they get wrong: numbers that are not the shop's, menu-like names the menu does not
have, promises without a policy, the reviewer's personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.josa import josa
from bot.kb.records import Knowledge
from bot.reviews.analysis import Analysis

TONES = ("정중", "친근")
LENGTHS = ("짧게", "보통", "길게")
ISSUE_KO = {"맛": "음식 맛", "양": "양", "가격": "가격", "친절": "응대", "위생": "위생", "대기": "오래 기다리시게 한 점", "배달": "배달",
            "포장": "포장", "분위기": "매장 환경"}
CHANGE_KO = {
    "맛": ("맛과 간을 다시 꼼꼼히 점검할게요", "레시피와 간을 다시 확인하겠습니다"),
    "양": ("양도 다시 살펴볼게요", "제공량을 다시 점검하겠습니다"),
    "가격": ("가격에 맞는 만족을 드릴 수 있도록 고민할게요", "가격에 걸맞은 만족을 드릴 수 있도록 개선하겠습니다"),
    "친절": ("직원들과 응대를 다시 이야기 나눌게요", "응대 교육을 다시 하겠습니다"),
    "위생": ("주방과 매장 위생을 바로 다시 점검할게요", "위생 상태를 즉시 다시 점검하겠습니다"),
    "대기": ("기다리시는 시간을 줄일 방법을 찾아볼게요", "대기 시간을 줄일 수 있도록 개선하겠습니다"),
    "배달": ("배달 과정을 다시 확인할게요", "배달 과정을 다시 점검하겠습니다"),
    "포장": ("포장을 더 꼼꼼히 할게요", "포장을 더 꼼꼼히 하겠습니다"),
    "분위기": ("매장 환경도 더 신경 쓸게요", "매장 환경을 더 세심하게 관리하겠습니다"),
}
URGENT_KO = {"hygiene": "위생", "health": "건강", "refund": "결제", "abuse": "응대"}
PRAISE_KO = {"맛": "맛있게 드셔 주셔서", "양": "넉넉하게 느끼셨다니", "가격": "가격에 만족하셨다니", "친절": "응대를 좋게 봐 주셔서",
             "위생": "깨끗하다고 해 주셔서", "대기": "빠르다고 해 주셔서", "배달": "배달에 만족하셨다니", "포장": "포장까지 봐 주셔서",
             "분위기": "매장 분위기를 좋아해 주셔서"}
POLICY_WORDS = re.compile(r"환불|교환|보상|재조리|다시\s*만들")
PROMISE_WORDS = re.compile(r"환불|보상|배상|교환|무료|공짜|쿠폰|할인|서비스로\s*(드리|드릴|챙겨)|적립|상품권|돌려\s*드리|다시\s*보내\s*드리")


@dataclass(frozen=True)
class Draft:
    text: str
    structure: str  # which of the three built it: a, b, c
    facts: tuple[str, ...]  # the knowledge it used: menu:<name>, faq:<question>, store:phone


def _policy(knowledge: Knowledge) -> str | None:
    """The shop's own words on refunds or remaking, if an FAQ states it."""
    for faq in knowledge.faqs:
        if POLICY_WORDS.search(faq.id + " " + " ".join(faq.aliases)) and POLICY_WORDS.search(faq.answer):
            return faq.id
    return None


def _recommended(knowledge: Knowledge, exclude: set[str]) -> str | None:
    for item in knowledge.menu:
        if item.available and item.name not in exclude and any(t in ("추천", "인기", "시그니처", "대표", "베스트") for t in item.tags):
            return item.name
    return None


def _ends(tone: str, polite: str, friendly: str) -> str:
    return polite if tone == "정중" else friendly


def drafts(analysis: Analysis, rating: int | None, items: list[str], knowledge: Knowledge, tone: str = "정중",
           length: str = "보통") -> list[Draft]:
    """Three candidate replies (see the module docstring). `items` are menu items the review names."""
    named = [i for i in items if i in knowledge.menu_by_name][:2]
    # The words decide (a 1-star rave is a mis-tap), the stars only when the words are lukewarm.
    low = analysis.sentiment == "negative" or bool(analysis.urgent) or (
        analysis.sentiment == "neutral" and rating is not None and rating <= 2)
    if low:
        return [_complaint(analysis, named, knowledge, tone, length, s) for s in "abc"]
    return [_praise(analysis, named, knowledge, tone, length, s) for s in "abc"]


def _complaint(a: Analysis, items: list[str], k: Knowledge, tone: str, length: str, s: str) -> Draft:
    store = k.store
    facts: list[str] = []
    issues = [x for x in a.aspects if a.aspects[x] == "neg"]
    polite = tone == "정중"
    if a.urgent:
        what = "이런 일이 있었다니" if s != "b" else "불편을 겪으셨다니"
        issue_text = f"{URGENT_KO[a.urgent[0]]} 문제로 {what}"
    elif issues:
        issue_text = "오래 기다리시게 해서" if issues[0] == "대기" else josa(ISSUE_KO[issues[0]], "이") + " 만족스럽지 못하셨다니"
    else:
        issue_text = "기대에 못 미쳤다니"
    item = f" {josa(items[0], '이')}" if items and s == "c" else ""
    if item:
        facts.append(f"menu:{items[0]}")
    openers = {
        "a": _ends(tone, f"소중한 리뷰 남겨 주셔서 감사합니다. {issue_text} 정말 죄송합니다.", f"리뷰 남겨 주셔서 고마워요. {issue_text} 정말 죄송해요."),
        "b": _ends(tone, f"먼저 불편을 드려 진심으로 사과드립니다. {issue_text} 마음이 무겁습니다.",
                   f"먼저 불편을 드려서 진심으로 사과드려요. {issue_text} 마음이 무거워요."),
        "c": _ends(tone, f"찾아 주셨는데{item} 기대에 못 미쳐 죄송합니다.", f"찾아 주셨는데{item} 기대에 못 미쳐서 죄송해요."),
    }
    parts = [openers[s]]
    changes = [CHANGE_KO[x][0 if not polite else 1] for x in issues[:2] if x in CHANGE_KO]
    if a.urgent and "hygiene" in a.urgent and "위생" not in issues[:2]:
        changes.insert(0, CHANGE_KO["위생"][0 if not polite else 1])
    if length != "짧게" and changes:
        joined = changes[0] if len(changes) == 1 else f"{_connective(changes[0])} {changes[1]}"
        parts.append(_sentence(joined, tone))
    if (a.urgent or length == "길게") and store.phone:
        facts.append("store:phone")
        parts.append(_ends(tone, f"번거로우시겠지만 매장({store.phone})으로 연락 주시면 직접 자세히 듣고 확인하겠습니다.",
                           f"괜찮으시다면 매장({store.phone})으로 연락 주세요. 직접 듣고 확인할게요."))
    policy = _policy(k)
    if policy and (a.urgent and set(a.urgent) & {"refund", "hygiene", "health"}) and length != "짧게":
        facts.append(f"faq:{policy}")
        answer = next(f.answer for f in k.faqs if f.id == policy).strip().split("\n")[0]
        parts.append(_ends(tone, f"저희 가게 안내대로 {answer.rstrip('.')}.", f"저희 가게 안내대로 {answer.rstrip('.')}."))
    closers = {
        "a": _ends(tone, "다음에는 더 나은 모습으로 보답하겠습니다.", "다음엔 더 좋은 모습 보여 드릴게요."),
        "b": _ends(tone, "다시 한번 기회를 주신다면 꼭 달라진 모습 보여 드리겠습니다.", "다시 한번 기회 주시면 꼭 달라진 모습 보여 드릴게요."),
        "c": _ends(tone, f"{store.name} 드림.", f"{store.name}에서 다시 뵙길 바랄게요."),
    }
    if length != "짧게" or s == "c":
        parts.append(closers[s])
    return Draft(" ".join(parts), s, tuple(facts))


def _praise(a: Analysis, items: list[str], k: Knowledge, tone: str, length: str, s: str) -> Draft:
    store = k.store
    facts: list[str] = []
    liked = [x for x in a.aspects if a.aspects[x] == "pos"]
    openers = {
        "a": _ends(tone, "좋은 리뷰 남겨 주셔서 진심으로 감사합니다.", "예쁜 리뷰 남겨 주셔서 정말 고마워요!"),
        "b": _ends(tone, "찾아 주셔서 감사합니다.", "와 주셔서 고마워요!"),
        "c": _ends(tone, "따뜻한 말씀 감사합니다.", "따뜻한 말씀 고마워요!"),
    }
    parts = [openers[s]]
    if items and s != "b":
        facts.append(f"menu:{items[0]}")
        parts.append(_ends(tone, f"{josa(items[0], '을')} 맛있게 드셨다니 정말 기쁩니다.", f"{josa(items[0], '을')} 맛있게 드셨다니 너무 기뻐요."))
    elif liked:
        reason = PRAISE_KO[liked[0]]
        parts.append(_ends(tone, f"{reason} 큰 힘이 됩니다.", f"{reason} 힘이 나요."))
    if length != "짧게":
        parts.append(_ends(tone, "앞으로도 한결같은 맛과 정성으로 준비하겠습니다.", "앞으로도 변함없이 정성껏 준비할게요."))
    if length == "길게" or s == "c":
        rec = _recommended(k, set(items))
        if rec:
            facts.append(f"menu:{rec}")
            parts.append(_ends(tone, f"다음에 오시면 {rec}도 한번 드셔 보세요.", f"다음엔 {rec}도 꼭 드셔 보세요!"))
    closers = {"a": _ends(tone, "또 뵙겠습니다.", "또 놀러 오세요!"), "b": _ends(tone, "다음에도 기분 좋게 모시겠습니다.", "다음에 또 만나요!"),
               "c": _ends(tone, f"{store.name} 드림.", f"{store.name}에서 기다릴게요!")}
    parts.append(closers[s])
    return Draft(" ".join(parts), s, tuple(facts))


def _connective(clause: str) -> str:
    """'점검할게요' -> '점검하고': the first of two commitments, joined."""
    for end, joined in (("하겠습니다", "하고"), ("할게요", "하고"), ("볼게요", "보고"), ("쓸게요", "쓰고"), ("눌게요", "누고")):
        if clause.endswith(end):
            return clause[: -len(end)] + joined
    return clause + ","


def _sentence(text: str, tone: str) -> str:
    return text if text.endswith((".", "!")) else text + "."


# --- the grounding check ------------------------------------------------------------------


PHONE = re.compile(r"0\d{1,2}[-.\s]?\d{3,4}[-.\s]?\d{4}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
NUMBER = re.compile(r"\d[\d,.:~-]*")


def problems(draft: str, knowledge: Knowledge, review_text: str = "", author: str = "") -> list[str]:
    """What is wrong with a draft, in English for logs and tests; [] when it may be shown to the owner."""
    store = knowledge.store
    found: list[str] = []
    allowed_numbers = {re.sub(r"\D", "", store.phone)} | {str(i.price) for i in knowledge.menu if i.price} | {
        f"{i.price:,}" for i in knowledge.menu if i.price}
    for phone in PHONE.findall(draft):
        if re.sub(r"\D", "", phone) != re.sub(r"\D", "", store.phone):
            found.append(f"a phone number that is not the shop's: {phone}")
    stripped = PHONE.sub(" ", draft)
    for n in NUMBER.findall(stripped):
        if n.strip(".,:~-") and n.strip(".,:~-") not in allowed_numbers:
            found.append(f"a number the knowledge does not give: {n}")
    if EMAIL.search(draft) or re.search(r"https?://", draft):
        found.append("an address or link")
    if author and len(author.strip("*· ")) >= 2 and author.strip("*· ") in draft:
        found.append("the reviewer's nickname")
    policy = _policy(knowledge)
    promise = PROMISE_WORDS.search(draft)
    if promise:
        policy_text = next((f.answer for f in knowledge.faqs if f.id == policy), "") if policy else ""
        if not policy_text or promise.group(0) not in policy_text:
            found.append(f"a promise without the shop's policy: {promise.group(0)}")
    # Menu-like names: a word followed by a particle that looks like food the review or the menu names.
    menu_names = {i.name for i in knowledge.menu}
    for m in re.finditer(r"([가-힣A-Za-z ]{2,20}?)(을|를|이|가|도)\s*(맛있게\s*드셨|한번\s*드셔|꼭\s*드셔)", draft):
        name = m.group(1).strip().split(" ")[-1] if m.group(1).strip() not in menu_names else m.group(1).strip()
        if m.group(1).strip() not in menu_names and name not in menu_names:
            found.append(f"a dish the menu does not have: {m.group(1).strip()}")
    for phone in PHONE.findall(review_text):
        if phone in draft:
            found.append("the reviewer's phone")
    return found


# --- with a model ------------------------------------------------------------------------------

MODEL_RULES = (
    "당신은 {store}의 사장님을 대신해 손님 리뷰에 달 답글 초안을 써요. 답글 본문만 한국어로 써요.\n"
    "- 사실은 참조로만 써요: 메뉴 이름은 {{menu_name:이름}} (아래 목록에 있는 이름만), 가게 전화번호는 {{phone}}.\n"
    "- 가격, 시간, 날짜, 숫자는 쓰지 않아요. 목록에 없는 메뉴는 말하지 않아요.\n"
    "- 환불, 보상, 할인, 쿠폰, 무료, 서비스 제공을 약속하지 않아요{policy}.\n"
    "- 손님의 닉네임, 연락처, 주소 같은 개인정보를 쓰지 않아요. '고객님'이라고 불러요.\n"
    "- 말투: {tone}. 길이: {length} (짧게 1~2문장, 보통 3~4문장, 길게 5~6문장).\n"
    "- 불만 리뷰: 사과하고, 문제를 짚고, 무엇을 바꿀지 말하고, 다시 오시길 청해요. 칭찬 리뷰: 감사하고, 좋았던 점을 짚고, 다시 오시길 청해요."
)
MENU_REF = re.compile(r"\{\s*menu_name\s*:\s*([^{}]{1,60}?)\s*\}")


def model_messages(review_text: str, rating: int | None, analysis: Analysis, knowledge: Knowledge, tone: str, length: str) -> list[dict[str, str]]:
    policy = _policy(knowledge)
    policy_note = "" if not policy else f" (가게 FAQ의 정책만 그대로 안내할 수 있어요: {next(f.answer for f in knowledge.faqs if f.id == policy)})"
    system = MODEL_RULES.format(store=knowledge.store.name, policy=policy_note, tone=tone, length=length)
    menu = ", ".join(i.name for i in knowledge.menu if i.available)
    user = (f"메뉴 목록: {menu}\n리뷰 (별점 {rating if rating else '없음'}, 느낌 {analysis.sentiment}, "
            f"아쉬운 점 {', '.join(a for a, p in analysis.aspects.items() if p == 'neg') or '없음'}):\n{review_text[:1500]}")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def render_model(text: str, knowledge: Knowledge) -> tuple[str, tuple[str, ...]] | None:
    """The model's draft with its references filled from the knowledge; None when one cannot be."""
    facts: list[str] = []

    def menu(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name not in knowledge.menu_by_name:
            raise KeyError(name)
        facts.append(f"menu:{name}")
        return name
    try:
        out = MENU_REF.sub(menu, text)
    except KeyError:
        return None
    if "{phone}" in out:
        if not knowledge.store.phone:
            return None
        facts.append("store:phone")
        out = out.replace("{phone}", knowledge.store.phone)
    if "{" in out or "}" in out:
        return None  # a reference of another kind: not ours to fill here
    return out.strip(), tuple(facts)
