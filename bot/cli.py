"""`danggol`: the owner's terminal tools (check, ask, chat, reindex) and the server (serve)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from datetime import datetime
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


def _trial_engine(settings: Settings, kb):  # type: ignore[no-untyped-def]
    """An engine for trying the bot in the terminal: bookings go to a throwaway in-memory database."""
    from bot.db import DbStates, Storage, make_engine
    from bot.engine import Engine
    from bot.reservations import Bookings

    storage = Storage(make_engine("sqlite://", settings.config_dir))
    bookings = Bookings(storage, kb.snapshot.knowledge.store.timezone)
    return Engine(kb, settings.retrieval, states=DbStates(storage), bookings=bookings)


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
    engine = _trial_engine(settings, kb)

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
    engine = _trial_engine(settings, kb)
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
    from bot.db import Storage, make_engine
    from bot.kb.loader import load_knowledge
    from bot.reservations import Bookings

    timezone = load_knowledge(settings.knowledge_dir).store.timezone
    return Bookings(Storage(make_engine(settings.database.url, settings.config_dir)), timezone)


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
    if args.json:
        for b in rows:
            print(json.dumps({"code": b.code, "start": b.start.isoformat(), "end": b.end.isoformat(), "party": b.party, "name": b.name,
                              "phone": b.phone, "request": b.request, "table": b.table_no, "seats": b.seats, "status": b.status,
                              "channel": b.channel}, ensure_ascii=False))
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

    from bot.db import Storage, make_engine
    from bot.staff.auth import AccountError, add_staff

    settings = _settings(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"{args.name}의 비밀번호: ")
        if getpass.getpass("비밀번호 확인: ") != password:
            print("두 비밀번호가 달라요. 다시 해 주세요.", file=sys.stderr)
            return 1
    try:
        add_staff(Storage(make_engine(settings.database.url, settings.config_dir)), args.name, password)
    except AccountError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(f"직원 '{args.name}' 계정을 만들었어요. /staff 에서 로그인하세요.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.server import serve

    settings = _settings(args)
    if args.host:
        settings = settings.model_copy(update={"server": settings.server.model_copy(update={"host": args.host})})
    if args.port:
        settings = settings.model_copy(update={"server": settings.server.model_copy(update={"port": args.port})})
    return serve(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="danggol", description="단골: 작은 가게를 위한 카카오톡·네이버 톡톡 상담 봇")
    sub = parser.add_subparsers(dest="command", required=True)

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
    p.set_defaults(func=cmd_ask)
    p = with_knowledge(sub.add_parser("chat", help="터미널에서 봇과 대화해요"))
    p.add_argument("--now")
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
    p.set_defaults(func=cmd_staff)
    p = with_knowledge(sub.add_parser("serve", help="서버를 시작해요"))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `danggol ask ... | head` ends quietly
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.command != "serve" else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("chromadb", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return int(args.func(args) or 0)
