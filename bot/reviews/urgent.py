"""Urgent flags on a review, for an alert to the owner at once: hygiene (hair, insects, foreign
objects, spoiled food), health (stomach trouble, food poisoning, an allergic reaction), refunds and
disputes (a refund or compensation demanded, a double charge, a report to 구청, 소비자원 or 식약처),
and abuse (insults, threats, harassment).

Two readings decide (flags): this lexicon and a trained model (bot/reviews/triage.py), which meets
wordings no list holds; the lexicon names kinds and lowers the model's bar where both agree.

A missed hygiene or health complaint costs more than a false alarm, so the words are broad; the
guards remove only what clearly is not a report: the word negated (벌레 한 마리 없이, 배탈 걱정
없는), a hairnet (머리카락 묶고), hyperbole (배 터지게, 죽여주는 국물, 미친 맛), and 고소한 (nutty),
which is not 고소 (a lawsuit).
"""

from __future__ import annotations

import re
from typing import Any

from bot.reviews import semantic, triage

KINDS = ("hygiene", "health", "refund", "abuse")
KIND_KO = {"hygiene": "위생", "health": "건강", "refund": "환불·분쟁", "abuse": "욕설·폭언"}

WORDS: dict[str, str] = {
    "hygiene": (r"머리카락|머리털|머리\s*카락|털이\s*(나|들|있|박)|털\s*(한|두)\s*(가닥|개)|벌레|날파리|초파리|파리가|파리\s*(한|두)|바퀴|애벌레|구더기|"
                r"이물질|이물|플라스틱|비닐\s*(조각|이|가)|철수세미|수세미|스테이플|쇳조각|쇠\s*조각|철사|유리\s*조각|돌\s*(이|을|을\s*씹|씹)|"
                r"곰팡이|곰팡|쉰\s*내|쉰내|쉬었|시큼한\s*냄새|(?<![이감손속마])상했|(?<![이감손속마])상한|(?<![이감손속마])상해서|변질|유통\s*기한|덜\s*익|안\s*익|핏물|생고기|날것|"
                r"비위생|위생\s*(불량|상태\s*(가|는)?\s*(별로|엉망|최악|심각)|이\s*엉망|관리\s*(안|엉망))|립스틱\s*자국|이\s*빠진\s*(컵|그릇)|"
                r"(뭔가|뭐가|딱딱한\s*(게|것|거))\s*(씹|나왔|들어)|씹혔|씹혀서|찌꺼기|설거지\s*(가|를)?\s*(안|덜)|냄새\s*(나는|가\s*나는)\s*(컵|행주|그릇)|"
                r"행주[^.!?\n]{0,6}냄새|(냉동실|비린|쉰|걸레|하수구|락스|곰팡이|썩은)\s*냄새|(검은|까만|하얀|이상한|정체\s*모를)\s*(게|것|가루|물체|덩어리|이물)|떠다니|"
                r"(테이블|컵|바닥|의자|수저|그릇)\s*(이|가|에)?\s*(끈적|더럽|지저분|얼룩)|박혀\s*있|말라\s*붙|눌어\s*붙|"
                r"설거지\s*(를|는)?\s*(하긴|안|덜|제대로\s*안)|(지난|이전|앞)\s*손님\s*(이|의|거|꺼)?|(고춧가루|밥풀|음식물|립스틱)\s*(이|가)?\s*(묻|붙|말라|그대로)|"
                r"걸레\s*(빤\s*물)?\s*냄새|(화장실|변기)[^.!?\n]{0,24}(더럽|널려|말\s*안\s*할|엉망|막혀|넘쳐|냄새)|냄새\s*(가)?\s*(미묘하게|좀|약간|살짝)?\s*이상|"
                r"(날짜|유통\s*기한)[^.!?\n]{0,14}(지났|지난|넘은|넘었)|(안쪽|속|가운데)\s*(이|은)?\s*(분홍|빨갛|핏|덜)|달팽이|지렁이|개미|거미|진드기|나방|모기가\s*(빠|들)|비린내\s*(가)?\s*(폴폴|진동|심하|엄청|너무|확|코를)|물컹|"
                r"(시커멓게|까맣게|거뭇하게)\s*(녹|변|썩|물러)|물러\s*(서|터|있)|신선도[^.!?\n]{0,6}(꽝|최악|엉망)|"
                r"털\s*(이|이\s*그대로)?\s*(박|붙|나와|섞)|(털|머리카락|벌레|비닐|플라스틱|쇳|철)\s*(같은|인\s*듯한)\s*(게|것|거)|"
                r"쿰쿰|꿉꿉한\s*냄새|시큼(했|한\s*(냄새|맛))|푸릇푸릇|(푸른|초록|하얀|검은)\s*(곰팡|반점|점이)|썩은|썩었|녹\s*슨|녹이\s*슨|더러운\s*(컵|그릇|수저|젓가락|테이블|화장실)|끈적(거리|한)\s*(테이블|컵)"),
    "health": (r"배탈|설사|구토|토했|토할|토하|토해|토를|게워|메슥|울렁|식은\s*땀|배\s*(를)?\s*(움켜\s*쥐|움켜\s*잡|잡)|(출근|학교|등교)\s*(도|를)?\s*못\s*(가|했|하)|"
               r"(밤새|하루\s*종일|며칠)\s*(을)?\s*(앓|고생|끙끙|화장실)|몸살|오한|배\s*(가)?\s*뒤틀|뒤틀리(듯|게|면서|고)|배\s*(가)?\s*(살살|사르르|쿡쿡|콕콕)\s*아|더부룩|"
               r"화장실\s*(을|에|만|이랑)?\s*(\S+\s*)?(다섯|여러|몇|두|세|네|열)\s*번|화장실\s*(이랑|하고)\s*살|화장실\s*(을|에)?\s*급하게|"
               r"(입|입술|얼굴|목|눈)\s*(주변|주위)?\s*(이|가)?\s*(빨갛게|붉게)?\s*(붓|부었|부어|부르트)|식중독|장염|복통|배\s*(가|가\s*너무)?\s*아파|배\s*아프|배앓이|"
               r"두드러기|알레르기\s*(반응|증상|가\s*(올|났|일어))|알러지\s*(반응|증상|가\s*(올|났))|응급실|병원\s*(에|을|가|다녀|갔|신세|진료)|입원|"
               r"화장실\s*(을|에)?\s*(계속|몇\s*번|들락|왔다|밤새|들락날락)|밤새\s*화장실|열\s*이\s*(나|났|오르)|고열|메스꺼|속\s*(이|이\s*너무)?\s*(안\s*좋|뒤집|메스)|"
               r"속\s*(이)?\s*(영|계속|너무|좀|많이|하루\s*종일)?\s*(안\s*좋|뒤집|불편|쓰리)|체했|급체|탈이\s*났|약\s*(을|먹)|목이\s*(붓|부어)|숨\s*(이|쉬기)\s*(막|힘들|차)|입술\s*(이)?\s*(붓|부어)"),
    "refund": (r"환불|보상|배상|소비자원|소비자\s*보호|식약처|식품의약|구청|시청에|민원|신고\s*(하|할|했|합|드|예정|접수|들어)|신고하겠|"
               r"고소\s*(할|하겠|장|를|예정|하려|당|진행|합니다)|소송|법적\s*(조치|대응)|이중\s*결제|두\s*번\s*결제|결제\s*(가|를)?\s*두\s*번|중복\s*결제|"
               r"잘못\s*결제|차액|돈\s*(을|좀)?\s*돌려|(금액|돈|값|비용)[^.!?\n]{0,6}돌려\s*(달|받|주)|돌려\s*(달라|받아야|주셔야)|카드\s*취소|결제\s*취소|취소\s*요청|환급|치료비|병원비|보험\s*처리|책임\s*(지|져)|"
               r"(금액|가격|계산)\s*(이|을|을\s*더)?\s*(다르|틀리|더\s*받|잘못)|더\s*받았|과다\s*청구|"
               r"(예약금|보증금|선결제|선입금|돈)[^.!?\n]{0,24}(안|못)\s*(돌려|받았|받고|줘|주)|돌려\s*(주|줘)\s*(세요|야|셔야)|"
               r"(돌려|보내|입금해|환불해)\s*(준다|주겠다|드린다)더니|(준다|주겠다)더니[^.!?\n]{0,16}(소식|연락)\s*(이|도)?\s*없|"
               r"돈\s*(을|은)?\s*(못|안)\s*내|돌리\s*도|돌려\s*도(라|고)|시키지도\s*않은|안\s*시킨\s*(게|것|메뉴|음료|거)|(가격|금액)\s*(이|이\s*서로)?\s*(달라|다르|틀려)|"
               r"(메뉴판|포스|영수증|계산서)[^.!?\n]{0,24}(달라|다르|찍혀|더\s*나|틀리)|돌려\s*받으러|분쟁|고객센터에\s*(신고|접수|항의)|(?<!주)사기\s*(당|치|야|네|다|입니다|예요|죠)|어디(다|에|에다)\s*(말해|신고|따져|항의)"),
    "abuse": (r"욕\s*(을|을\s*하|하|설|했|하더|하시)|쌍욕|반말|소리\s*(를)?\s*(\S{1,3}\s*)?(지르|질렀|치|쳤)|미친\s*(거|것)\s*(아이가|아니야|아냐|아닌가)|니나\s*(무라|먹어|처먹)|처먹|머리(가|는)?\s*(돌|장식|비었)|자기들끼리\s*(웃|킥킥|낄낄)|킥킥|낄낄|두고\s*보자|하면\s*보자|사는지\s*(다\s*)?(안다|알아)|고함|막말|폭언|협박|위협|성희롱|추행|"
              r"인종\s*차별|비하|혐오\s*발언|씨발|시발|ㅅㅂ|ㅆㅂ|개새|새끼|병신|ㅂㅅ|(^|[\s\"'])꺼져(라|버|\s|$|!)|닥쳐|"
              r"가만\s*(안\s*둔|두지\s*않|안\s*있)|찾아가(겠|서\s*가만)|(번호|연락처)\s*(를)?\s*(계속|자꾸)?\s*(물어|달라|따)|따라\s*(오|나오)|스토킹|"
              r"기다리겠다고|(니|너|당신)\s*같은\s*(거|것|놈|손님|사람)|꼬라지|싸가지\s*없는\s*(년|놈)|미친\s*(놈|년|새끼|것들|인간)|"
              r"죽여\s*버|죽이겠|죽일|때리|때렸|멱살|밀쳤|던졌|노려보|째려보|쫓아내|무시하(며|면서|고)\s*(웃|비웃)|비웃|"
              r"거지(냐|야|같은)|(놈|년)(아|이|들)|엎어\s*버|뒤집어\s*엎|언성\s*(을|부터|이)?\s*(높|올)|"
              r"(몇\s*살|남자\s*친구|여자\s*친구|남친|여친|애인)\s*(이야|있어|있냐|있냐고|물어|묻)|(치근|추근)\s*(덕|대)|옆자리에\s*앉으려|"
              r"(말투|억양|사투리|발음)\s*(를|을)?\s*(따라|흉내|놀리|비웃)|놀리(더|면서|듯)|조롱|"
              r"멍청|귀찮게\s*(하|구)(네|냐|지)|무시\s*(하|허)(더니|고|면서|네|드라)|(것들|것덜)\s*(은|이|는)|늙은이|밥이나\s*하|병X|병x|머리에\s*뭐\s*(들었|들어)|"
              r"(여자|남자|외국인|노인|늙은|애)\s*(라서|라고|이라고|사장이라)\s*(무시|그런지|그래)|사는\s*(데|곳|집)\s*(다\s*)?(안다|알아)|작정했냐|굶으세요|(오지|다신\s*오지)\s*(마세요|마라|말라)|혀를\s*(차|찼)|젊은\s*것들|사기꾼|"
              r"(몸|어깨|손|허리|엉덩이)\s*(을|를|까지|도)?\s*(건드|만지|잡|쓰다듬)|왜\s*오냐|(휠체어|장애|유모차)[^.!?\n]{0,24}(말|눈치|쳐다|핀잔|무시)"),
}
# What the words are not, when the context says so.
GUARDS: dict[str, str] = {
    "hygiene": (r"리뷰(에|들)?[^.!?\n]{0,24}(보고|봐서)|(블루)?치즈[^.!?\n]{0,12}(곰팡이|쿰쿰)|날것(인데|이지만|이라도)|이물질\s*(같은\s*것도|도)\s*(당연히\s*)?없|"
                r"김치\s*(가|는)?\s*(쪼끔|좀|약간|살짝)?\s*덜\s*익|\S*벌레로\s*진화|빵벌레|책벌레|일벌레|(벌레|곰팡이|달팽이)\s*모양|원래\s*(안|덜)\s*익|안\s*익혀\s*먹|익혀\s*먹지\s*않|"
                r"(머리카락|벌레|날파리|파리|쉰내|비린내|잡내)[^.!?\n]{0,22}(틈이\s*없|전혀\s*안|도\s*없|하나도\s*없|한\s*마리도|안\s*남|안\s*나)|"
                r"기분\s*(이|이\s*너무|을)?\s*(상|나쁘)|(머리카락|벌레|날파리|초파리|파리|바퀴|이물질|곰팡이|먼지|얼룩)[^.!?\n]{0,10}(없|안\s*보|하나\s*없|한\s*마리\s*없|못\s*봤|걱정\s*없|걱정\s*안)|"
                r"머리카락\s*(을|도)?\s*(묶|망|캡|모자|다\s*넣|단정)|위생\s*(모자|캡|장갑|마스크)|(상한|상했|상해|썩)[^.!?\n]{0,6}(기분|마음|속)|"
                r"생고기\s*(집|맛집|전문)|날것\s*(그대로|의\s*맛)|돌\s*(솥|판|판에|구이)"),
    "health": (r"(배탈|설사)\s*(이)?\s*아니(고|라)|(한\s*번도|전혀)\s*(그런|탈\s*난|배탈\s*난)\s*적|토할\s*(때까지|만큼)\s*먹|(감기|몸살)\s*(때문에|로)[^.!?\n]{0,20}(속|입맛)|"
               r"(배탈|설사|탈)\s*(이)?\s*(날|나는)\s*(정도|만큼)|(숙취|과음|술\s*을?\s*너무)[^.!?\n]{0,20}(토|속|배)|제\s*탓|"
               r"(병원|진료)[^.!?\n]{0,10}(끝나고|다녀와서|갔다가|마치고)|속\s*(이)?\s*안\s*좋아서\s*(들른|왔|시켰|찾|갔)|"
               r"(다른\s*(데|곳|집|가게)\s*에서|예전에|전에|작년에)[^.!?\n]{0,15}(식중독|장염|배탈)|(식중독|장염|배탈|탈)\s*(이|이\s*)?\s*(걱정|무서|끝물|회복|나은|나아|났냐고)|"
               r"(배탈|설사|탈|장염|식중독|배\s*아플)[^.!?\n]{0,8}(걱정\s*(없|안|도\s*없)|없(이|고|는|었|어)|안\s*나|안\s*났|한\s*번도)|"
               r"(배탈|설사|탈|장염|배\s*아플)\s*(이)?\s*(날까|날\s*까|할까)\s*(봐|봐서)[^.!?\n]{0,40}(아무렇지|괜찮|멀쩡|문제\s*없|없었)|"
               r"(몸살|감기|장염|배탈|설사)\s*(이|에|로)?\s*(나서|걸려서|때문에|기운|며칠|\s)[^.!?\n]{0,20}(시켰|주문|먹으러|찾|왔)|배\s*(가)?\s*(터지|터질|빵빵|불러|부르)|병원\s*(근처|옆|앞|건너)|약\s*(국|사|먹고\s*싶을\s*만큼\s*맛)|"
               r"(이미|원래|전부터)\s*[^.!?\n]{0,10}(아파|아팠|감기|몸살)|알레르기\s*(있다고|있는데|라고)\s*[^.!?\n]{0,30}(빼|따로|챙겨|신경|확인|배려)"),
    "refund": (r"환불\s*(은|이)?\s*(어떻게|되나요|되는지|기준|규정|정책)|(취소|환불)\s*[·ㆍ,]?\s*(취소|환불)?\s*기준|"
               r"(바로|즉시|금방|빨리)\s*(환불|교환|다시\s*보내)\s*(해\s*)?주(시|셨)|환불\s*(은\s*)?(안\s*된|불가)[^.!?\n]{0,12}(미리|써\s*있|적혀|안내)|"
               r"(두\s*번|이중)[^.!?\n]{0,10}(된\s*줄|인\s*줄)|(신고|고소)[^.!?\n]{0,30}(싸서|맛있어서|ㅋ{2,})|신고[^.!?\n]{0,12}맛있어서|"
               r"(결제|결제가|계산)[^.!?\n]{0,24}(바로|먼저|금방|즉시)\s*(취소|환불|정정|고쳐)\s*(해\s*)?주셨|환불\s*(까지|을|할)?[^.!?\n]{0,8}(정도는\s*아니|생각은\s*없|바라지\s*않)|"
               r"(맛있어서|너무\s*맛있어|맛있게)[^.!?\n]{0,6}신고|책임\s*(지세요|져요|져)\s*[ㅋㅎ]|(식약처|위생)\s*(위생\s*)?등급|"
               r"환불\s*(걱정|필요)\s*(없|안)|환불[^.!?\n]{0,8}(생각\s*(안|도\s*안)|ㅎ\s*자)|(돈\s*)?(돌려\s*받|환불\s*받)[^.!?\n]{0,8}싶은\s*(맛|정도|기분)|(돈\s*)?(돌려\s*받|환불\s*받)[^.!?\n]{0,8}싶을\s*(정도|만큼)로?\s*(기대|맛)|환불\s*(해\s*달라고\s*)?(하고\s*싶을|받고\s*싶을)\s*(정도|만큼)[^.!?\n]{0,20}(은\s*아니|아니고|맛있|괜찮)|"
               r"고소한|고소하|고소함|고소해|신고\s*(식|식당|맛집)|보상\s*(받는|받은)\s*(기분|느낌)|"
               r"(신고|고소)[^.!?\n]{0,10}(싶을\s*(정도|만큼)로?\s*(맛|좋|예쁘|친절)|ㅋ{2,})"),
    "abuse": (r"욕쟁이[^.!?\n]{0,40}|욕\s*(을\s*)?먹(기|을|는)|"
              r"반말[^.!?\n]{0,24}(매력|정겨|농담|컨셉|콘셉트|재밌|티키타카)|욕쟁이\s*(할머니|할매|할아버지|컨셉|콘셉트)|욕\s*(나올|나오는)\s*(정도|만큼)\s*(로\s*)?(맛|좋)|미친\s*(맛|비주얼|가성비|양|퀄)|"
              r"죽여\s*주|죽이는|죽인다|때리는\s*맛|비하인드|반말\s*(하셔도|해도)\s*(괜찮|좋)|"
              r"(소리|고함)[^.!?\n]{0,8}(맛있|크게\s*웃|환호)"),
}
# After a hit, in the same sentence: said as a supposition, a fear, a joke or a denial, not a report
# (덜 익은 줄 알았는데, 환불각인가 싶었는데, 배탈 날까 봐, 응급실 가야 될 듯 ㅋㅋ, 욕을 하시거나 그런 건 아니에요,
# 벌레가 나온 것도 아니고, 환불 절차 없이 해결).
NOT_A_REPORT = re.compile(r"^[^.!?\n]{0,25}?(줄\s*알(았|고)[^.!?\n]{0,15}(알고\s*보니|원래|아니|웬걸|그냥)|인가\s*싶|나\s*싶었|가\s*싶었|(하시거나|하거나|그런)\s*(건|거|것)\s*아니|(것도|거도)\s*아니|"
                          r"까\s*봐|없이\s*해결|가야\s*(될|할|되)\s*듯\s*ㅋ|구경\s*(도\s*)?못)")
PATTERNS = {k: re.compile(v, re.I) for k, v in WORDS.items()}
GUARD_PATTERNS = {k: re.compile(v, re.I) for k, v in GUARDS.items()}


def flags(text: str, complaints: list[list[Any]] | None = None, rating: int | None = None, model: bool = True) -> tuple[str, ...]:
    """The urgent kinds a review reports, in KINDS order: the lexicon's reading (lexicon_flags) weighed
    with the trained model's (bot/reviews/triage.py). The model decides whether the review is urgent at
    all (at its threshold, or at a lower one when the lexicon names a kind too: two readings agreeing
    need less certainty); the kinds are the lexicon's and those the model's kind outputs name."""
    found = lexicon_flags(text, complaints)
    trained = triage.load() if model else None
    p = triage.probabilities(text, rating, trained) if trained is not None else None
    if trained is None or p is None:
        return found
    threshold, lexicon_threshold = float(trained.settings["threshold"]), float(trained.settings["lexicon_threshold"])
    if not (p["urgent"] >= threshold or (found and p["urgent"] >= lexicon_threshold)):
        return ()
    kinds = set(found) | {k for k in KINDS if p[k] >= float(trained.settings["kind_threshold"])}
    return tuple(k for k in KINDS if k in kinds) or (max(KINDS, key=lambda k: p[k]),)


def lexicon_flags(text: str, complaints: list[list[Any]] | None = None) -> tuple[str, ...]:
    """The urgent kinds the lexicon reads, in KINDS order. Judged sentence by sentence, so a guard in
    one sentence does not hide a report in another. `complaints` are the Kiwi morphemes of the
    sentences that read negative: words the lexicon lacks but Kiwi's vectors put near a kind's
    concepts flag it there (bot/reviews/semantic.py)."""
    found: set[str] = set(semantic.kinds_of(complaints)) if complaints else set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        for kind in KINDS:
            if kind in found:
                continue
            hits = list(PATTERNS[kind].finditer(sentence))
            if not hits:
                continue
            guarded = [g.span() for g in GUARD_PATTERNS[kind].finditer(sentence)]
            if any(not any(g0 <= h.start() < g1 for g0, g1 in guarded) and not NOT_A_REPORT.match(sentence[h.end():]) for h in hits):
                found.add(kind)
    return tuple(k for k in KINDS if k in found)
