"""`danggol`: the owner's terminal tools (check, ask, chat, reindex) and the server (serve)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if getattr(args, "knowledge", None):
        settings = settings.model_copy(update={"store": settings.store.model_copy(update={"knowledge_dir": Path(args.knowledge).resolve()})})
    return settings


def _now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"--now 값 '{value}'을(를) 읽을 수 없어요. 2026-11-24T14:00처럼 적어 주세요.") from None


def _knowledge_base(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.kb.base import KnowledgeBase

    kb = KnowledgeBase(settings.knowledge_dir, settings.index_dir, settings.retrieval)
    kb.reload()
    if not kb.ready:
        _print_problems(kb.errors)
        raise SystemExit(1)
    return kb


def _trial_engine(settings: Settings, kb, llm: bool = False, history=None):  # type: ignore[no-untyped-def]
    """An engine for trying the bot in the terminal: bookings go to a throwaway in-memory database.

    `llm`: answer with the configured model (`[llm]`), as the server would; offline otherwise.
    """
    from bot import wiring
    from skills import SKILLS

    skills = SKILLS
    if llm:
        from bot.llm import with_model
        from bot.llm.model import configuration_problem

        problem = configuration_problem(settings.llm)
        if problem:
            raise SystemExit(f"--llm을 쓰려면 config.toml의 [llm]을 설정해 주세요: {problem} (docs/llm.md)")
        skills, _ = with_model(SKILLS, settings.llm, **({"history": history} if history else {}))
    return wiring.engine(settings, kb, wiring.storage(settings, url="sqlite://"), skills)


def _print_problems(problems) -> None:  # type: ignore[no-untyped-def]
    print("지식 파일에 고칠 곳이 있어요:", file=sys.stderr)
    for p in problems:
        print(f"  ✗ {p}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from bot.kb.errors import KnowledgeError
    from bot.kb.loader import load_knowledge

    settings = _settings(args)
    try:
        k = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as e:
        _print_problems(e.problems)
        print(f"\n오류 {len(e.problems)}개를 고친 뒤 다시 확인해 주세요.", file=sys.stderr)
        return 1
    sold_out = sum(not i.available for i in k.menu)
    print(f"✓ {k.store.name}: 지식 파일을 모두 읽었어요 ({settings.knowledge_dir})")
    print(f"  메뉴 {len(k.menu)}개 (판매 중지 {sold_out}개), 분류 {len(k.categories)}개: {', '.join(k.categories)}")
    print(f"  FAQ {len(k.faqs)}개, 카테고리 {len(k.faq_categories)}개: {', '.join(k.faq_categories)}")
    print(f"  동의어 {len(k.synonyms)}줄, 휴무일 {len(k.store.holidays)}일, 예약 {'받음' if k.store.reservation.enabled else '안 받음'}")
    if k.warnings:
        print(f"\n확인해 볼 점 {len(k.warnings)}개:")
        for w in k.warnings:
            print(f"  ! {w}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.messages import Turn

    settings = _settings(args)
    now = _now(args.now)
    if args.batch:
        try:
            questions = [q.strip() for q in Path(args.batch).read_text(encoding="utf-8").splitlines() if q.strip()]
        except (OSError, UnicodeDecodeError) as e:
            print(f"질문 파일 '{args.batch}'을(를) 읽을 수 없어요: {e}", file=sys.stderr)
            return 2
    elif args.question:
        questions = [" ".join(args.question)]
    else:
        print("질문을 적어 주세요. 예: danggol ask \"주차 되나요?\"", file=sys.stderr)
        return 2
    kb = _knowledge_base(settings)
    engine = _trial_engine(settings, kb, llm=args.llm)

    async def run() -> None:
        for n, q in enumerate(questions):
            # Each question is a new conversation, as a customer's first message would be.
            reply = await engine.respond(Turn(q, user_key=f"ask-{n}", channel="cli", now=now))
            if args.json:
                print(json.dumps(reply.as_contract(q), ensure_ascii=False), flush=False)
            else:
                print(reply.text)
                if reply.sources:
                    print(f"  ({reply.intent}: {', '.join(s.id for s in reply.sources)})")
                if len(questions) > 1:
                    print()

    asyncio.run(run())
    sys.stdout.flush()
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.messages import Turn

    settings = _settings(args)
    kb = _knowledge_base(settings)
    said: list[tuple[str, str]] = []  # the conversation so far, for the model's memory

    async def history(turn: Turn, limit: int) -> list[tuple[str, str]]:
        return said[-limit:]

    engine = _trial_engine(settings, kb, llm=args.llm, history=history)
    now = _now(args.now)
    store = kb.snapshot.knowledge.store
    print(f"{store.name} 챗봇과 대화해요. 끝내려면 '끝' 또는 Ctrl+D를 눌러 주세요.\n")
    if store.greeting:
        print(f"봇> {store.greeting}\n")

    async def run() -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, input, "손님> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return
            if line.strip() in ("끝", "exit", "quit"):
                return
            reply = await engine.respond(Turn(line, user_key="chat", channel="cli", now=now))
            said.extend([("user", line), ("assistant", reply.text)])
            print(f"봇> {reply.text}")
            if reply.quick_replies:
                print("    [" + "] [".join(q.label for q in reply.quick_replies) + "]")
            if reply.escalate:
                print("    (직원 연결 요청으로 표시했어요)")
            print()

    asyncio.run(run())
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _knowledge_base(settings)
    index = kb.snapshot.index
    print(f"색인 완료: 새로 만든 벡터 {index.added}개, 그대로 쓴 벡터 {index.kept}개, {index.build_seconds * 1000:.0f} ms")
    return 0


def _bookings(settings: Settings):  # type: ignore[no-untyped-def]
    from bot import wiring
    from bot.bookings import Bookings
    from bot.kb.loader import load_knowledge

    return Bookings(wiring.storage(settings), load_knowledge(settings.knowledge_dir).store.timezone)


def cmd_reservations(args: argparse.Namespace) -> int:
    settings = _settings(args)
    bookings = _bookings(settings)
    if args.action == "cancel":
        booking = bookings.set_status_sync(args.code.upper(), "cancelled", actor="staff:cli")
        if booking is None:
            print(f"예약 코드 {args.code}을(를) 찾을 수 없어요.", file=sys.stderr)
            return 1
        print(f"취소했어요: {booking.code} {booking.start:%Y-%m-%d %H:%M} {booking.party}명 {booking.name}")
        return 0
    day = None
    if args.date:
        try:
            day = datetime.strptime(args.date, "%Y-%m-%d").date()
        except ValueError:
            print(f"--date 값 '{args.date}'을(를) 읽을 수 없어요. 2026-11-27처럼 적어 주세요.", file=sys.stderr)
            return 2
    rows = bookings.list_sync(day)
    if args.json:  # one JSON array, `[]` when there are none
        print(json.dumps([{"code": b.code, "start": b.start.isoformat(), "end": b.end.isoformat(), "party": b.party, "name": b.name,
                           "phone": b.phone, "request": b.request, "table": b.table_no, "seats": b.seats, "status": b.status,
                           "channel": b.channel} for b in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("예약이 없어요.")
    status_ko = {"confirmed": "확정", "cancelled": "취소", "no_show": "노쇼", "completed": "방문 완료"}
    for b in rows:
        phone = f" {b.phone}" if b.phone else ""
        request = f" ({b.request})" if b.request else ""
        print(f"{b.code}  {b.start:%m-%d %H:%M}  {b.party}명  {b.seats}인석  {b.name}{phone}{request}  [{status_ko.get(b.status, b.status)}]")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    import getpass

    from bot.staff.auth import AccountError, add_staff, has_accounts

    settings = _settings(args)
    storage = _storage(settings)
    # The first account is the owner's; later ones are staff unless said otherwise.
    role = args.role or ("staff" if has_accounts(storage) else "owner")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"{args.name}의 비밀번호: ")
        if getpass.getpass("비밀번호 확인: ") != password:
            print("두 비밀번호가 달라요. 다시 해 주세요.", file=sys.stderr)
            return 1
    try:
        add_staff(storage, args.name, password, role=role)
    except AccountError as e:
        print(str(e), file=sys.stderr)
        return 1
    who = "사장님" if role == "owner" else "직원"
    print(f"{who} 계정을 만들었어요: {args.name}. /staff 에서 로그인하세요.")
    return 0


def cmd_naver(args: argparse.Namespace) -> int:
    """The TalkTalk persistent menu: set (the four usual entries), delete, or print without sending."""
    import asyncio
    import json

    from bot.channels.naver import MENU, SendApi, persistent_menu

    settings = _settings(args)
    event = {"event": "persistentMenu", "menuContent": []} if args.delete else persistent_menu()
    if args.print:
        print(json.dumps(event, ensure_ascii=False, indent=2))
        return 0
    if not settings.naver.send_token.get_secret_value():
        print("보내기 API 토큰이 없어요. DANGGOL_NAVER__SEND_TOKEN을 설정해 주세요 (docs/naver.md).", file=sys.stderr)
        return 1

    async def send() -> bool:
        api = SendApi(settings.naver)
        try:
            result = await api.post(event)
        finally:
            await api.close()
        if not result.ok:
            print(f"네이버가 거절했어요: {result.code} {result.message}", file=sys.stderr)
        return result.ok

    if not asyncio.run(send()):
        return 1
    print("고정 메뉴를 지웠어요." if args.delete else "고정 메뉴를 설정했어요: " + ", ".join(label for label, _ in MENU))
    return 0


def _storage(settings: Settings):  # type: ignore[no-untyped-def]
    from bot import wiring

    return wiring.storage(settings)


def _customer(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bot.datacare import Customer

    if args.conversation is not None:
        return Customer(conversation_id=args.conversation)
    if args.phone:
        return Customer(phone=args.phone)
    channel, _, key = args.user.partition(":")
    if not channel or not key:
        raise SystemExit(f"--user 값 '{args.user}'을(를) 읽을 수 없어요. kakao:사용자키처럼 채널과 키를 콜론으로 이어 적어 주세요.")
    return Customer(channel=channel, user_key=key)


def _found(data: dict) -> str:  # type: ignore[type-arg]
    n_messages = sum(len(c["messages"]) for c in data["conversations"])
    return f"대화 {len(data['conversations'])}개(메시지 {n_messages}개), 예약 {len(data['reservations'])}건, 프로필 {len(data['profiles'])}개"


def cmd_export(args: argparse.Namespace) -> int:
    from bot.datacare import export_customer

    data = export_customer(_storage(_settings(args)), customer=_customer(args))
    if not (data["conversations"] or data["reservations"] or data["profiles"]):
        print("이 손님의 데이터가 없어요.", file=sys.stderr)
        return 1
    body = json.dumps(data, ensure_ascii=False, indent=2)
    if not args.output:
        print(body)
        return 0
    try:
        Path(args.output).write_text(body + "\n", encoding="utf-8")
    except OSError as e:
        print(f"'{args.output}'에 쓸 수 없어요: {e}", file=sys.stderr)
        return 1
    print(f"내보냈어요: {args.output} ({_found(data)})")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    from bot.datacare import export_customer, forget_customer

    storage = _storage(_settings(args))
    customer = _customer(args)
    data = export_customer(storage, customer=customer)
    if not (data["conversations"] or data["reservations"] or data["profiles"]):
        print("이 손님의 데이터가 없어요.", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    upcoming = sum(r["status"] == "confirmed" and datetime.fromisoformat(r["starts_at"]) > now for r in data["reservations"])
    print(f"찾았어요: {_found(data)}")
    print("대화·메시지·프로필은 지우고, 예약은 이름·전화번호·요청 사항을 지운 기록으로 남겨요.")
    if upcoming:
        print(f"아직 오지 않은 확정 예약 {upcoming}건은 취소돼요.")
    if not args.yes:
        try:
            answer = input("정말 지울까요? 되돌릴 수 없어요. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "예", "네", "ㅇ"):
            print("지우지 않았어요.")
            return 1
    counts = forget_customer(storage, customer=customer)
    print(f"지웠어요: 대화 {counts.conversations}개, 메시지 {counts.messages}개, 직원 연결 기록 {counts.handoffs}개, "
          f"프로필 {counts.profiles}개, 예약 {counts.reservations}건 익명화 (그중 {counts.cancelled}건 취소)")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from bot.datacare import run_retention

    settings = _settings(args)
    counts = run_retention(_storage(settings), settings=settings.retention)
    keep = settings.retention

    def days(n: int) -> str:
        return f"{n}일" if n else "무기한"

    print(f"보관 기간 정리를 마쳤어요 (메시지 {days(keep.message_days)}, 예약 {days(keep.reservation_days)} 보관).")
    print(f"  메시지 {counts.messages}개 삭제, 끝난 직원 연결 기록 {counts.handoffs}개 삭제, 빈 대화 {counts.conversations}개 삭제, "
          f"오래된 프로필 {counts.profiles}개 삭제, 예약 {counts.reservations}건 익명화, 지난 예약 칸 {counts.cells}개 정리, "
          f"끝난 직원 세션 {counts.sessions}개 삭제")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.datacare import DataCareError, copy_database
    from bot.db import make_engine
    from bot.migrate import SchemaError

    settings = _settings(args)
    if args.source == args.target:
        print("--from과 --to가 같아요. 다른 데이터베이스로 옮겨 주세요.", file=sys.stderr)
        return 2
    migrate = settings.database.auto_migrate
    try:
        counts = copy_database(source=make_engine(args.source, settings.config_dir, migrate=migrate),
                               target=make_engine(args.target, settings.config_dir, migrate=migrate))
    except (DataCareError, SchemaError) as e:
        print(str(e), file=sys.stderr)
        return 1
    except SQLAlchemyError as e:
        print(f"데이터베이스 작업이 실패했어요 (옮길 곳은 그대로예요): {e.__class__.__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    print("옮겼어요: " + ", ".join(f"{name} {n}줄" for name, n in counts.items()))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import connect
    from bot.migrate import SchemaError, current, head, is_legacy, upgrade

    settings = _settings(args)
    engine = connect(settings.database.url, settings.config_dir)
    print(f"데이터베이스: {engine.url.render_as_string(hide_password=True)}")
    try:
        if args.action == "upgrade":
            done = upgrade(engine)
            if done.before == done.after:
                print(f"이미 최신이에요: 리비전 {done.after}")
                return 0
            before = f"{done.stamped} (마이그레이션 전에 만든 데이터베이스로 보고 표시했어요)" if done.stamped else done.before or "없음 (빈 데이터베이스)"
            print(f"이전 리비전: {before}")
            print(f"지금 리비전: {done.after} (최신)")
            return 0
        found, newest = current(engine), head()
        if found == newest:
            print(f"지금 리비전: {found} (최신)")
        elif found is None and is_legacy(engine):
            print(f"지금 리비전: 없음 (마이그레이션 전에 만든 데이터베이스). 최신은 {newest}: `danggol db upgrade`로 올려 주세요.")
        else:
            print(f"지금 리비전: {found or '없음'}. 최신은 {newest}: `danggol db upgrade`로 올려 주세요.")
        return 0
    except SchemaError as e:
        print(str(e), file=sys.stderr)
        return 1
    except SQLAlchemyError as e:
        print(f"데이터베이스를 열 수 없어요: {e.__class__.__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.server import serve

    settings = _settings(args)
    if args.host:
        settings = settings.model_copy(update={"server": settings.server.model_copy(update={"host": args.host})})
    if args.port:
        settings = settings.model_copy(update={"server": settings.server.model_copy(update={"port": args.port})})
    return serve(settings)


def cmd_test(args: argparse.Namespace) -> int:
    """The owner's tests (knowledge/tests.yaml), offline: ✓ or ✗ with what was wrong, by line."""
    from bot.kb.owner_tests import TESTS_FILE, judge, load_tests
    from bot.messages import Turn

    settings = _settings(args)
    tests, problems = load_tests(settings.knowledge_dir)
    _print_problems(problems) if problems else None
    if not tests and not problems:
        print(f"{TESTS_FILE}에 테스트가 없어요. 예: knowledge/{TESTS_FILE}에 '- 질문: 주차 되나요?' 와 '  근거: 주차 가능한가요?'를 적어 보세요.")
        return 0
    kb = _knowledge_base(settings)
    engine = _trial_engine(settings, kb)
    now = _now(args.now)

    async def run() -> int:
        failed = 0
        for n, test in enumerate(tests):
            outcome = judge(test, await engine.respond(Turn(test.question, user_key=f"test-{n}", channel="cli", now=now)))
            if outcome.passed:
                print(f"✓ {test.question}")
                continue
            failed += 1
            print(f"✗ {test.question}  ({TESTS_FILE}:{test.line})")
            for why in outcome.failures:
                print(f"    {why}")
            print(f"    받은 답: {outcome.answer.splitlines()[0] if outcome.answer else '(없음)'}")
        print(f"\n{len(tests)}개 중 {len(tests) - failed}개 통과" + (f", {failed}개 실패" if failed else ""))
        return 1 if failed or problems else 0

    return asyncio.run(run())


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import FAIL, run

    findings = run(_settings(args))
    for finding in findings:
        print(finding)
    failed = sum(f.mark == FAIL for f in findings)
    print(f"\n고칠 것 {failed}개" if failed else "\n모두 괜찮아요.")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    from bot.cli_ko import KoreanParser, install

    install()  # argparse's own words in Korean too: usage, errors, --help
    parser = KoreanParser(prog="danggol", description="단골: 작은 가게를 위한 카카오톡·네이버 톡톡 상담 봇")
    sub = parser.add_subparsers(dest="command", metavar="명령", parser_class=KoreanParser)

    def with_knowledge(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--knowledge", metavar="DIR", help="지식 폴더 (기본: config.toml의 store.knowledge_dir)")
        return p

    p = with_knowledge(sub.add_parser("check", help="지식 파일을 검사해요"))
    p.set_defaults(func=cmd_check)
    p = with_knowledge(sub.add_parser("ask", help="질문 하나(또는 --batch 파일)에 답해요"))
    p.add_argument("question", nargs="*")
    p.add_argument("--now", help="이 시각에 물어본 것처럼 답해요 (예: 2026-11-24T14:00, 매장 시간대)")
    p.add_argument("--json", action="store_true", help="JSON 한 줄로 출력해요")
    p.add_argument("--batch", metavar="FILE", help="한 줄에 질문 하나씩 적은 파일")
    p.add_argument("--llm", action="store_true", help="설정한 언어 모델로 답해요 (config.toml [llm])")
    p.set_defaults(func=cmd_ask)
    p = with_knowledge(sub.add_parser("chat", help="터미널에서 봇과 대화해요"))
    p.add_argument("--now")
    p.add_argument("--llm", action="store_true", help="설정한 언어 모델로 답해요 (config.toml [llm])")
    p.set_defaults(func=cmd_chat)
    p = with_knowledge(sub.add_parser("reindex", help="검색 색인을 다시 만들어요 (바뀐 것만)"))
    p.set_defaults(func=cmd_reindex)
    p = with_knowledge(sub.add_parser("reservations", help="예약 목록을 보거나 예약을 취소해요 (직원용)"))
    actions = p.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="예약 목록")
    listing.add_argument("--date", help="이 날짜의 예약만 (예: 2026-11-27)")
    listing.add_argument("--json", action="store_true", help="JSON 한 줄에 예약 하나씩")
    cancel = actions.add_parser("cancel", help="예약 취소")
    cancel.add_argument("code", help="예약 코드")
    p.set_defaults(func=cmd_reservations)
    p = sub.add_parser("staff", help="직원 계정을 관리해요")
    staff_actions = p.add_subparsers(dest="action", required=True)
    add = staff_actions.add_parser("add", help="직원 계정 만들기 (비밀번호는 입력받아요)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="비밀번호를 표준 입력 한 줄로 받아요 (스크립트용)")
    add.add_argument("--role", choices=["owner", "staff"],
                     help="owner: 지식 편집·현황 보기까지, staff: 채팅·예약만 (기본: 첫 계정은 owner, 그다음은 staff)")
    p.set_defaults(func=cmd_staff)
    p = sub.add_parser("naver", help="네이버 톡톡 설정 (고정 메뉴)")
    naver_actions = p.add_subparsers(dest="action", required=True)
    menu = naver_actions.add_parser("menu", help="채팅창 아래 고정 메뉴를 설정해요 (메뉴 보기, 예약하기, 영업시간, 직원 연결)")
    menu.add_argument("--delete", action="store_true", help="고정 메뉴를 지워요")
    menu.add_argument("--print", action="store_true", help="보내지 않고 JSON만 보여 줘요")
    p.set_defaults(func=cmd_naver)
    for name, help_text in (("export", "손님 한 명의 데이터를 JSON으로 내보내요 (열람 요청)"),
                            ("forget", "손님 한 명의 데이터를 지워요 (삭제 요청)")):
        p = sub.add_parser(name, help=help_text)
        who = p.add_mutually_exclusive_group(required=True)
        who.add_argument("--conversation", type=int, metavar="ID", help="대화 번호 (직원 화면의 대화)")
        who.add_argument("--user", metavar="CHANNEL:KEY", help="채널과 사용자 키 (예: kakao:abc123)")
        who.add_argument("--phone", metavar="010-...", help="예약할 때 남긴 전화번호")
        if name == "export":
            p.add_argument("-o", "--output", metavar="FILE", help="화면 대신 이 파일에 써요")
            p.set_defaults(func=cmd_export)
        else:
            p.add_argument("--yes", action="store_true", help="확인 질문 없이 지워요")
            p.set_defaults(func=cmd_forget)
    p = sub.add_parser("retention", help="보관 기간이 지난 데이터를 지금 정리해요 (서버는 하루 한 번 스스로 해요)")
    p.set_defaults(func=cmd_retention)
    p = sub.add_parser("db", help="데이터베이스 관리")
    db_actions = p.add_subparsers(dest="action", required=True)
    copy = db_actions.add_parser("copy", help="모든 데이터를 다른 데이터베이스로 옮겨요 (예: SQLite → PostgreSQL)")
    copy.add_argument("--from", dest="source", required=True, metavar="URL", help="원래 데이터베이스 (예: sqlite:///var/danggol.db)")
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help="빈 새 데이터베이스 (예: postgresql+psycopg://danggol@localhost/danggol)")
    copy.set_defaults(func=cmd_db_copy)
    db_actions.add_parser("upgrade", help="스키마를 최신 리비전으로 올려요 (데이터는 그대로 둬요)").set_defaults(func=cmd_db)
    db_actions.add_parser("current", help="데이터베이스의 지금 리비전을 보여 줘요").set_defaults(func=cmd_db)
    p = with_knowledge(sub.add_parser("test", help="사장님 테스트(knowledge/tests.yaml)를 돌려요"))
    p.add_argument("--now", help="이 시각에 물어본 것처럼 답해요 (예: 2026-11-24T14:00)")
    p.set_defaults(func=cmd_test)
    p = with_knowledge(sub.add_parser("doctor", help="설정, 비밀값, 포트, 데이터베이스, 지식 파일을 점검해요"))
    p.set_defaults(func=cmd_doctor)
    p = with_knowledge(sub.add_parser("serve", help="서버를 시작해요"))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `danggol ask ... | head` ends quietly
    args = parser.parse_args(argv)
    if args.command is None:  # `danggol` alone: what it can do, in Korean, not an error
        parser.print_help()
        return 0
    if args.command != "serve":  # serve sets up its own logging (JSON by default) once its settings are read: bot/logs.py
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("chromadb", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return int(args.func(args) or 0)
