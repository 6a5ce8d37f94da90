"""The staff console in a real browser (Debian's Chromium driven by Playwright) against a real
server: log in, a Kakao customer asks for a person, the chat appears without a reload, staff
claim and reply, the reply reaches the customer, resolve, the bot answers again; the simulator;
the learning loop (a missed question becomes an FAQ phrasing or a new FAQ entry from a staff
reply, and the bot answers it at once); the dashboard. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.db import Storage, make_engine
from bot.staff.auth import add_staff
from tests.conftest import DEMO, ROOT, database_url
from tests.support.fake_talktalk import FakeTalkTalk
from tests.support.live_server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
SECRET = "browser-secret"
NAVER_SECRET = "browser-naver-secret-0123456789"


@pytest.fixture(autouse=True)
def _chromium_is_there() -> None:
    """Every console page is tested in a real browser: a missing Chromium fails, never skips."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is not installed at {CHROMIUM} (make test installs it: apt-get install chromium)")


@pytest.fixture(scope="module")
def talktalk() -> Iterator[FakeTalkTalk]:
    fake = FakeTalkTalk()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo shop's files: the learning loop writes to them."""
    folder = tmp_path_factory.mktemp("shop") / "knowledge"
    shutil.copytree(DEMO, folder)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, talktalk: FakeTalkTalk, knowledge: Path) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    add_staff(Storage(make_engine(database_url(tmp), tmp)), "민지", "correct horse battery")
    with live_server(knowledge, tmp, DANGGOL_KAKAO__SECRET=SECRET, DANGGOL_RELOAD__ENABLED="false", DANGGOL_NAVER__ENABLED="true",
                     DANGGOL_NAVER__PATH_SECRET=NAVER_SECRET, DANGGOL_NAVER__SEND_TOKEN=talktalk.token,
                     DANGGOL_NAVER__API_URL=talktalk.url) as (base, _, _):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for the module (Playwright's sync API runs one instance per thread)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(server: str, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 420, "height": 860}, locale="ko-KR")  # a phone screen
    yield context.new_page()
    context.close()


def customer(base: str, user: str, text: str) -> dict:  # type: ignore[type-arg]
    body = {"userRequest": {"utterance": text, "user": {"id": user, "type": "botUserKey"}}, "bot": {"id": "b"}, "action": {}}
    r = httpx.post(f"{base}/kakao/skill", json=body, headers={"X-Danggol-Secret": SECRET}, timeout=10)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_handoff_loop_in_the_browser(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/staff")
    assert page.url.endswith("/staff/login")
    page.fill("input[name=name]", "민지")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("text=상담 대기열")
    page.wait_for_selector("text=지금은 직원을 기다리는 대화가 없어요.")

    customer(server, "kakao-user-0042", "사장님이랑 직접 얘기하고 싶어요")
    page.wait_for_selector("text=손님 0042", timeout=10_000)  # arrives through server-sent events, no reload
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

    page.click("text=손님 0042")
    page.wait_for_selector(".transcript >> text=사장님이랑 직접 얘기하고 싶어요")
    page.click("text=내가 맡기")
    page.wait_for_selector("h1 >> text=상담 중")
    page.fill("#reply-text", "안녕하세요, 직원 민지예요. 무엇을 도와드릴까요?")
    page.press("#reply-text", "Enter")  # Enter sends (once)
    page.wait_for_selector("text=손님의 다음 메시지와 함께 전달돼요")
    page.screenshot(path=str(ARTIFACTS / "conversation.png"), full_page=True)
    assert page.locator(".transcript li.staff").count() == 1

    reached = customer(server, "kakao-user-0042", "네 기다리고 있어요")
    assert reached["template"]["outputs"][0]["simpleText"]["text"] == "직원: 안녕하세요, 직원 민지예요. 무엇을 도와드릴까요?"

    page.click("text=해결 완료")
    page.goto(f"{server}/staff")
    page.wait_for_selector("text=지금은 직원을 기다리는 대화가 없어요.")
    again = [o["simpleText"]["text"] for o in customer(server, "kakao-user-0042", "주차 되나요?")["template"]["outputs"] if "simpleText" in o]
    assert again[0].startswith("직원 상담이 끝났어요") and "주차" in again[1]  # the closing notice reaches Kakao, then the answer


def talktalk_customer(base: str, user: str, text: str) -> dict:  # type: ignore[type-arg]
    event = {"event": "send", "user": user, "textContent": {"text": text, "inputType": "typing"}, "options": {"mobile": True}}
    r = httpx.post(f"{base}/naver/{NAVER_SECRET}", json=event, timeout=10)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_handoff_loop_for_a_talktalk_customer(server: str, page, talktalk: FakeTalkTalk) -> None:  # type: ignore[no-untyped-def]
    """The same loop for a TalkTalk customer: the handover goes to Naver, the reply through the send API at once."""
    who = "tt-AbCdEfGhIjKlMnOp7788"
    page.goto(f"{server}/staff")
    if page.url.endswith("/staff/login"):
        page.fill("input[name=name]", "민지")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
    page.wait_for_selector("text=상담 대기열")

    assert talktalk_customer(server, who, "사장님이랑 직접 얘기하고 싶어요") == {}
    assert talktalk.wait(2, who)[-1]["options"] == {"control": "passThread", "targetId": 1}
    page.wait_for_selector("text=손님 7788", timeout=10_000)
    page.click("text=손님 7788")
    page.wait_for_selector(".transcript >> text=사장님이랑 직접 얘기하고 싶어요")
    page.click("text=내가 맡기")
    page.wait_for_selector("h1 >> text=상담 중")
    # Staff have the chat in Danggol (no standby flag): the customer hears who has it, never silence
    assert "민지 직원" in talktalk_customer(server, who, "여보세요?")["textContent"]["text"]
    page.fill("#reply-text", "안녕하세요, 직원 민지예요.")
    page.press("#reply-text", "Enter")
    page.wait_for_selector(".transcript li.staff >> text=안녕하세요, 직원 민지예요.")
    sent = talktalk.wait(3, who)
    assert sent[2] == {"event": "send", "textContent": {"text": "안녕하세요, 직원 민지예요."}, "user": who}  # no waiting for the customer
    assert page.locator("text=손님의 다음 메시지와 함께 전달돼요").count() == 0
    page.screenshot(path=str(ARTIFACTS / "conversation-talktalk.png"), full_page=True)

    page.click("text=챗봇에게 돌려주기")
    back = talktalk.wait(5, who)
    assert back[3]["options"]["control"] == "takeThread" and back[4]["textContent"]["text"].startswith("직원 상담이 끝났어요")
    assert "주차" in talktalk_customer(server, who, "주차 되나요?")["textContent"]["text"]


def test_simulator(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/staff/simulator")
    page.fill("#sim-text", "주차 되나여?")
    page.press("#sim-text", "Enter")
    page.wait_for_selector(".transcript li.bot >> text=주차")
    assert page.locator(".transcript li.customer").count() == 1
    page.screenshot(path=str(ARTIFACTS / "simulator.png"), full_page=True)


def said(reply: dict) -> str:  # type: ignore[type-arg]
    return "\n".join(o["simpleText"]["text"] for o in reply["template"]["outputs"] if "simpleText" in o)


CANT = "정확한 답을 드리기 어려워요"


def test_the_learning_loop_teaches_the_bot_live(server: str, page, knowledge: Path) -> None:  # type: ignore[no-untyped-def]
    """(a) A question the bot missed, for an FAQ it has, becomes that entry's other phrasing; (b) a question no
    FAQ answers is answered by staff, and that reply becomes a new entry. Each time the group leaves the
    unanswered page, the file on disk has it, and the bot answers the next customer with the owner's words."""
    waiting = "손님 많아요 지금?"
    assert CANT in said(customer(server, "kakao-user-3101", waiting))
    assert CANT in said(customer(server, "kakao-user-3102", waiting))
    page.goto(f"{server}/staff/unanswered")
    card = page.locator(".learn > li", has_text=waiting)
    assert card.locator(".count").inner_text() == "2회"
    page.screenshot(path=str(ARTIFACTS / "unanswered.png"), full_page=True)
    card.locator("select[name=faq_id]").select_option("웨이팅이 긴가요?")
    card.locator("button:has-text('다른 표현으로 넣기')").click()
    page.wait_for_selector(f"text=이제 ‘{waiting}’에 챗봇이 바로 답해요")
    assert page.locator(".learn > li", has_text=waiting).count() == 0
    assert f"다른 표현: 대기 있어요? | 줄 서야 해요? | 몇 분 기다려요? | {waiting}\n" in (knowledge / "faq" / "이용안내.md").read_text(encoding="utf-8")
    assert "주말 점심 12시~1시 반 사이에는 20~30분 정도 기다리실 수 있어요" in said(customer(server, "kakao-user-3103", waiting))

    plug = "콘센트 있어요?"
    assert CANT in said(customer(server, "kakao-user-5150", plug))
    customer(server, "kakao-user-5150", "직원 연결해 주세요")
    page.goto(f"{server}/staff")
    page.click("text=손님 5150")
    page.click("text=내가 맡기")
    page.wait_for_selector("h1 >> text=상담 중")
    page.fill("#reply-text", "네, 창가 자리마다 콘센트가 있어요. 편하게 충전하세요.")
    page.press("#reply-text", "Enter")
    page.wait_for_selector(".transcript li.staff >> text=창가 자리마다 콘센트가 있어요")
    page.click("text=이 답으로 FAQ 만들기")
    page.wait_for_selector("h1 >> text=새 FAQ 만들기")
    assert page.input_value("input[name=question]") == plug
    assert page.input_value("textarea[name=answer]") == "네, 창가 자리마다 콘센트가 있어요. 편하게 충전하세요."
    page.fill("textarea[name=aliases]", "충전할 수 있어요?")
    page.screenshot(path=str(ARTIFACTS / "faq-new.png"), full_page=True)
    page.click("button:has-text('저장하고 바로 반영')")
    page.wait_for_selector(f"text=이제 ‘{plug}’에 챗봇이 바로 답해요")
    assert page.locator(".learn > li", has_text=plug).count() == 0
    files = "".join(p.read_text(encoding="utf-8") for p in (knowledge / "faq").glob("*.md"))
    assert f"## {plug}\n다른 표현: 충전할 수 있어요?\n네, 창가 자리마다 콘센트가 있어요." in files
    assert "창가 자리마다 콘센트가 있어요" in said(customer(server, "kakao-user-5151", "콘센트 있나요?"))


def test_dashboard(server: str, page) -> None:  # type: ignore[no-untyped-def]
    """Today's and 30 days' figures from what customers did in this module, the charts with their tables."""
    page.goto(f"{server}/staff/dashboard")
    page.wait_for_selector("h1 >> text=챗봇 현황")
    today = page.locator("section.card", has_text="오늘").first
    figures = dict(zip(today.locator("dt").all_inner_texts(), today.locator("dd").all_inner_texts(), strict=True))
    assert int(figures["대화"]) >= 5 and int(figures["손님 메시지"]) >= 8, figures
    assert int(figures["답하지 못함"].split()[0]) >= 3 and int(figures["직원에게 연결"].split()[0]) >= 1, figures
    assert page.locator("svg.heat rect.on").count() >= 1 and page.locator("svg.bars rect").count() == 30
    heat = page.locator("details.as-table").nth(1)
    heat.locator("summary").click()
    cells = [int(t) for t in heat.locator("tbody td").all_inner_texts()]
    assert len(cells) == 7 * 24 and sum(cells) >= int(figures["손님 메시지"])
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_the_owner_edits_the_knowledge_from_a_phone(server: str, page, knowledge: Path) -> None:  # type: ignore[no-untyped-def]
    """Sold out in one tap and the bot says so at once; an FAQ phrasing added with a preview of the answers it
    changes; a bad edit refused with the located error and nothing written; an earlier version restored."""
    page.goto(f"{server}/staff/knowledge/menu")
    item = page.locator(".menu-list > li").first
    name = item.locator(".menu-item b").inner_text()
    assert "지금은 판매하지 않아요" not in said(customer(server, "kakao-user-7001", f"{name} 주문할게요"))
    item.locator("button:has-text('품절로 바꾸기')").click()
    page.wait_for_selector(f"text=저장했어요: 메뉴 '{name}' 품절로 바꿈")
    assert page.locator(".menu-list > li", has_text=name).first.locator(".soldout").count() == 1
    assert "지금은 판매하지 않아요" in said(customer(server, "kakao-user-7002", f"{name} 주문할게요"))
    page.screenshot(path=str(ARTIFACTS / "knowledge-menu.png"), full_page=True)

    # a bad edit: the price is not a number; the loader's located error, and the file untouched
    before = (knowledge / "menu.csv").read_bytes()
    row = page.locator(".menu-list > li", has_text=name).first
    row.locator("summary:has-text('고치기')").click()
    row.locator("input[name=price]").fill("만원쯤")
    row.locator("button:has-text('미리 보고 저장')").click()
    page.wait_for_selector("text=저장하지 않았어요")
    assert "menu.csv:2" in page.locator(".problems").inner_text() and "숫자로 읽을 수 없어요" in page.locator(".problems").inner_text()
    assert (knowledge / "menu.csv").read_bytes() == before
    page.screenshot(path=str(ARTIFACTS / "knowledge-refused.png"), full_page=True)

    # an FAQ phrasing, previewed: a customer's recent question whose answer the edit changes, old and new
    question = "주말 점심에 붐벼요?"
    customer(server, "kakao-user-7003", question)
    page.goto(f"{server}/staff/knowledge/faq")
    entry = page.locator(".faq-list > li", has_text="웨이팅이 긴가요?").first
    entry.locator("summary").click()
    aliases = entry.locator("textarea[name=aliases]")
    aliases.fill(aliases.input_value() + "\n" + question)
    entry.locator("button:has-text('미리 보고 저장')").click()
    page.wait_for_selector("h2 >> text=달라지는 답변")
    assert page.locator(".diff li.add", has_text=question).count() >= 1
    changed = page.locator(".changed li", has_text=question)
    assert changed.count() == 1 and changed.locator(".after").inner_text() != changed.locator(".before").inner_text()
    page.screenshot(path=str(ARTIFACTS / "knowledge-preview.png"), full_page=True)
    page.click("button:has-text('저장')")
    page.wait_for_selector("text=저장했어요")
    assert question in (knowledge / "faq" / "이용안내.md").read_text(encoding="utf-8")

    # restore: the sold-out change undone from its history page, previewed, then live
    page.goto(f"{server}/staff/knowledge/changes")
    page.click(f"text=메뉴 '{name}' 품절로 바꿈")
    page.wait_for_selector(".diff li.del")
    page.click("button:has-text('이 변경 전으로 되돌리기')")
    page.wait_for_selector("h2 >> text=달라지는 답변")
    page.click("button:has-text('저장')")
    page.wait_for_selector("text=되돌림")
    assert "지금은 판매하지 않아요" not in said(customer(server, "kakao-user-7004", f"{name} 주문할게요"))
    page.screenshot(path=str(ARTIFACTS / "knowledge-changes.png"), full_page=True)


LAYOUT_JS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a, button, summary, input:not([type=hidden]):not([type=checkbox]), textarea, select')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.height < 44) small.push((el.tagName + ' ' + (el.textContent || el.name || '')).trim().slice(0, 40) + ' ' + r.height.toFixed(1));
  }
  return {scroll: document.documentElement.scrollWidth - window.innerWidth, small};
}"""


def layout(page) -> dict:  # type: ignore[no-untyped-def]
    """The page's sideways overflow and small targets, measured once its document is in place.

    A page evaluated in the instant a navigation commits has no document element yet (seen once in
    CI as "reading 'scrollWidth' of null"), so wait for a complete document before measuring."""
    page.wait_for_function("document.readyState === 'complete' && document.documentElement !== null && document.body !== null")
    return page.evaluate(LAYOUT_JS)


@pytest.mark.parametrize(("width", "height", "label"), [(360, 740, "small"), (390, 844, "phone"), (1366, 800, "desktop")])
def test_every_page_fits_the_screen_with_big_enough_targets(server: str, browser, width: int, height: int, label: str) -> None:  # type: ignore[no-untyped-def]
    """Each console page at a phone's 390x844 and a desktop's 1366x800: no sideways scrolling, and on the
    phone every button, link and field at least 44 px tall. Screenshots go to test-artifacts/layout-*."""
    customer(server, "layout-0001", "사장님 좀 바꿔 주세요. 주문이 잘못 나왔어요")
    customer(server, "layout-0002", "영어 메뉴판 있어요?")  # a card on the unanswered page, with its form
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(f"{server}/staff/login")
        found = layout(page)
        assert found["scroll"] <= 0 and (label == "desktop" or found["small"] == []), ("login", found)
        page.screenshot(path=str(ARTIFACTS / f"layout-{label}-login.png"), full_page=True)
        page.fill("input[name=name]", "민지")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_selector("text=상담 대기열")
        page.wait_for_selector(".queue >> text=손님 0001")
        conversation = page.locator(".queue a", has_text="손님 0001").first.get_attribute("href")
        page.goto(f"{server}/staff/customers")  # a customer with a visit, for the customer pages below
        page.fill("input[name=phone]", "010-2468-1357")
        page.fill("input[name=party]", "3")
        page.click("button:has-text('오늘 방문으로 기록')")
        page.wait_for_selector("text=오늘 방문을 기록했어요")
        customer_page = page.url.split("?")[0].removeprefix(server)
        for name, path in [("queue", "/staff"), ("conversation", conversation), ("history", "/staff/history?q=잘못"),
                           ("reservations", "/staff/reservations?date=2026-11-27"),
                           ("unanswered", "/staff/unanswered"), ("simulator", "/staff/simulator"), ("knowledge", "/staff/knowledge"),
                           ("dashboard", "/staff/dashboard"), ("more", "/staff/more"), ("menu", "/staff/knowledge/menu"),
                           ("faq", "/staff/knowledge/faq"), ("store", "/staff/knowledge/store"), ("synonyms", "/staff/knowledge/synonyms"),
                           ("changes", "/staff/knowledge/changes"), ("change", "/staff/knowledge/changes/1"),
                           ("customers", "/staff/customers"), ("segment", "/staff/customers/segment/new"), ("customer", customer_page),
                           ("stamps", "/staff/stamps"), ("import", "/staff/customers/import"),
                           ("campaigns", "/staff/campaigns"), ("campaign-new", "/staff/campaigns/new?preset=restock"),
                           ("campaign-templates", "/staff/campaigns/templates"), ("reviews", "/staff/reviews"),
                           ("review-trends", "/staff/reviews/trends"),
                           ("faq-new", "/staff/unanswered/new?q=%EC%BD%98%EC%84%BC%ED%8A%B8")]:
            page.goto(f"{server}{path}")
            page.wait_for_load_state("networkidle") if name != "queue" else page.wait_for_selector("#queue li")
            found = layout(page)
            page.screenshot(path=str(ARTIFACTS / f"layout-{label}-{name}.png"), full_page=True)
            assert found["scroll"] <= 0, (name, found)
            if label != "desktop":
                assert found["small"] == [], (name, found["small"])
        # why the chat was handed over, in the queue: the trigger and the customer's words
        page.goto(f"{server}/staff")
        item = page.locator(".queue li", has_text="손님 0001").first
        assert "불만·항의" in item.inner_text() and "주문이 잘못 나왔어요" in item.inner_text()
        # history: search by what was said, open it, leave a note that shows in the history
        page.goto(f"{server}/staff/history")
        page.fill("input[name=q]", "주문이 잘못")
        page.click("button:has-text('찾기')")
        page.wait_for_selector(".history >> text=손님 0001")
        page.click(".history >> text=손님 0001")
        page.wait_for_selector("h1 >> text=손님 0001")
        if not page.locator("details.note[open]").count():
            page.click("text=메모 (직원만 봐요)")
        page.fill("details.note textarea", "환불 문의, 사장님 확인 필요")
        page.click("button:has-text('메모 저장')")
        page.goto(f"{server}/staff/history?handed=yes")
        assert "환불 문의, 사장님 확인 필요" in page.locator(".history").inner_text()
        # a saved reply, made once and inserted with a tap
        page.goto(f"{server}/staff/replies")
        page.fill("input[name=title]", f"잠시만요 {label}")
        page.fill("textarea[name=text]", "잠시만 기다려 주세요, 바로 확인해 볼게요!")
        page.click("button:has-text('저장')")
        found = layout(page)
        page.screenshot(path=str(ARTIFACTS / f"layout-{label}-replies.png"), full_page=True)
        assert found["scroll"] <= 0 and (label == "desktop" or found["small"] == []), ("replies", found)  # phone and small
        page.goto(f"{server}{conversation}")
        page.click(f"button.chip:has-text('잠시만요 {label}')")
        assert page.input_value("#reply-text") == "잠시만 기다려 주세요, 바로 확인해 볼게요!"
    finally:
        context.close()
