"""Regional dialect, chat spelling and foreign shop words, rewritten into standard Korean before
any analysis, so retrieval, slots and every skill read one language.

Owners write their FAQ in standard Korean; customers write 묵어도 되나예, 데꼬 가도 되는교,
있당가, 괜찮어유, 장사하우, 하나욤 or "Are you open on Sunday?". Kiwi reads dialect endings as
unknown words and the skills' patterns expect standard endings, so the rules below map each
form to its standard counterpart. They are general knowledge of the dialects (경상, 전라, 충청,
강원) and of chat spelling, written from grammar, never from a question set. Each rule needs a
word boundary or a verb-stem context, because the same syllables occur inside ordinary words
(주소 is not 주요, 묵은지 is not 먹은지); forms that are also common standard words are left
out (경상 아이가 "isn't it" is also 아이가 "the child"; 하모 is also a fish; 혀 a tongue).
"""

from __future__ import annotations

import re

END = r"(?=$|[\s?!.,~^;)])"  # the end of a word
START = r"(?<![가-힣])"  # the start of a word

# Whole words: dialect or chat spelling -> standard word (matched at word starts).
WORDS: dict[str, str] = {
    # 경상
    "데꼬": "데리고", "델꼬": "데리고", "댈꼬": "데리고", "데꼬가": "데리고 가", "알라": "아이", "얼라": "아이",
    "마이": "많이", "억수로": "아주", "억수": "아주", "디게": "아주", "엄청시리": "아주", "단디": "잘",
    "우예": "어떻게", "우째": "어떻게", "우얘": "어떻게", "우야": "어떻게", "머꼬": "뭐야", "뭐꼬": "뭐야", "먼데": "뭔데",
    "그라믄": "그러면", "그라모": "그러면", "그람": "그럼", "그라몬": "그러면", "맨치로": "처럼", "맹키로": "처럼",
    "쫌": "좀", "쪼매": "조금", "쪼매만": "조금만", "데파": "데워", "뎁혀": "데워", "뎁혀서": "데워서", "데파서": "데워서",
    "머하노": "뭐해", "가이소": "가세요", "주이소": "주세요", "하이소": "하세요",
    # 전라
    "거시기": "", "워메": "", "오메": "", "아따": "", "허벌나게": "아주", "징하게": "아주", "겁나": "아주", "솔찬히": "꽤",
    "쪼까": "조금", "쬐깐": "조금", "쪼깐": "조금", "그란디": "그런데", "그런디": "그런데", "근디": "그런데", "긍께": "그러니까",
    "그랑께": "그러니까", "거그": "거기", "여그": "여기", "저그": "저기", "머시": "뭐", "뭣": "뭐", "맛나게": "맛있게",
    "포도시": "겨우", "싸게싸게": "빨리", "욕봤소": "수고했어요", "뭐이": "뭐가", "머이": "뭐가", "얼매": "얼마", "얼매나": "얼마나",
    # 충청
    "워디": "어디", "워디여": "어디예요", "뭐여": "뭐예요", "그려": "그래", "그류": "그래요", "했슈": "했어요", "괜찮어유": "괜찮아요",
    "괜찮어": "괜찮아", "겨": "거예요", "몰러": "몰라",
    # 강원
    "마커": "모두", "마카": "모두", "우터": "어떻게", "우터케": "어떻게", "우떠": "어떻게", "정구지": "부추",
    # 제주
    "어떵": "어떻게", "어떵허민": "어떻게 하면", "허민": "하면", "허영": "해서", "허는디": "하는데", "헙니까": "합니까",
    "몬딱": "모두", "하영": "많이", "이디": "여기", "거디": "거기", "저디": "저기", "어드레": "어디로", "게메": "글쎄",
    "옵서": "오세요", "줍서": "주세요", "헙서": "하세요", "갑서": "가세요", "봅서": "보세요", "잇수꽈": "있어요", "이수꽈": "있어요",
    "잇수다": "있어요", "이수다": "있어요", "우트케": "어떻게", "우트캐": "어떻게",
    # 표준어권 채팅 말투
    "머": "뭐", "머머": "뭐뭐", "머가": "뭐가", "머로": "뭐로", "머를": "뭐를", "머예요": "뭐예요", "머에요": "뭐예요", "머임": "뭐임",
    "넘": "너무", "어케": "어떻게", "어캐": "어떻게", "어뜨케": "어떻게", "걍": "그냥", "글구": "그리고", "젤": "제일",
    "울": "우리", "봉다리": "봉지", "봉다리값": "봉지값", "꺼정": "까지", "까정": "까지", "시꺼정": "시까지",
    "갈께요": "갈게요", "할께요": "할게요", "할께": "할게", "갈께": "갈게", "넹": "네", "넵": "네", "웅": "응",
    "ㄱㄱ": "", "나중에봐요": "나중에 봐요", "암튼": "아무튼", "근데": "그런데", "담에": "다음에", "증말": "정말", "겁네": "아주",
}
# Nouns that also take particles (봉다리도, 알라랑, 여그서).
NOUNS: dict[str, str] = {
    "봉다리": "봉지", "알라": "아이", "얼라": "아이", "정구지": "부추", "거그": "거기", "여그": "여기", "저그": "저기",
    "워디": "어디", "꼬맹이": "아이", "감재": "감자", "옥시기": "옥수수", "강냉이": "옥수수", "손지": "손주", "아그": "아이", "괴기": "고기", "바당": "바다", "사름": "사람", "쪼끔": "조금", "아덜": "아이들", "가시나": "여자아이", "머스마": "남자아이",
}
# Verb stems and endings: (pattern, replacement), applied in order.
RULES: tuple[tuple[str, str], ...] = (
    # 경상 찌짐 is 전 (부침개), alone or at the end of a dish's name (정구지찌짐, 김치찌짐).
    (r"찌짐", "전"),
    # 묵다 (먹다): 묵어도, 묵고, 묵을, 묵었는데, 묵나; not 묵은지, 묵밥, 도토리묵
    (START + r"묵(?=[어고을었는나노자기게겠지으니어])(?!은지)", "먹"),
    (START + r"뭇(?=[다나노더고는])", "먹었"),
    # -노/-나 questions and -꼬 (경상): 있노 -> 있나요, 되노 -> 되나요, 할꼬 -> 할까요
    (r"(?<=[가-힣])라카", "려고 하"), (r"(?<=[가-힣])카는데", "하는데"),
    (r"(?<=[있없하되가오먹했됐겠는었았])노" + END, "나요"),
    (r"(?<=[할갈볼줄될먹])꼬" + END, "까요"),
    (r"는교" + END, "나요"), (r"능교" + END, "나요"), (r"(?<=[되하가있])교" + END, "나요"),
    (r"(?<=[나까요죠데가지네세])예" + END, "요"), (r"(?<=[가-힣][어아])예" + END, "요"),  # 있어예, 좋아예; not 아예
    (r"심더" + END, "습니다"), (r"니더" + END, "니다"), (r"니꺼" + END, "니까"), (r"니꺼예" + END, "니까"),
    # 경상 -아이가 after a noun (오늘 휴일 아이가? = 아닌가요?), not the child (아이가 먹을)
    (r"(?<=[가-힣]\s)아이가(?=\s*[?!.~]|$)", "아닌가요"), (r"(?<=[가-힣])\s?아이가(?=\s*\?)", " 아닌가요"),
    # 경북 북부 (안동, 영주): 있니껴, 되니껴 (-나요), 가게이껴 (-인가요), 어데 (어디), 캤는데 (했는데), 카면 (하면)
    (START + r"(얼마|뭐|어디|언제|누구)니껴" + END, r"\1예요"), (r"(?<=[가-힣])니껴" + END, "나요"), (r"(?<=[가-힣])이껴" + END, "인가요"),
    (START + r"어데(?=$|[\s?!.,~^;)]|쯤|서|에|로|가|있|인)", "어디"), (START + r"캤(?=는데|어|다|나|지)", "했"),
    (r"(?<=[가-힣]\s)카(?=면|믄|던데|는데)", "하"),
    # 전라: 있당가, 된당가, 좋을랑가, 갈 수 있으까, 했소, 했어라, -잉
    (r"(?<=[있없])당가" + END, "나요"), (r"(?<=[가-힣])랑가" + END, "까요"),
    (r"(?<=[있없했됐겠])으까" + END, "을까요"), (r"(?<=[가-힣])으까" + END, "을까요"),
    (r"(?<=[있없했됐겠])소" + END, "어요"), (r"(?<=[가-힣])쇼" + END, "세요"),
    (r"(?<=[었았했])어라" + END, "어요"), (r"(?<=[가-힣])당께" + END, "다니까요"), (r"(?<=[가-힣])응께", "으니까"),
    (r"(?<=[가-힣])잉" + END, ""), (r"(?<=[가-힣])랑께" + END, "라니까요"),
    # 충청: 괜찮어유, 돼유, 했슈, 하슈, 되는겨, 뭐여, 언제여
    (r"(?<=[있없했됐겠갔왔])슈" + END, "어요"), (r"(?<=[하가오보주드시쉬사])슈" + END, "세요"),
    (r"(?<=[어아해돼봐줘워와까나지네세게래])유" + END, "요"),
    (r"(?<=[는은던])겨" + END, " 거예요"), (r"(?<=[뭐디제])여" + END, "예요"),
    # 제주: 모이젠 허는디 (-려고 하는데), 남으민 (-면), 놔둬사 되우꽈 (-야 돼요), 거우꽈, 있수꽈, 동창덜 (-들)
    (r"(?<=[으허가오보사하되키두])민" + END, "면"), (r"(?<=[어아워와둬해봐줘])사(?=\s*[되돼])", "야"),
    (r"(?<=[있없])[수우]꽈" + END, "어요"), (r"(?<=[되돼])우꽈" + END, "나요"), (r"(?<=[거게])우꽈" + END, "예요"),
    (r"(?<=[가-힣])[우수]꽈" + END, "요"),
    (r"(?<=[가-힣])마씸" + END, "요"), (r"(?<=[가-힣])덜" + END, "들"), (r"(?<=[가-힣])는디" + END, "는데"),
    # 경상·강원 food words inside a dish's name: 국시 (국수: 콩국시, 칼국시), 감재 (감자: 감재전, 감재떡)
    (r"국시(?=$|[^가-힣]|[은는이가을를도만요랑에])", "국수"), (START + r"감재(?=전|떡|탕|국|볶음|조림|튀김|부침)", "감자"),
    # 강원: 있드래요, 장사하우, 있수, 되우
    (r"(?<=[가-힣])드래요?" + END, "어요"), (r"(?<![노])하우" + END, "해요"), (r"(?<=[파가사])우" + END, "요"), (r"(?<=[있없])[수우]" + END, "어요"), (r"[되돼]우" + END, "돼요"),
    # Chat endings: 하나용, 되나욤, 있어염, 해여
    (r"(?<=[나까세죠예해돼어아지네])[용욤염]" + END, "요"),
    (r"(?<=[가-힣])(?:께|게)여" + END, "게요"), (START + r"기달(?=[려리렸릴])", "기다"), (r"곱배기", "곱빼기"), (r"써비스", "서비스"), (START + r"역전(?=에서|에|앞)", "역"), (START + r"지끔", "지금"), (r"(?<=[가-힣])믄" + END, "면"),
)
# Foreign shop words: glossed in Korean after the message (the original stays, for names).
GLOSSES: tuple[tuple[str, str], ...] = (
    (r"what time|opening hours|business hours|\bhours\b|\bopen\b|\bopening\b", "영업시간 몇 시"),
    (r"\bclose\b|\bclosing\b|\bclosed\b", "몇 시까지 마감"),
    (r"day off|holiday|\bclosed on\b", "휴무"),
    (r"chuseok|korean thanksgiving|mid-?autumn", "추석"), (r"seollal|lunar new year|\bsolnal\b", "설날"), (r"christmas|\bxmas\b", "크리스마스"),
    (r"\btoday\b|\btonight\b", "오늘"), (r"\btomorrow\b", "내일"),
    (r"\bpark\b|parking", "주차"), (r"deliver|delivery", "배달"),
    # "Do you take reservations?" asks the policy, as "예약 돼요?" does; a request with a day and a size books.
    (r"\b(do|does|can|could|will)\b[^?.!]{0,25}\b(take|accept|make|do|have)\b[^?.!]{0,12}\b(reservations?|bookings?)\b|"
     r"reservations?\s+(needed|required|necessary|possible)|need\s+(a\s+)?reservation", "예약 돼요"),
    (r"reserve|reservation|\bbook\b|booking|\btable for\b", "예약"),
    (r"how much|\bprice\b|\bcost\b", "얼마 가격"), (r"\bmenu\b", "메뉴"),
    (r"recommend|suggest|what should i|what's good|best seller|popular", "추천"),
    (r"\bvegan\b", "비건"), (r"vegetarian", "채식"), (r"allerg", "알레르기"), (r"\bhalal\b", "할랄"),
    (r"\bnuts?\b", "견과류"), (r"\bdairy\b|\bmilk\b", "우유"), (r"gluten", "글루텐"), (r"\bshrimp\b", "새우"),
    (r"shellfish", "갑각류 조개류"), (r"crustacean", "갑각류"), (r"mollus[ck]", "조개류"), (r"\begg", "달걀"),
    (r"toilet|restroom|bathroom", "화장실"), (r"\bdogs?\b|\bpets?\b|\bcats?\b", "반려동물"),
    (r"\bkids?\b|child|children|\bbaby\b|stroller", "아이"), (r"\balone\b|\bsolo\b|by myself|just me\b", "혼자"), (r"high ?chair", "유아 의자"),
    (r"credit card|\bcards?\b|\bamex\b|\bvisa\b|mastercard", "카드"), (r"\bcash\b", "현금"), (r"alipay|wechat pay|apple pay|samsung pay", "페이 결제"),
    (r"take ?out|take ?away|to go", "포장"), (r"rice ?cakes?|\btteok", "떡"), (r"(?<!rice )(?<!rice)\bcakes?\b", "케이크"), (r"birthday", "생일"),
    (r"lettering|\bwrite\b|\bmessage\b|\binscription\b", "문구 레터링"), (r"address|where is|where are you|location|how do i get", "주소 위치"),
    (r"phone number|call you|\bphone\b", "전화번호"), (r"refund", "환불"),
    (r"\b(not|no|non|nothing|none|isn'?\s?t|less|without|can'?\s?t\s+(eat|handle|take|do)|cannot\s+(eat|handle)|don'?\s?t\s+(like|eat|want))\W+(\w+\W+){0,2}?spicy|\bmild\b",
     "안 매운"),
    (r"\b(a\s+(little|bit)|slightly|mildly)\s+spicy", "매콤"), (r"\bspicy\b", "매운"), (r"\bboneless\b", "순살"), (r"\bsweet\b", "달달한"),
    (r"\bunder\b|\bbelow\b|less than|\bwithin\b", "이하"), (r"\bwarm\b|\bwarming\b|\bhot (soup|food|dish|meal)", "따뜻한"), (r"hangover", "해장"), (r"\bcheap", "저렴한"),
    (r"\bwifi\b|wi-fi|password", "와이파이 비밀번호"), (r"caffeine|decaf", "카페인"), (r"\bwithout\b|\bno\b|\bnot\b", "없는"),
    (r"\bdrinks?\b|beverages?", "음료"), (r"\bokay\b|\bok\b|\bsafe\b|can i (still |also )?(eat|have|drink|get|order|try)", "먹어도 괜찮아요"),
    (r"seafood", "해물"), (r"ramen|ramyeon", "라면"), (r"noodles?", "면 국수"), (r"\bsoup\b", "국 탕"), (r"\bstew\b", "찌개"),
    (r"fried rice", "볶음밥"), (r"(?<!fried )\brice\b(?! ?cakes?)", "밥"), (r"\bbeef\b", "소고기"), (r"\bpork\b", "돼지고기"), (r"raw fish|sashimi", "회"), (r"\bfish\b", "생선"),
    (r"octopus", "문어"), (r"\bsquid\b", "오징어"), (r"abalone", "전복"), (r"dumplings?", "만두"), (r"pancake", "전"),
    (r"\bbeer\b", "맥주"), (r"\bcokes?\b|\bcolas?\b", "콜라"), (r"\bsprites?\b|\b7 ?up\b", "사이다"), (r"\bzero\b", "제로"), (r"latte", "라떼"), (r"\btea\b", "차"), (r"juice", "주스"), (r"fried chicken", "치킨"), (r"luggage|baggage|suitcase", "짐 보관"), (r"\bany\b", "있어요"), (r"\bseats?\b|\bgroup\b|\bparty of\b", "자리 단체"),
    (r"\bwait\b|waiting|\bqueue\b|\bline up\b", "웨이팅"), (r"rooftop|terrace", "루프탑 테라스"),
    (r"\btour\b|\bbus\b", "단체"), (r"\bcoffee\b", "커피"), (r"\bbread\b", "빵"),
    (r"\bburgers?\b", "버거"), (r"\bpizzas?\b", "피자"), (r"\bpasta\b", "파스타"), (r"\bsalads?\b", "샐러드"),
    (r"\bsandwich(es)?\b", "샌드위치"), (r"\bdesserts?\b", "디저트"), (r"\bsides?\b(?!\s*dish)", "사이드"),
    (r"\bfries\b", "감자튀김"), (r"\b(milk)?shakes?\b", "쉐이크"), (r"pre-?order|order in advance", "미리 주문"),
    (r"\bsouvenirs?\b|\bgifts?\b", "선물"),
    # More everyday shop English, glossed the same way: foods and ingredients, then services.
    (r"chestnuts?", "밤"), (r"\bbarley\b", "보리"), (r"red beans?|\bazuki\b|\badzuki\b", "팥"), (r"sweet potato(es)?", "고구마"),
    (r"green tea|matcha", "녹차 말차"), (r"sesame", "깨"), (r"mugwort", "쑥"), (r"pine ?nuts?", "잣"), (r"jujubes?", "대추"),
    (r"ginseng", "인삼"), (r"pork belly", "삼겹살"), (r"\bribs?\b", "갈비"), (r"\bduck\b", "오리"), (r"\blamb\b|\bmutton\b", "양고기"),
    (r"\btofu\b", "두부"), (r"\bkimchi\b", "김치"), (r"\bcheese\b", "치즈"), (r"\boysters?\b", "굴"), (r"\bclams?\b", "조개"),
    (r"\bcrabs?\b", "게"), (r"\beels?\b", "장어"), (r"mackerel", "고등어"), (r"anchov", "멸치"), (r"seaweed", "김 미역"),
    (r"\bhoney\b", "꿀"), (r"\bdraft\b|\bdraught\b|\bon tap\b", "생맥주"), (r"\bsoju\b", "소주"), (r"makgeolli|rice wine", "막걸리"),
    (r"\bporridge\b|\bjuk\b", "죽"), (r"\bskewers?\b", "꼬치"), (r"\bgrilled\b", "구이"),
    (r"\bline\b|\bqueues?\b", "웨이팅 줄"), (r"kid[- ]friendly|for kids|with kids|family[- ]friendly", "아이"),
    (r"\bseating\b|\bsit\b|\bchairs?\b", "자리 좌석"), (r"gift ?cards?|vouchers?|gift certificates?", "상품권"),
    (r"in[- ]house|home ?made|hand ?made|from scratch", "직접 만든 수제"), (r"\braw\b", "날것"), (r"\bcook(ed|ing)?\b", "익혀 조리"),
    (r"\bwalk(ing)?\b", "걸어서"), (r"\bsubway\b|\bmetro\b|\bstation\b|\bexit\b|\btrain\b", "지하철 역 출구"), (r"\btaxi\b", "택시"),
    (r"sold out|sell out|run out", "품절"), (r"\bseparate(ly)?\b", "따로"), (r"split the bill|pay separately", "따로 계산"),
    (r"\breceipt\b", "영수증"), (r"\benglish\b", "영어 외국어"), (r"\bportions?\b|\bhow big\b|\bsize\b", "양 크기"),
    (r"\bserves?\b", "몇 명"), (r"\bshare\b|\bsharing\b", "나눠"), (r"\bpregnan", "임신"),
    (r"\bspeak\b|\blanguage\b", "외국어"), (r"\bopen late\b|late night|midnight", "늦게까지"),
    (r"(speak|talk|chat) (to|with) (a |the |your )?(manager|owner|person|human|staff|someone)|real person|\bhuman\b", "직원 연결"),
    (r"\bcancel", "취소"), (r"\bdeposit\b|down payment|prepay", "예약금"), (r"in advance|\bahead\b|beforehand", "미리"),
    (r"\border(s|ing)?\b", "주문"), (r"leftovers?|shelf life|how (do i|to|should i|long can i) (store|keep)", "보관"),
    (r"\bcontains?\b|\bany\s+\w+\s+in\b|\bha(ve|s)\s+\w+\s+in\s+(it|them)\b|\bingredients?\b|\bmade with\b", "들어가요 성분"), (r"\brefills?\b", "리필"), (r"side dish", "반찬"), (r"\bcontainers?\b", "용기"), (r"\bbags?\b", "봉투"),
    (r"private room|\broom\b", "룸 단체석"), (r"minimum order", "최소 주문"), (r"pick ?up|collect", "찾으러 포장"),
    (r"\bsmok(e|ing)\b", "흡연"), (r"corkage|bring (my|our) own (wine|alcohol|drinks?|liquor)", "콜키지 외부 음식"),
    (r"\bcoupons?\b|\bstamps?\b|loyalty|\bpoints\b", "스탬프 쿠폰"), (r"\bdiscount", "할인"), (r"\bmsg\b|additives?|preservatives?", "첨가물"),
    (r"\borigin\b|imported|domestic|where .{0,20} from\b", "원산지"), (r"\bship(ping)?\b|\bparcel\b|courier|mail (it|them)", "택배"),
    (r"\bwheelchair|\bstairs\b|elevator|\blift\b", "휠체어 엘리베이터"), (r"\bsocket|\boutlet\b|charg(e|ing) (my|a) (phone|laptop)", "콘센트"), (r"駐車|停车|停車", "주차"), (r"予約|预约|預約|预订", "예약"),
    (r"営業|营业|營業|何時|几点|幾點", "영업시간 몇 시"), (r"支付宝|支付寶|微信支付", "결제 페이"), (r"カード|刷卡|信用卡", "카드 결제"),
    (r"メニュー|菜单|菜單", "메뉴"), (r"おすすめ|推荐|推薦", "추천"), (r"いくら|多少钱|多少錢", "얼마"),
    (r"过敏|過敏|アレルギー", "알레르기"), (r"鸡蛋|雞蛋|たまご|タマゴ|卵", "달걀"), (r"牛奶|牛乳|乳制品|乳製品|ミルク", "우유"),
    (r"花生|落花生|ピーナッツ", "땅콩"), (r"虾|蝦|エビ|えび|海老", "새우"), (r"小麦|麸质|麩質|グルテン", "밀"), (r"坚果|堅果|ナッツ", "견과류"),
    (r"大豆|黄豆|黃豆", "대두"), (r"猪肉|豬肉|豚肉", "돼지고기"), (r"牛肉", "소고기"), (r"鸡肉|雞肉|鶏肉", "닭고기"),
    (r"海鲜|海鮮|シーフード", "해물"), (r"芝麻|ごま|胡麻", "참깨"), (r"荞麦|蕎麦", "메밀"), (r"鱿鱼|魷魚|墨鱼|イカ", "오징어"),
    (r"甲殻類|甲壳类|甲殼類|蟹|カニ|かに", "갑각류"), (r"贝类|貝類|貝|牡蛎|牡蠣|カキ", "조개류"),
    (r"(?<![鱿魷墨])鱼|魚", "생선"), (r"可以吃|能吃|食べても|食べられ", "먹어도 돼요"),
    (r"並ぶ|並び|並ん|待ち|待つ|排队|等位|等多久", "웨이팅"), (r"荷物|スーツケース|行李|寄存", "짐 보관"),
    (r"送って|発送|配送|邮寄|寄到|快递", "택배"), (r"何時まで|几点关门|幾點關門", "몇 시까지 마감"),
    (r"トイレ|厕所|洗手间", "화장실"), (r"ペット|宠物|寵物|犬|狗", "반려동물"), (r"子供|子ども|孩子|小孩", "아이"),
    (r"駅|车站|車站|地铁|地鐵", "역"), (r"行き方|どうやって行|怎么走|怎么去|怎麼走|怎麼去", "가는 길 위치"),
    (r"持ち帰り|テイクアウト|打包|外带|外帶", "포장"), (r"生ビール", "생맥주"), (r"(?<!生)ビール|啤酒", "맥주"),
    (r"辛い|辣", "매운"), (r"値段|料金|价格|價格", "가격"), (r"現金|现金", "현금"), (r"座席|座位", "자리 좌석"),
    (r"一人で|ひとりで|一个人|一個人", "혼자"), (r"個室|包间|包間", "룸"), (r"地址|住所", "주소"), (r"在哪|哪里|哪裡|どこ", "어디"),
    (r"できますか|できます\?|可以吗|可以嗎|行吗|行嗎", "돼요"), (r"ありがと|ごちそうさま|谢谢|謝謝|多谢|多謝", "감사합니다"),
    (r"こんにちは|こんばんは|你好|您好", "안녕하세요"),
)

_WORDS = re.compile(START + "(" + "|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True)) + ")" + END)
# Dialect names of vegetables also stand first in a dish's name (정구지전 is 부추전, 감재떡 감자떡).
FOOD_NOUNS = ("정구지", "감재", "옥시기")
_NOUNS = re.compile(START + "(" + "|".join(re.escape(w) for w in sorted(NOUNS, key=len, reverse=True)) + ")"
                    + r"(?=$|[\s?!.,~^;)]|[은는이가을를도만랑에와과로서들덜])"
                    + "|" + START + "(" + "|".join(FOOD_NOUNS) + r")(?=전|찌짐|지짐|김치|무침|떡|빵|국|찌개|밥|튀김|죽|부침|범벅|겉절이)")
_RULES = tuple((re.compile(p), r) for p, r in RULES)
_GLOSSES = tuple((re.compile(p, re.I), g) for p, g in GLOSSES)
_FOREIGN = re.compile(r"[a-z]{3,}|[\u3040-\u30ff\u4e00-\u9fff]", re.I)


_DANGA = re.compile(r"([가-힣])당가" + END)


def _danga(m: re.Match[str]) -> str:
    """된당가 -> 되나요, 한당가 -> 하나요: the ㄴ of the stem belongs to the ending."""
    code = ord(m.group(1)) - 0xAC00
    if code % 28 == 4:  # final ㄴ
        return chr(0xAC00 + code - 4) + "나요"
    return m.group(1) + "나요"


_JEN = re.compile(r"([가-힣])젠(?=\s*[허하])")  # 제주 먹젠 허는디: 먹으려고 하는데
_KUGWA = re.compile(r"([가-힣])(?:쿠과|쿠가)" + END)  # 제주 되쿠과: 될까요


def _final(syllable: str) -> int:
    return (ord(syllable) - 0xAC00) % 28


def _jen(m: re.Match[str]) -> str:
    stem = m.group(1)
    return stem + ("으려고" if _final(stem) not in (0, 8) else "려고")


def _kugwa(m: re.Match[str]) -> str:
    stem = m.group(1)
    return (chr(ord(stem) + 8) if _final(stem) == 0 else stem + "을") + "까요"


def standardize(text: str) -> str:
    """Dialect and chat forms rewritten as standard Korean (lower-cased text, emoji already gone)."""
    text = _WORDS.sub(lambda m: WORDS[m.group(1)], text)
    text = _NOUNS.sub(lambda m: NOUNS[m.group(1) or m.group(2)], text)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    text = _JEN.sub(_jen, _KUGWA.sub(_kugwa, text))
    return _DANGA.sub(_danga, text)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Whole month names or their usual abbreviations only: "2 octopus" and "2 decaf" are no dates.
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\b\.?"
# "june 17", "Sep 24th", "17 June": a date written in English, glossed as the Korean date the clock reads.
_EN_DATE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])", re.I)


# "7pm", "7:30 p.m.": the clock time; "table for 4", "party of six", "3 people": the head count.
_EN_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
               "eleven": 11, "twelve": 12}
_EN_PARTY = re.compile(r"\b(?:table|reservation|booking|book|seats?)\s+for\s+(\d{1,2}|" + "|".join(_EN_NUMBERS) + r")\b|"
                       r"\bparty\s+of\s+(\d{1,2}|" + "|".join(_EN_NUMBERS) + r")\b|"
                       r"\b(\d{1,2}|" + "|".join(_EN_NUMBERS) + r")\s+(?:people|persons|pax|adults|guests|of us)\b", re.I)


def _time_gloss(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    return f"{'오후' if m.group(3).lower() == 'p' else '오전'} {hour}시" + (f" {minute}분" if minute else "")


def _party_gloss(m: re.Match[str]) -> str:
    word = next(g for g in m.groups() if g)
    return f"{int(word) if word.isdigit() else _EN_NUMBERS[word.lower()]}명"


def _date_gloss(m: re.Match[str]) -> str:
    month, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return f"{_MONTHS.index(month.lower()[:3]) + 1}월 {int(day)}일"


def gloss(text: str) -> str:
    """Korean words for the shop words of a message in English, Japanese or Chinese, appended."""
    if not _FOREIGN.search(text):
        return text
    # A clock time written in English is rewritten where it stands: the bare "8:30" left beside a
    # glossed "오후 8시 30분" would be read first, as the morning.
    text = _EN_TIME.sub(_time_gloss, text)
    # In the order the message says them: glued in table order, "recommend" glossed before "allergic"
    # read as "추천 알레르기", an allergy to 추천.
    found = sorted((m.start(), n, g) for n, (pattern, g) in enumerate(_GLOSSES) if (m := pattern.search(text)))
    found += [(m.start(), len(_GLOSSES), _date_gloss(m)) for m in _EN_DATE.finditer(text)]
    found += [(m.start(), len(_GLOSSES), _party_gloss(m)) for m in _EN_PARTY.finditer(text)]
    found.sort()
    if not found:
        return text
    said = list(dict.fromkeys(g for _, _, g in found))
    # A gloss whose words another one holds says nothing more ("예약" beside "예약 돼요"), and would end
    # a policy question with a bare noun.
    said = [g for g in said if not any(o != g and set(g.split()) <= set(o.split()) for o in said)]
    glossed = " ".join(said)
    # Idempotent: text cleaned twice (a skill re-cleans what it was given) is glossed once, or the
    # second copy would set 추천 right before 알레르기 and read an allergy to 추천.
    return text if text.endswith(f" {glossed}") else f"{text} {glossed}"
