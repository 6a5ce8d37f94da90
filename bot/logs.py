"""Server logs: one JSON object a line (or plain text), with phone numbers and names masked.

`danggol serve` writes every line through one handler on the root logger, uvicorn's own
loggers and its access log included (they propagate to it), so a log shipper can parse each
line. The other CLI commands keep plain text on stderr (bot/cli.py).

Masking is a safety net, not a licence to log customers' words: it catches Korean phone
numbers in any common spelling and a name right after the markers customers and this code use
(이름은, 성함은, 예약자 …). A name given with no marker ("김민지요" after the bot asked) cannot
be told from other words and is not masked, nor is Korean text percent-encoded in a URL (a
phone number there is plain digits, and is). Configured secrets that travel in a path (the
TalkTalk webhook's) are replaced by *** wherever they appear.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, Literal, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# Korean phone numbers: mobile 01x, Seoul 02, area codes 031-064, 070 (internet phones), 050x
# (safe numbers); with -, . or a space between the parts or none; +82 with the leading 0 dropped.
# Digits right before or after are part of a longer number (an id, an amount): left alone.
PHONE = re.compile(
    r"(?<![\d+])(?:(?P<intl>\+82)[-. ]?0?|0)(?P<area>1[016789]|2|[3-6][1-5]|70|50\d)"
    r"[-. )]?(?P<mid>\d{3,4})[-. ]?(?P<last>\d{4})(?!\d)"
)
# A name after a marker: "이름은 김민지", "성함: 홍길동", "예약자 이름은 Kim", "예약자 김민지", "홍길동 이름으로".
NAME_AFTER = re.compile(
    r"(?:예약자\s*(?:(?:이름|성함)\s*(?:은|이|:)?|명\s*:?|는|:)?|(?:이름|성함)\s*(?:은|이|:))\s*(?P<name>[가-힣]{2,}|[A-Za-z]{2,20})"
)
NAME_BEFORE = re.compile(r"(?<![가-힣])(?P<name>[가-힣]{2,})(?P<marker>\s*(?:이름으로|명의로))")
STANDARD_ATTRS = frozenset(RESERVED_ATTRS) | {"message", "asctime", "color_message"}


def _phone(m: re.Match[str]) -> str:
    prefix = f"+82-{m['area']}" if m["intl"] else f"0{m['area']}"
    return f"{prefix}-****-{m['last']}"


def _hide(name: str) -> str:
    return name[0] + "**"  # the surname stays, as Korean receipts print it; a fixed length hides the length


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with phone numbers (last 4 digits kept), names after markers (first letter kept) and `secrets` hidden."""
    for secret in secrets:
        if secret:  # an empty one would match everywhere
            text = text.replace(secret, "***")
    text = PHONE.sub(_phone, text)
    text = NAME_AFTER.sub(lambda m: m.group(0)[: m.start("name") - m.start()] + _hide(m["name"]), text)
    return NAME_BEFORE.sub(lambda m: _hide(m["name"]) + m["marker"], text)


def _deep(value: Any, secrets: tuple[str, ...]) -> Any:
    """Strings masked inside dicts and lists too (a JSON line's extra fields)."""
    if isinstance(value, str):
        return mask(value, secrets)
    if isinstance(value, dict):
        return {k: _deep(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep(v, secrets) for v in value]
    return value


def _masked(value: Any, secrets: tuple[str, ...]) -> Any:
    """A string argument masked; numbers and other objects as they are unless their text needs masking."""
    if isinstance(value, str):
        return mask(value, secrets)
    if value is None or isinstance(value, int | float):
        return value  # keeps %d and %.1f working
    try:
        text = str(value)
    except Exception:  # noqa: BLE001 - a broken __str__ is logging's problem to report, not ours
        return value
    hidden = mask(text, secrets)
    return value if hidden == text else hidden


class Masking(logging.Filter):
    """Mask phone numbers, names and `secrets` in a record's message, its arguments and extra fields."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg, self.secrets)
        if isinstance(record.args, dict):
            record.args = {k: _masked(v, self.secrets) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(a, self.secrets) for a in record.args)
        for key, value in list(record.__dict__.items()):
            if key not in STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, mask(value, self.secrets))
        return True


class MaskedText(logging.Formatter):
    """Plain text lines; tracebacks masked too (an SQL error carries the statement's parameters)."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = secrets

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's naming
        return mask(super().formatException(ei), self.secrets)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return mask(super().formatStack(stack_info), self.secrets)


class MaskedJson(JsonFormatter):
    """One JSON object a line: time, level, logger, message, and exc_info or extra fields when present."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__("%(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level", "name": "logger"},
                         timestamp="time", json_ensure_ascii=False, reserved_attrs=sorted(STANDARD_ATTRS))
        self.secrets = secrets

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # The last net: tracebacks, stack info and any extra field, after the filter did message and args.
        # The time first, so a file of lines sorts and reads in order.
        masked = {k: _deep(v, self.secrets) for k, v in log_data.items() if k != "time"}
        return {"time": log_data.get("time"), **masked}


def handler(fmt: Literal["json", "text"], stream: TextIO | None = None, secrets: tuple[str, ...] = ()) -> logging.Handler:
    """A stream handler (stderr by default) with the masking filter and the chosen format."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.addFilter(Masking(secrets))
    out.setFormatter(MaskedJson(secrets) if fmt == "json" else MaskedText(secrets))
    out.set_name("danggol")
    return out


def install(fmt: Literal["json", "text"], level: str = "info", secrets: tuple[str, ...] = ()) -> None:
    """Route every log line of the server process (uvicorn's included) through one masked handler."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)  # basicConfig's, or ours from an earlier call
    root.addHandler(handler(fmt, secrets=tuple(s for s in secrets if s)))
    number = logging.getLevelName(level.upper())
    root.setLevel(number if isinstance(number, int) else logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()  # with log_config=None uvicorn adds none; clear any all the same
        uvicorn_logger.propagate = True
    for noisy in ("chromadb", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # warnings.warn output becomes a (JSON) log line, not raw stderr
