"""Hand the chat to a person: an explicit request, anger, or a complaint that needs staff."""

from __future__ import annotations

import re

from bot.kb.schedule import open_state
from bot.messages import QuickReply, Reply, Turn
from skills.base import YES, Context

PERSON = r"(사람|직원|사장님|사장|매니저|점장|책임자|상담원|상담사|상담직원|담당자|관리자|알바생)"
ASK = r"(연결|불러|바꿔|통화|얘기|이야기|대화|연락|직접|부탁|찾아|만나)"
# Whether someone is there asks right after the person ("사장님 지금 계세요?", "직원분 있나요?"): a
# 있어요 further on belongs to another question ("땅콩 안 되는 사람도 시킬 만한 메뉴 있어요?").
THERE = r"(계세요|계신가|계시나|있어요\?|있나요)"
REQUEST = re.compile(rf"{PERSON}[^.?!]{{0,12}}{ASK}|{PERSON}[^.?!]{{0,5}}{THERE}|(챗봇|봇|기계|자동응답)\s*말고|"
                     r"사람(이랑|하고|과)\s*(얘기|대화|통화|말)|상담\s*(원|사)?\s*연결")
COMPLAINT = re.compile(
    # A mess of the food (기름 범벅), not of the customer (흙범벅 등산화로 들어가도 돼요?).
    # A smell as something that happened (냄새가 나서, 냄새 났어요), not one asked about or disliked in advance
    # ("한약재 냄새 나요?", "냄새 나는 거 싫어해서요").
    r"머리카락|벌레|이물질|상했|상한 것|쉰내|이상한 냄새|냄새가?\s*(나서|났|나더라|나네)|배가? 아프|배탈|식중독|토했|불친절|기분 나빴|"
    r"환불\s*(안|해\s*주세요|해주세요|해\s*줘|받고\s*싶|요청)|소비자원|신고할|고소\s*(할게|할\s*거|할\s*겁|하겠|합니다|당|장)|어이없|어이가 없|황당|짜증|화나|열받|최악|"
    r"장난\s*(하|해|치|까|이\s*야|이\s*냐)|다른\s*게\s*나왔|다른\s*거\s*나왔|잘못\s*나왔|주문한\s*거랑|두\s*번\s*(결제|계산|긁)|(결제|계산)(가|이)?\s*두\s*번|이중\s*결제|중복\s*결제|"
    r"돈이 두 번|사과하|항의|클레임|컴플레인|책임져|어떻게\s*(해\s*주실|하실|할|해\s*줄)\s*(거|건|겨|꺼|겁)|말이\s*(되|돼|됩)|"
    r"아직(도)?\s*안\s*(와|왔|오)|(시간|분)\s*(반\s*)?(째|이\s*넘|넘게|넘었|지났|지나도|이나|가\s*넘)[^.?!]{0,12}안\s*(와|왔|오|나와|나오)|(식어서|눌려서|터져서|새서|쏟아져서|부서져서|녹아서|뭉개져서|찌그러져서)\s*(왔|도착)|"
    r"(다른|엉뚱한)\s*(게|거|메뉴가?|음식이?)\s*(왔|나왔|배달)|(시켰|주문했)[가-힣]*\s*[가-힣]+(이|가)\s*(왔|나왔)|"
    r"잘못\s*(써|적|나왔|왔|만들|들어)|망쳤|엉망|(기름|소스|양념|국물|물|설탕|소금)\s*범벅|빠져\s*있|안\s*들어\s*있|덜\s*(왔|익었|익은\s*채)|안\s*익었|날것|탄\s*맛|타서\s*왔|"
    r"빼돌|바꿔치기|속였|속인|사기\s*(치|꾼|당|야|네|잖|아냐|아니)"
)
# A reaction or an injury that has happened ("저녁 먹고 나서 팔에 발진이 올라왔어요", "뼈가 목에 걸렸어요"):
# a person at once, whatever else the message seems to ask. Not an allergy told as a condition
# ("땅콩을 먹으면 발진이 돋아요"), which is a question for the menu.
HARMED = re.compile(
    r"(두드러기|발진|반점|알레르기\s*반응|알러지\s*반응)\s*(가|이)?\s*(났|올라왔|생겼|돋았|일어났)|(입술|입|얼굴|눈|목)\s*(이|가)?\s*(퉁퉁\s*)?(부었|부어\s*올랐|부어서)|"
    r"숨\s*(이|쉬기)?\s*(가빠|막혀|막히|차서|힘들어)|(가시|뼈|이물)\S{0,2}\s*(목에\s*)?(걸렸|걸려서|걸려\s*있)|토했|구토를?\s*했|응급실|"
    r"병원\s*(에\s*)?(갔|가야|다녀|실려)|이가?\s*(깨졌|부러졌|나갔)|(데었|베였|다쳤)|"
    r"\b(rash|hives|swollen|swelling|can'?t breathe|threw up|vomit(ed|ing)|hospital|choking)\b", re.I)
# ... nor one told as the customer's history ("어릴 때 병원에 실려 간 적이 있어서").
CONDITION = re.compile(r"(먹으면|묵으면|먹으믄|묵으믄|마시면|닿으면|스치면|스쳐도|먹을\s*때마다|[간갔한]\s*적(이|도)\s*있|예전에|어릴\s*때|if i eat|when i eat)", re.I)
# Something only staff can look up: this customer's own payment or order ("예약금 넣었는데 확인됐는지").
CHECK_MINE = re.compile(r"(입금|예약금|계좌|송금|이체|결제)[^.?!]{0,16}(확인\s*(됐|되었|돼|되나|해\s*주|좀|부탁)|됐는지|되었는지|들어갔는지|갔는지)")
# Trouble with this customer's own order that staff must look into: a bill that came out wrong, an
# item missing from it. Handed over whatever FAQ shares its words ("배달" of a delivery complaint).
TROUBLE = re.compile(
    r"(거스름돈|잔돈)[^.?!]{0,8}(덜|안|잘못|모자|적게)|계산[^.?!]{0,6}(잘못|틀|이상하|착오)|(더|많이|잘못)\s*(나왔|찍혔|결제됐|긁혔)|"
    r"(빠졌|빠져서|빠져\s*있|안\s*왔어|누락)|"
    r"\b(overcharged|double[- ]charged|charged (me |us )?twice|wrong (bill|change|order)|missing (from|the|my))\b", re.I)
# Something left behind at the shop: the owner's lost-property FAQ when there is one, else staff.
LEFT_BEHIND = re.compile(r"(두고|놓고|흘리고)\s*(온|왔|나온|나왔)|(두고|놓고)\s*(간\s*(것|거|듯)|갔어|갔는데)|"
                         r"\b(left|forgot|lost) (my|our|a|the)\b", re.I)
LOST_PROPERTY = re.compile(r"두고\s*(가|온|간|오|왔|갔)|놓고\s*(가|온|간|오|왔|갔)|분실|잃어버|습득|찾아\s*가|보관하고|lost|left behind", re.I)
# Asked in English, Japanese or Chinese: a person, not the bot.
FOREIGN_REQUEST = re.compile(
    r"\b(talk|speak|chat|connect|transfer|put)\b[^.?!]{0,20}\b(staff|person|human|manager|owner|someone|employee)\b|"
    r"\breal (staff|person|human)\b|スタッフ|店員|担当|人工客服|工作人员|店员|真人", re.I)


class EscalateSkill:
    name = "escalate"
    description = "손님이 직원 연결을 원하거나, 화가 났거나, 불만·환불 요구처럼 사람이 직접 처리해야 할 때 직원에게 넘겨요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        # The trained reader's grievance, unless the message asks the shop to choose from its menu: "3만
        # 5천원 안 넘게 골라 주세요" shares words with "한 시간 넘게 안 와요", and the request reader knows it.
        # A plain request for a person, which it also reads as needing one, is answered as a request.
        asked_for_person = ctx.has(REQUEST) or bool(FOREIGN_REQUEST.search(ctx.turn.text))
        harmed = bool(HARMED.search(ctx.turn.text)) and not CONDITION.search(ctx.turn.text)
        complaint = harmed or ctx.has(COMPLAINT) or ctx.needs_staff and not ctx.asks_to_choose and not asked_for_person
        accepted = ctx.awaiting == self.name and ctx.state.get("offered") and YES.search(ctx.text)
        trouble = ctx.has(TROUBLE) or ctx.has(LEFT_BEHIND) and not self._lost_property_faq(ctx)
        if not (complaint or accepted or trouble or asked_for_person or ctx.has(CHECK_MINE)):
            return None
        return self.hand_over(ctx, complaint, why="unknown" if accepted and not complaint else "")

    @staticmethod
    def _lost_property_faq(ctx: Context) -> bool:
        """The owner wrote what happens to things left behind, and that entry answers the message
        (not an entry that merely shares 두고 with it, such as a queue rule)."""
        best = ctx.best_faq()
        if best is None:
            return False
        entry = ctx.knowledge.faq(best.id)
        return bool(LOST_PROPERTY.search(f"{entry.id} {entry.answer}"))

    def hand_over(self, ctx: Context, complaint: bool = False, why: str = "") -> Reply:
        """The handover itself (the typed entry point the model's tool calls too)."""
        store = ctx.knowledge.store
        phone = f" 급하시면 매장 전화({store.phone})로 연락 주셔도 돼요." if store.phone else ""
        staffed = open_state(store, ctx.now).open  # outside hours the Inbox says when staff will read it
        if complaint:
            text = f"불편을 드려 정말 죄송해요. {'바로 ' if staffed else ''}직원에게 전달해서 확인한 뒤 연락드릴게요.{phone}"
        elif staffed:
            text = f"네, 직원에게 연결해 드릴게요. 조금만 기다려 주시면 직원이 직접 답변드릴게요.{phone}"
        else:
            text = f"네, 직원에게 전달해 둘게요.{phone}"
        return Reply("escalate", [text], escalate=True, quick_replies=[QuickReply("처음으로", "처음으로")],
                     handoff="complaint" if complaint else why or "request")
