"""Is this message a request to stop the shop's advertising (수신거부)?

The law (spec/outreach.md §2, §5.5) wants a withdrawal honoured at once, from any wording; a
false alarm is cheap but not free (the customer loses the coupons they wanted and is told so).
So the rule is a request to *stop* aimed at an *ad-like object*:

- the word 수신거부 (any spacing, common typos) or an English "stop"/"unsubscribe" on its own;
- an object (광고, 홍보, 마케팅, 문자, 메시지, 카톡, 알림, 소식, 쿠폰·이벤트 문자, 수신 동의) followed
  closely by a stop predicate (그만, 보내지 마, 안 받을래, 사절, 끊어, 중단, 차단, 철회, ㄴㄴ, dialect
  고마/그만 보내랑께/-유);

and never a question about whether something arrived (안 왔어요, 안 받았어요), a permission
question (보내도 되나요), or 취소·거부 about anything else (예약 취소, 카드 거부).
General Korean chat vocabulary only; no phrase from a test set.
"""

from __future__ import annotations

import re
import unicodedata

# Typing variants of the one word everybody knows.
SUSIN_GEOBU = re.compile(r"수\s*신\s*(거\s*[부뷰북브]|거\s*절|해\s*제|탈\s*퇴|안\s*(할|하겠|받)|걷부|거뷰|차단|해지|중단|중지|철회|안\s*함|사절|ㄴㄴ|x|X|노)")
# Ad-like objects: what the shop sends.
OBJECT = (r"(광\s*고|홍\s*보|마케팅|문\s*자|메\s*[시세]\s*지|카\s*톡|톡|알\s*림|소\s*식|쿠\s*폰|이벤트|푸\s*시|푸쉬|뉴스레터|"
          r"안내\s*(문자|메[시세]지|톡)|(발송|수신|광고|문자)\s*(목록|명단|대상|리스트)|sms|push|ads?|spam|스팸|수\s*신(\s*동\s*의)?|마케팅\s*(수신\s*)?동\s*의)")
# What asking to stop sounds like, standard and dialect, polite and not.
STOP = (r"(그\s*만|고\s*마(?![워웠운와우])|구\s*만|그만\s*좀|보내지\s*(마|말|맙|않|마요|마세|마시|마라|말아|마셈|마쇼|마이소|말어|말랑께)|"
        r"보내\s*지\s*마|보내지들\s*마|안\s*보내|보내지\s*좀\s*마|그만\s*보내|보내는\s*거\s*(그만|싫|멈|중단|사절)|"
        r"안\s*받(을|겠|고\s*싶|고\s*시|아도\s*돼|을래|을게|기로|는\s*걸로|습니다(?!\s*\?)|아요(?!\s*\?)|음|는다)|사\s*양|(주|하)지\s*(좀\s*)?(마|말)|받고\s*싶지\s*않|받기\s*싫|받지\s*않(을|겠|고\s*싶)|"
        r"사\s*절|거\s*부|끊어|끊어\s*주|끊을|지워\s*(주|줘|달|라)|삭제\s*(해\s*(주|줘|달)|요|부탁|바랍|좀)|안\s*와도\s*(돼|되|괜찮)|오지\s*않(게|도록)|오\s*프|중\s*단|중\s*지|멈춰|멈추|차\s*단|철\s*회|해\s*지|취\s*소|빼\s*(주|줘|달)|제외|"
        r"노노|no|싫어|싫다|싫습|짜증|원하지\s*않|원치\s*않|필요\s*없|그만해|그만하|stop|off|스\s*탑|스\s*톱|끄|꺼\s*(주|줘|달|라)|"
        r"해\s*제|탈\s*퇴|거\s*절|안\s*할(게|래|께)|안\s*하겠)")
# A bare "stop sending" needs no object: it can only be about what the shop sends.
BARE_STOP = re.compile(r"(그\s*만|고\s*만|구\s*만|더\s*(이상|는))\s*(좀\s*)?(보내|보내지|보내셈|보내라|보내요|보내세요|보내\s*주)", re.I)
# Asking to be messaged again (after an opt-out by mistake) is the opposite of a withdrawal.
RESUBSCRIBE = re.compile(r"계속\s*(보내|받)\s*(주|줘|을|고\s*싶)|다시[^.?!]{0,8}(받고\s*싶|받을래|받을게|받겠|받아\s*보|구독|동의|신청|켜)|다시\s*(받|풀|해\s*주)|(수\s*신\s*거\s*부|차\s*단|거\s*부)[^.?!]{0,10}(풀|해\s*제|취\s*소)|"
                         r"받을\s*수\s*있")
OBJECT_THEN_STOP = re.compile(OBJECT + r"[^.?!\n]{0,20}?" + STOP, re.I)
ALL_CONTACT = re.compile(r"(모든|일체|일절|더\s*(는|이상))\s*연락\s*(을|은|도)?\s*(거부|사절|사양|끊|하지\s*마|주지\s*마|안\s*받)")
STOP_THEN_OBJECT = re.compile(r"(그만|더\s*이상|이제)\s*(광고|홍보|마케팅|문자|메[시세]지|카톡|알림)\s*(보내지|사절|노|ㄴㄴ|안\s*받)", re.I)
KONGLISH = re.compile(r"언\s*섭|언서브|옵트\s*아웃|노\s*(광고|홍보|마케팅|스팸)|(광고|홍보|마케팅)\s*(메[시세]지\s*)?(노\s*땡큐|노땡스|노\s*생큐)", re.I)
ENGLISH = re.compile(r"^\s*(stop|unsubscribe|opt[\s-]?out|no\s+more\s+(ads|messages|texts|spam|promotions?)|"
                     r"stop\s+(sending|texting|messaging)|please\s+stop|stop\s+(ads|messages|it))\b", re.I)
ENGLISH_ANYWHERE = re.compile(
    r"\b(unsubscribe|opt[\s-]?out|stop\s+sending|no\s+more\s+(ads|messages|promotions?|spam)|remove\s+me\s+from|take\s+me\s+off)\b|"
    r"\b(don'?\s?t|do\s+not|stop|quit|never)\s+(text|messag|contact|send|email|spam)\w*\s+(me|us|anything)\b|"
    r"\b(stop|no|don'?t\s+(want|need|send)|do\s+not\s+(want|need|send)|not\s+interested\s+in)\b[^.?!]{0,30}?"
    r"\b(promo(tion)?s?|ads?|adverts?|advertising|marketing|messages|texts|spam|newsletters?)\b|no\s*(광고|홍보|마케팅)", re.I)
# "앞으로 보내지 말아 주세요", "그런 건 보내지 마요": sending refused with no object named is about what the
# shop sends, unless the message is about something else sent (a parcel, a photo, money).
SEND_NOT = re.compile(r"(^|[,.?!]\s*|(다시는|다신|절대|제발|더는|더\s*이상|앞으로|이제는?|좀|그만|저한테|나한테|제게|저에게|저희\s*집에|"
                      r"(이런|그런|저런)\s*(거|것|걸|건|게)|이거|이건|그거|그건|싫(으니|으니까|어서|고|다))\s*)"
                      r"(보내\s*지\s*(좀\s*)?(마|말|맙)|보내지들\s*마|연락\s*(좀\s*)?(하지|주지)\s*(좀\s*)?(마|말))")
# The act itself denied or supposed ("수신거부 누른 적 없어요", "거부하면 포인트는요?").
NOT_DONE = re.compile(r"^\S{0,2}\s*((하|되)면(?!\s*(되|돼))|할\s*경우|시에?\s|안\s*했|안\s*한|한\s*적|하지\s*않았|안\s*눌)")
# Where a clause ends inside a message ("홍보는 빼 주시고 주문 알림만 주세요"): what follows is another request.
CLAUSE_END = re.compile(r"(시고|하고|주고|지만|는데|고요)\s")
SENT_THING = re.compile(r"택배|물건|상품|주문|사진|주소|계좌|돈|입금|선물|배달|퀵|답장|파일|링크|위치")
# A short request to stop after a sentence that named the adverts ("… 이런 걸 왜 받죠? 얼른 지워 주세요").
ADVERT = re.compile(r"광\s*고|마케팅|홍\s*보|(쿠폰|이벤트|할인)\s*(문자|알림|톡|카톡|메[시세]지)")
SHORT_STOP = re.compile(r"^(당장|제발|그냥|좀|이제|앞으로|얼른|빨리|다시는)?\s*(빼|지워|삭제해|그만\s*(해|하)|멈춰)\s*(주|줘|주시|달|라|요|세요)")

# Not a withdrawal: asking whether something arrived, asking for permission, or talking about
# something the shop did once (a booking notice that did not come).
NOT_A_REQUEST = re.compile(
    r"(거\s*부\s*(됐|되었|되어|되|당|돼)|(차단|거부|그만|취소)[^.?!]{0,12}(말|거|게|건|뜻)\s*(이|은|는)?\s*아니|(배송|배달|발송|택배|픽업)\s*(문자|알림|메[시세]지|톡)|취\s*소\s*(됐|되었|되|한\s*적)|받았는데|받았어요|받았다|(차단|거부|그만|취소)\S{0,4}\s*(거|게|건)?\s*아니|안\s*(왔|와|오|옴|오네|오는|받았|받았는|받아지|들어왔)|못\s*받|왔나|오나요|갔나|갔나요|받았나|보냈나|보내\s*줄\s*수|"
    r"보내\s*주(세요|실|나|ㄹ)|보내도|보낼\s*수|보내주시면|보내\s*주시|보내\s*줘(요)?\s*$|어떻게\s*(꺼|끄|설정|해지|취소)|"
    r"설정\s*(어떻게|방법)|확인\s*(문자|메시지)|예약\s*(문자|알림|확인)|주문\s*(문자|알림|확인)|결제\s*(문자|알림)|"
    r"광고\s*(보고|봤|에서|보구|본)|광고\s*(중|하세요|하시|하는|나오|찍)|톡\s*으로\s*(주문|예약|문의))"
)
# 거부·취소·차단 of something other than messages: a declined card, a cancelled booking or order.
OTHER_TARGET = re.compile(r"(카드|결제|예약|주문|배달|승인|애|아이|아기|강아지|음식|메뉴|포장|환불)\s*(이|가|을|를|은|는|도)?\s*"
                          r"(거부|취소|차단|중단|중지|그만)")


KEYWORDS = ("수신거부", "광고", "그만", "메시지", "마케팅", "홍보", "거부")
BASE, CHO, JUNG = 0xAC00, 588, 28


def _jamo(word: str) -> list[int]:
    out: list[int] = []
    for ch in word:
        code = ord(ch) - BASE
        if 0 <= code < 11172:
            out += [code // CHO, 100 + (code % CHO) // JUNG, 200 + code % JUNG]
        else:
            out.append(1000 + ord(ch))
    return out


def _near(a: str, b: str) -> bool:
    """Within one jamo of each other (수싄거부, 수신겨부, 광거, 그먄): a slip of the thumb on a phone keyboard."""
    x, y = _jamo(a), _jamo(b)
    if len(x) != len(y):
        return False
    return sum(p != q for p, q in zip(x, y, strict=True)) <= 1


def _elongated(text: str) -> str:
    """그마안 -> 그만, 광고오 -> 광고: a vowel stretched into an extra syllable (ㅇ + the same vowel)."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - BASE
        prev = ord(out[-1]) - BASE if out else -1
        if (0 <= code < 11172 and 0 <= prev < 11172 and code // CHO == 11 and prev % JUNG == 0
                and (code % CHO) // JUNG == (prev % CHO) // JUNG):
            out[-1] = chr(BASE + prev + code % JUNG)  # 마 + 안 -> 만; 고 + 오 -> 고
            continue
        out.append(ch)
    return "".join(out)


def _first_consonant(ch: str) -> int:
    code = ord(ch) - BASE
    return code // CHO if 0 <= code < 11172 else -1


def _typos(text: str) -> str:
    """Words one jamo away from a key word are read as that word (never single syllables)."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        for key in KEYWORDS:
            n = len(key)
            # A slip changes one jamo: the first or the second syllable keeps its first consonant.
            if (len(word) >= n and word[:n] != key and (_first_consonant(word[0]) == _first_consonant(key[0])
                                                        or _first_consonant(word[1]) == _first_consonant(key[1]))
                    and _near(word[:n], key)):
                return key + word[n:]
        return word
    return re.sub(r"[가-힣]{2,}", fix, text)


def _normal(text: str) -> str:
    # ㄴㄴ (chat for "no") before NFKC, which would turn the letters into conjoining jamo.
    text = re.sub(r"ㄴ{2,}|ㄴㄴ+", " 노노 ", text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[ㅋㅎㅠㅜ]{2,}|[~^;!]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _typos(_elongated(text))


def is_optout(text: str) -> bool:
    """True when the message asks the shop to stop sending advertising (or any messages) to them."""
    t = _normal(text)
    if not t or len(t) > 400:
        return False
    if RESUBSCRIBE.search(t):
        return False
    if re.search(r"수\s*신\s*거\s*부\s*(가\s*)?(되는|돼|되나|되요|되죠|처리\s*되나)[^.?!]{0,6}\?", t):
        return False  # "이 답장이면 수신거부 돼요?": asking how it works
    if re.search(r"(그\s*만|거\s*부|차\s*단)[^.?!]{0,12}(라는|하라는|란|다는)\s*(말|거|게|건|뜻)\s*(이|은|는)?\s*아니", t):
        return False  # "그만하라는 뜻은 아니에요": said, then denied
    said = SUSIN_GEOBU.search(t)
    if said and not NOT_DONE.search(t[said.end():]) and not re.search(r"수\s*신\s*거\s*부\S{0,2}\s*(어떻게|하는\s*법|방법|는\s*어디|하면\s*뭐)", t):
        return True
    if ENGLISH.search(t) or ENGLISH_ANYWHERE.search(t) or KONGLISH.search(t):
        return True
    if ALL_CONTACT.search(t):
        return True
    if SEND_NOT.search(t) and not SENT_THING.search(t) and not NOT_A_REQUEST.search(t):
        return True
    sentences = [x.strip() for x in re.split(r"[.?!\n]+", t) if x.strip()]
    if any(ADVERT.search(x) for x in sentences[:-1]) and any(SHORT_STOP.search(x) for x in sentences[1:]):
        return True
    bare = BARE_STOP.search(t)
    if bare and not OTHER_TARGET.search(t) and not re.search(r"잘못|다른\s*(걸|거)|엉뚱", t):
        return True
    for m in list(OBJECT_THEN_STOP.finditer(t)) + list(STOP_THEN_OBJECT.finditer(t)):
        after = t[m.end(): m.end() + 12]
        if NOT_DONE.search(after) or re.search(r"(?<!받)기\s*싫", m.group(0)):
            continue  # "수신거부 안 눌렀는데요", "이벤트 놓치기 싫어요"
        cut = CLAUSE_END.search(after)
        span = t[max(0, m.start() - 8): m.end() + (cut.start() if cut else 12)]
        if NOT_A_REQUEST.search(span) and not re.search(r"(그\s*만|고\s*만|안|말고)\s*(좀\s*)?보내|안\s*와도", span):
            continue
        if OTHER_TARGET.search(t[max(0, m.start() - 6): m.end()]) and not re.search(r"광고|홍보|마케팅|수신", m.group(0)):
            continue
        word = m.group(0)
        if re.search(r"싫어\s*하는\s*(사람|분|손님|이)", t[m.start(): m.end() + 8]):
            continue  # "홍보 문자 싫어하는 분들 있죠": somebody else's taste
        if re.search(r"취\s*소|해\s*지|철\s*회", word) and not re.search(r"수\s*신|동\s*의|광\s*고|마케팅|홍\s*보|소\s*식|알\s*림", word):
            continue
        return True
    return False
