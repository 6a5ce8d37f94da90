"""`danggol doctor`: everything a setup needs, checked, with what to fix in Korean.

Each check says ✓ (fine), ! (works, but look at it) or ✗ (must be fixed); the command fails when
any ✗ is found. Nothing is changed, and nothing leaves the machine except a request to the
server's own /healthz on this host.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

OK, WARN, FAIL = "✓", "!", "✗"


@dataclass(frozen=True)
class Finding:
    mark: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.mark} {self.what}" + (f"\n    → {self.fix}" if self.fix else "")


def check_secrets(s: Settings) -> list[Finding]:
    out = []
    exposed = s.server.host not in ("127.0.0.1", "localhost", "::1")
    if s.kakao.enabled:
        if s.kakao.secret.get_secret_value():
            out.append(Finding(OK, "카카오 스킬 비밀값이 있어요"))
        else:
            out.append(Finding(FAIL if exposed else WARN, "카카오 스킬 비밀값(DANGGOL_KAKAO__SECRET)이 없어요",
                               "환경 파일에 비밀값을 적고, 카카오 오픈빌더 스킬의 헤더에도 같은 값을 넣어 주세요 (docs/kakao.md)."))
        if s.kakao.event_bot_id and not s.kakao.event_rest_key.get_secret_value():
            out.append(Finding(FAIL, "카카오 이벤트 API의 REST 키(DANGGOL_KAKAO__EVENT_REST_KEY)가 없어요",
                               "직원 답장을 바로 보내려면 카카오 개발자 콘솔의 REST API 키를 적어 주세요."))
    if s.naver.enabled:
        if len(s.naver.path_secret.get_secret_value()) < 16:
            out.append(Finding(FAIL, "톡톡 웹훅 비밀 경로(DANGGOL_NAVER__PATH_SECRET)가 없거나 16자보다 짧아요",
                               "python3 -c \"import secrets; print(secrets.token_urlsafe(32))\"로 만들어 환경 파일에 적어 주세요."))
        else:
            out.append(Finding(OK, "톡톡 웹훅 비밀 경로가 있어요"))
        if not s.naver.send_token.get_secret_value():
            out.append(Finding(WARN, "톡톡 보내기 API 토큰(DANGGOL_NAVER__SEND_TOKEN)이 없어요",
                               "없으면 직원 답장과 늦은 답을 톡톡으로 보낼 수 없어요. 파트너센터에서 받아 적어 주세요."))
    if s.llm.provider != "none":
        if os.environ.get(s.llm.api_key_env):
            out.append(Finding(OK, f"언어 모델 키({s.llm.api_key_env})가 있어요"))
        elif not s.llm.base_url:
            out.append(Finding(FAIL, f"언어 모델을 쓰도록 했는데 키({s.llm.api_key_env})가 없어요",
                               "환경 파일에 키를 적거나, 쓰지 않으려면 config.toml의 [llm] provider를 \"none\"으로 바꿔 주세요."))
    return out


def check_port(s: Settings, probe: Callable[[str, int], bool] | None = None) -> list[Finding]:
    """Whether the port is free, taken by a running Danggol (fine), or by something else."""
    host, port = s.server.host, s.server.port
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        return [Finding(OK, f"{host}:{port} 포트가 비어 있어요 (서버를 켜면 여기서 기다려요)")]
    except OSError:
        pass
    if (probe or _is_danggol)(host, port):
        return [Finding(OK, f"{host}:{port}에서 단골이 이미 돌고 있어요")]
    return [Finding(FAIL, f"{host}:{port} 포트를 다른 프로그램이 쓰고 있어요",
                    f"sudo ss -ltnp | grep :{port} 로 어떤 프로그램인지 보고 끄거나, config.toml의 [server] port를 바꿔 주세요.")]


def _is_danggol(host: str, port: int) -> bool:
    import httpx

    try:
        r = httpx.get(f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/healthz", timeout=2)
        return r.status_code == 200 and "store" in r.json()
    except Exception:  # noqa: BLE001 - anything but a Danggol answer means "not Danggol"
        return False


def check_database(s: Settings) -> list[Finding]:
    from sqlalchemy.engine import make_url
    from sqlmodel import Session, select

    from bot.db import StaffUser, make_engine
    from bot.migrate import SchemaError

    url = make_url(s.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        path = path if path.is_absolute() else s.config_dir / path
        if not path.exists():
            return [Finding(WARN, f"데이터베이스 파일({path})이 아직 없어요", "서버를 처음 켜면 만들어져요. 그다음 danggol staff add 로 사장님 계정을 만들어 주세요.")]
    try:
        engine = make_engine(s.database.url, s.config_dir, migrate=False)
    except SchemaError:
        if s.database.auto_migrate:
            return [Finding(WARN, "데이터베이스 구조가 이 버전보다 오래됐어요", "서버를 켜면 자동으로 올려요. 지금 올리려면 danggol db upgrade (데이터는 그대로예요).")]
        return [Finding(FAIL, "데이터베이스 구조가 이 버전보다 오래됐어요", "danggol db upgrade 를 실행해 주세요 (데이터는 그대로예요).")]
    except Exception as e:  # noqa: BLE001 - any failure to open is reported the same way
        return [Finding(FAIL, "데이터베이스에 연결할 수 없어요",
                        f"DANGGOL_DATABASE__URL 주소와 권한을 확인해 주세요. ({type(e).__name__})")]
    try:
        with Session(engine) as session:
            users = session.exec(select(StaffUser.role).where(StaffUser.active == True)).all()  # noqa: E712
    finally:
        engine.dispose()
    out = [Finding(OK, f"데이터베이스에 연결돼요 ({url.get_backend_name()})")]
    if not users:
        out.append(Finding(WARN, "직원 화면 계정이 없어요", "danggol staff add 사장님이름 으로 사장님 계정을 만들어 주세요."))
    elif "owner" not in users:
        out.append(Finding(WARN, "사장님 계정이 없어요 (직원 계정만 있어요)", "danggol staff add 이름 --role owner 로 만들어 주세요."))
    else:
        out.append(Finding(OK, f"직원 화면 계정 {len(users)}개 (사장님 계정 포함)"))
    return out


def check_knowledge(s: Settings) -> list[Finding]:
    from bot.kb.errors import KnowledgeError
    from bot.kb.loader import load_knowledge

    root = s.store.knowledge_dir
    try:
        k = load_knowledge(root)
    except KnowledgeError as e:
        return [Finding(FAIL, f"지식 파일에 고칠 곳이 {len(e.problems)}개 있어요", "\n    → ".join(str(p) for p in e.problems))]
    out = [Finding(OK, f"지식 파일: {k.store.name}, 메뉴 {len(k.menu)}개, FAQ {len(k.faqs)}개")]
    if k.warnings:
        out.append(Finding(WARN, f"지식 파일에서 확인해 볼 점이 {len(k.warnings)}개 있어요", "\n    → ".join(str(w) for w in k.warnings[:10])))
    if not os.access(root, os.W_OK) or not all(os.access(p, os.W_OK) for p in root.rglob("*") if p.is_file()):
        out.append(Finding(WARN, "지식 폴더에 쓸 수 없어요: 직원 화면에서 메뉴·FAQ를 고칠 수 없어요",
                           f"sudo chown -R danggol:danggol {root.resolve()} (서버를 돌리는 사용자에게 쓰기 권한)"))
    return out


def check_exposure(s: Settings) -> list[Finding]:
    from bot.server import insecure_exposure

    why = insecure_exposure(s)
    if why:
        return [Finding(FAIL, f"{s.server.host}에서 열면 위험해요: {why}", "비밀값을 적거나, nginx·Caddy 뒤에서 127.0.0.1로만 열어 주세요.")]
    if s.server.host not in ("127.0.0.1", "localhost", "::1"):
        return [Finding(WARN, f"서버가 {s.server.host}에서 바로 열려요", "HTTPS는 nginx나 Caddy가 맡고 단골은 127.0.0.1에서 여는 걸 권해요 (docs/setup.md 4장).")]
    return [Finding(OK, "서버는 이 컴퓨터 안(127.0.0.1)에서만 열려요")]


def run(settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    for check in (check_knowledge, check_database, check_secrets, check_exposure, check_port):
        try:
            findings += check(settings)
        except Exception as e:  # noqa: BLE001 - one broken check must not hide the others
            findings.append(Finding(FAIL, f"점검 중 문제가 생겼어요 ({check.__name__})", f"{type(e).__name__}: {e}"))
    return findings
