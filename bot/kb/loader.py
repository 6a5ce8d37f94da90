"""Read the owner's knowledge folder (format v1, ../shared/spec/knowledge-format.md) into records.

Every problem is collected with its file and line, so an owner fixes them all in one pass;
errors make the folder unusable, warnings are shown but the bot keeps going.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import sheets
from bot.josa import josa
from bot.kb.errors import KnowledgeError, Problem, display_name
from bot.kb.menu_match import bundle_base
from bot.kb.records import (
    WEEKDAY_KO,
    WEEKDAYS,
    FaqEntry,
    Holiday,
    Knowledge,
    MenuItem,
    Origin,
    ReservationPolicy,
    Span,
    Store,
    Synonym,
)
from bot.kb.text import compact

STORE_FILE = "store.toml"
MENU_FILE = "menu.csv"
FAQ_DIR = "faq"
SYNONYM_FILE = "synonyms.txt"

MENU_COLUMNS = {
    "name": ("name", "이름", "메뉴", "메뉴명"),
    "category": ("category", "분류", "카테고리"),
    "price": ("price", "가격"),
    "description": ("description", "설명"),
    "tags": ("tags", "태그"),
    "allergens": ("allergens", "알레르기", "알러지"),
    "spicy": ("spicy", "맵기"),
    "available": ("available", "판매", "판매여부"),
    "image": ("image", "이미지", "사진"),
}
COLUMN_OF = {alias.lower(): key for key, aliases in MENU_COLUMNS.items() for alias in aliases}
YES = {"y", "yes", "o", "예", "네", "true", "1", "판매", "판매중"}
NO = {"n", "no", "x", "아니오", "아니요", "false", "0", "품절", "판매중지", "중지"}
CLOSED = {"휴무", "휴일", "closed", "off", "쉼", "정기휴무"}
# FAQs written as pairs (knowledge-format.md): "Q: …" / "A: …", "질문:" / "답변:", "문:" / "답:".
PAIR_QUESTION = re.compile(r"^\s*(?:\*\*)?\s*(?:Q|질문|문)\s*\d*\s*[:：]\s*(?:\*\*)?\s*(\S.*?)\s*(?:\*\*)?\s*$", re.IGNORECASE)
PAIR_ANSWER = re.compile(r"^\s*(?:\*\*)?\s*(?:A|답변|답)\s*\d*\s*[:：]\s*(?:\*\*)?\s*(.*)$", re.IGNORECASE)
# A question written as a numbered or bold line ("1. 주차 되나요?", "**주차 되나요?**"): read as a question.
QUESTION_LINE = re.compile(r"^\s*(?:\d{1,3}\s*[.)]\s+(?P<n>\S.*\?)|\*\*\s*(?P<b>[^*]+\?)\s*\*\*)\s*$")
ALIAS_PREFIX = re.compile(r"^\s*(다른\s*표현|aliases)\s*[:：]\s*", re.IGNORECASE)
# Markdown emphasis, most specific first. `*` may touch Korean particles (*카드*를), but a
# single `_` only counts at word edges, so wifi_pass_1 keeps its underscores.
EMPHASIS = (
    re.compile(r"(\*\*|__)(?!\s)(.+?)(?<!\s)\1"),
    re.compile(r"(\*)(?!\s)(.+?)(?<!\s)\*"),
    re.compile(r"(?<!\w)(_)(?!\s)(.+?)(?<!\s)_(?!\w)"),
    re.compile(r"(~~)(.+?)~~"),
    re.compile(r"(`)([^`]+)`"),
)
TIME_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-~]\s*(\d{1,2}):(\d{2})\s*$")


def load_knowledge(root: Path) -> Knowledge:
    """Load and check the whole folder; raise KnowledgeError listing every error found."""
    root = Path(root)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), None, "지식 폴더를 찾을 수 없어요. 경로를 확인해 주세요.")])
    store = _load_store(root, problems, warnings)
    menu = _with_parts(_load_menu(root, problems, warnings))
    faqs = _load_faqs(root, problems, warnings)
    synonyms = _load_synonyms(root, problems)
    warnings += _orphan_synonyms(synonyms, menu, faqs)
    if problems or store is None:
        raise KnowledgeError(problems or [Problem(STORE_FILE, None, "매장 정보를 읽지 못했어요.")])
    return Knowledge(
        store=store,
        menu=tuple(menu),
        faqs=tuple(faqs),
        synonyms=tuple(synonyms),
        warnings=tuple(warnings),
        fingerprint=fingerprint(root),
        menu_by_name={item.name: item for item in menu},
    )


def _with_parts(menu: list[MenuItem]) -> list[MenuItem]:
    """Each item with the text of the other items it names in full ("원조 씨앗호떡 3개 묶음", "떡볶이
    + 순대 세트"), so what a bundle or set is made of counts for allergies (shared/spec/allergens.md:
    an item holds what its files say, and a bundle's files are also its parts'). A name must be
    three letters or more: a short one (김밥, 라떼) is a word of many descriptions, not an item named."""
    out = []
    for item in menu:
        text = compact(item.description)
        parts = [o for o in menu if o is not item and len(compact(o.name)) >= 3 and compact(o.name) in text]
        if not parts:
            parts = _bundled(item, menu)
        if parts:
            holds = " ".join(f"{o.name} {o.description} {' '.join(o.allergens)}" for o in parts)
            item = dataclasses.replace(item, holds=holds)
        out.append(item)
    return out


def _bundled(item: MenuItem, menu: list[MenuItem]) -> list[MenuItem]:
    """The single item a bundle named by its count ("씨앗호떡 5개") is a bundle of: the one item whose
    name ends in the bundle's (원조 씨앗호떡), or, of several, the one its description names by its
    other word ("원조 5개, 박스 포장"); none when that stays unclear."""
    base = bundle_base(item.name)
    if base is None:
        return []
    singles = [o for o in menu if o is not item and bundle_base(o.name) is None and compact(o.name).endswith(base)]
    if len(singles) > 1:
        said = compact(item.description)
        singles = [o for o in singles if any(len(w) >= 2 and w in said for w in re.findall(r"[가-힣A-Za-z]+", o.name) if compact(w) != base)]
    return singles if len(singles) == 1 else []


def _orphan_synonyms(synonyms: list[Synonym], menu: list[MenuItem], faqs: list[FaqEntry]) -> list[Problem]:
    """Synonyms whose left side no menu item or FAQ uses any more: usually an item renamed in the
    menu and not here, so customers' words for it stopped working."""
    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).lower()

    texts = squeeze(" ".join([*(m.name + " " + m.description + " " + " ".join(m.tags) for m in menu),
                              *(f.id + " " + " ".join(f.aliases) + " " + f.answer for f in faqs)]))
    out = []
    for syn in synonyms:
        if squeeze(syn.canonical) not in texts:
            out.append(Problem(SYNONYM_FILE, syn.origin.line, f"{josa(repr_ko(syn.canonical), '이')} 메뉴나 FAQ에 없어요. "
                               "메뉴 이름을 바꿨다면 여기 = 왼쪽도 같은 이름으로 바꿔 주세요."))
    return out


def knowledge_files(root: Path) -> list[Path]:
    """The files that make up the knowledge, in a stable order."""
    files = [root / STORE_FILE, root / MENU_FILE, root / MENU_XLSX, root / SYNONYM_FILE]
    faq_dir = root / FAQ_DIR
    if faq_dir.is_dir():
        files += sorted(p for p in faq_dir.glob("*.md") if p.is_file())
    return [f for f in files if f.is_file()]


def fingerprint(root: Path) -> str:
    """A content hash of the folder: equal hashes mean nothing an index depends on changed."""
    h = hashlib.sha256()
    for f in knowledge_files(root):
        h.update(display_name(f, root).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


# --- store.toml ---------------------------------------------------------------------------


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    """Find the line of `key = ...` (inside `[section]` when given): tomllib keeps no positions."""
    current = None
    for no, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            current = header.group(1)
            if section and current == section and key == "":
                return no
            continue
        if re.match(rf"^{re.escape(key)}\s*=", stripped) and (section is None or current == section):
            return no
    return None


def _parse_clock(h: str, m: str) -> int | None:
    hour, minute = int(h), int(m)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return hour * 60 + minute


def parse_span(value: str) -> Span | None:
    """`"10:00-21:00"` into a Span; a closing time at or before opening means after midnight."""
    m = TIME_SPAN.match(value)
    if not m:
        return None
    start, end = _parse_clock(m[1], m[2]), _parse_clock(m[3], m[4])
    if start is None or end is None or start >= 1440:
        return None
    if end <= start:
        end += 1440
    return Span(start, end)


# What tomllib's English errors mean for an owner, most specific first; the line comes separately.
TOML_PROBLEMS = (
    ("Illegal character", "값의 따옴표가 닫히지 않았어요. 글자 값은 \"10:00-21:00\"처럼 같은 줄에서 큰따옴표로 열고 닫아 주세요."),
    ("Unterminated string", "값의 따옴표가 닫히지 않았어요. 같은 줄 끝에 큰따옴표(\")를 붙여 주세요."),
    ("Expected '=' after a key", "이름 다음에 = 가 있어야 해요. 예: phone = \"02-123-4567\""),
    ("Invalid value", "= 뒤의 값을 읽을 수 없어요. 글자는 큰따옴표로 감싸고(\"휴무\"), 숫자는 그대로(30) 적어 주세요."),
    ("Invalid initial character for a key", "이름을 읽을 수 없어요. 줄 맨 앞에 이름(예: name)과 = 를 적고, 설명은 # 뒤에 적어 주세요."),
    ("Expected newline or end of document", "값을 읽을 수 없어요. 글자 값은 큰따옴표로 감싸 주세요(예: phone = \"02-123-4567\"). "
     "한 줄에 값은 하나만 적고, 설명은 # 뒤에 적어 주세요."),
    ("Expected ']'", "[구역] 제목의 대괄호가 닫히지 않았어요. 예: [hours]"),
    ("Cannot declare", "같은 [구역]이 두 번 있어요. 하나로 합쳐 주세요."),
    ("Cannot overwrite a value", "같은 이름이 두 번 있어요. 하나만 남겨 주세요."),
    ("Unclosed array", "목록의 대괄호가 닫히지 않았어요. 예: tables = [2, 4, 4]"),
    ("Unclosed table", "[구역] 제목의 대괄호가 닫히지 않았어요. 예: [hours]"),
    ("Invalid date", "날짜를 읽을 수 없어요. 큰따옴표 안에 \"2026-12-25\"처럼 적어 주세요."),
)


def toml_problem(error: str) -> str:
    """A tomllib error as a plain Korean sentence (never the parser's English)."""
    said = next((ko for en, ko in TOML_PROBLEMS if en.lower() in error.lower()), None)
    return (said or "store.toml의 형식이 맞지 않아요. 따옴표, = 기호, [구역] 제목을 확인해 주세요.") + " 다른 줄은 그대로 두세요."


def _load_store(root: Path, problems: list[Problem], warnings: list[Problem]) -> Store | None:
    path = root / STORE_FILE
    if not path.is_file():
        problems.append(Problem(STORE_FILE, None, "store.toml 파일이 없어요. 매장 이름, 전화번호, 주소, 영업시간을 적은 store.toml을 만들어 주세요."))
        return None
    try:
        text = _decode(path.read_bytes())
    except UnicodeDecodeError:
        problems.append(Problem(STORE_FILE, None, "글자 인코딩을 읽을 수 없어요. 메모장에서 UTF-8로 다시 저장해 주세요."))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        problems.append(Problem(STORE_FILE, int(m[1]) if m else None, toml_problem(str(e))))
        return None
    before = len(problems)

    def bad(message: str, key: str, section: str | None = None) -> None:
        problems.append(Problem(STORE_FILE, _line_of(text, key, section), message))

    def text_field(key: str, required: bool) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            bad(f"'{key}' 값은 큰따옴표로 감싼 글자로 적어 주세요.", key)
            return ""
        if required and not value.strip():
            bad(f"'{key}' 값이 비어 있어요. 예: {key} = \"...\"", key)
        return value.strip()

    name = text_field("name", True)
    category = text_field("category", False)
    phone = text_field("phone", False)
    address = text_field("address", False)
    greeting = text_field("greeting", False)
    tz = text_field("timezone", False) or "Asia/Seoul"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        bad(f"시간대 {josa(repr_ko(str(tz)), '을')} 알 수 없어요. 한국 매장은 timezone = \"Asia/Seoul\"로 적어 주세요.", "timezone")
    for key in ("phone", "address"):
        if not data.get(key):
            warnings.append(Problem(STORE_FILE, None, f"'{key}' 값이 없어요. 손님이 물어보면 답할 수 없어요."))

    hours_table = data.get("hours", {})
    hours: dict[str, Span | None] = {}
    if not isinstance(hours_table, dict):
        bad("[hours] 구역이 있어야 해요.", "hours")
        hours_table = {}
    for day in WEEKDAYS:
        raw = hours_table.get(day)
        if raw is None:
            problems.append(Problem(STORE_FILE, _line_of(text, "", "hours"),
                                    f"[hours]에 {WEEKDAY_KO[WEEKDAYS.index(day)]}요일({day})이 없어요. 예: {day} = \"10:00-21:00\" 또는 {day} = \"휴무\""))
            continue
        if isinstance(raw, str) and raw.strip().lower() in CLOSED:
            hours[day] = None
            continue
        span = parse_span(raw) if isinstance(raw, str) else None
        if span is None:
            bad(f"{WEEKDAY_KO[WEEKDAYS.index(day)]}요일 영업시간 {josa(repr_ko(str(raw)), '을')} 읽을 수 없어요. "
                "\"10:00-21:00\"처럼 적거나 쉬는 날은 \"휴무\"로 적어 주세요.", day, "hours")
        hours[day] = span
    unknown_days = set(hours_table) - set(WEEKDAYS) - {"break", "last_order_minutes"}
    for key in sorted(unknown_days):
        bad(f"[hours]의 {josa(repr_ko(key), '은')} 알 수 없는 항목이에요. 요일은 mon(월), tue(화), wed(수), thu(목), fri(금), sat(토), sun(일)으로 적어 주세요.",
            key, "hours")

    break_time = None
    if "break" in hours_table:
        raw = hours_table["break"]
        break_time = parse_span(raw) if isinstance(raw, str) else None
        if break_time is None or break_time.end > 1440:
            bad(f"브레이크 타임 {josa(repr_ko(str(raw)), '을')} 읽을 수 없어요. break = \"15:00-17:00\"처럼 적어 주세요.", "break", "hours")
            break_time = None
    last_order = hours_table.get("last_order_minutes", 0)
    if not isinstance(last_order, int) or isinstance(last_order, bool) or not 0 <= last_order <= 600:
        bad("last_order_minutes는 0 이상의 분 단위 숫자로 적어 주세요. 예: last_order_minutes = 30", "last_order_minutes", "hours")
        last_order = 0

    holidays: list[Holiday] = []
    raw_holidays = data.get("holidays", [])
    if not isinstance(raw_holidays, list):
        bad("휴무일은 [[holidays]] 구역으로 하나씩 적어 주세요.", "holidays")
        raw_holidays = []
    holiday_lines = [no for no, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[holidays]]")]
    for i, entry in enumerate(raw_holidays):
        line = holiday_lines[i] if i < len(holiday_lines) else None
        raw_day = entry.get("date") if isinstance(entry, dict) else None
        closed_on: date | None = raw_day if isinstance(raw_day, date) else None
        if isinstance(raw_day, str):
            try:
                closed_on = date.fromisoformat(raw_day.strip())
            except ValueError:
                closed_on = None
        if closed_on is None:
            problems.append(Problem(STORE_FILE, line, "휴무일 날짜를 읽을 수 없어요. date = \"2026-12-25\"처럼 적어 주세요."))
            continue
        reason = entry.get("reason", "") if isinstance(entry, dict) else ""
        holidays.append(Holiday(closed_on, str(reason).strip(), Origin(STORE_FILE, line or 1)))

    reservation = _load_reservation(data.get("reservation"), text, bad)
    if len(problems) > before:
        return None
    return Store(
        name=name, category=category, phone=phone, address=address, timezone=tz, greeting=greeting,
        hours=hours, break_time=break_time, last_order_minutes=last_order,
        holidays=tuple(sorted(holidays, key=lambda h: h.day)), reservation=reservation,
        origin=Origin(STORE_FILE, 1),
    )


def _load_reservation(raw: Any, text: str, bad: Any) -> ReservationPolicy:
    if raw is None:
        return ReservationPolicy()
    if not isinstance(raw, dict):
        bad("[reservation] 구역을 확인해 주세요.", "reservation")
        return ReservationPolicy()
    defaults = ReservationPolicy()
    values: dict[str, Any] = {}
    limits = {"slot_minutes": (5, 240), "duration_minutes": (10, 720), "max_party": (1, 500),
              "min_lead_minutes": (0, 10080), "max_days_ahead": (0, 366)}
    for key, (lo, hi) in limits.items():
        value = raw.get(key, getattr(defaults, key))
        if key not in raw:
            values[key] = value  # unset: the default (max_party follows the tables below)
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            bad(f"[reservation]의 {key}는 {lo}에서 {hi} 사이의 숫자로 적어 주세요.", key, "reservation")
            value = getattr(defaults, key)
        values[key] = value
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        bad("[reservation]의 enabled는 true 또는 false로 적어 주세요.", "enabled", "reservation")
        enabled = False
    tables = raw.get("tables", [])
    if not isinstance(tables, list) or not all(isinstance(t, int) and not isinstance(t, bool) and t > 0 for t in tables):
        bad("tables는 테이블마다 좌석 수를 적은 목록이에요. 예: tables = [2, 2, 4, 6]", "tables", "reservation")
        tables = []
    if enabled and not tables:
        bad("예약을 받으려면 tables에 테이블 좌석 수를 적어 주세요. 예: tables = [2, 4, 4]", "tables", "reservation")
    if "max_party" not in raw and tables:
        values["max_party"] = max(tables)
    return ReservationPolicy(enabled=enabled, tables=tuple(sorted(tables)), **values)


# --- menu.csv -----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16, else CP949, which is what Excel on a Korean PC saves; bytes
    none of them reads raise, so the owner gets a located error instead of a garbled price."""
    return sheets.decode(data, strict=True)


# A market price (회, 제철 생선): no number to state; "시가로 받아요" and the shop's phone instead.
MARKET_PRICE = re.compile(r"(시가|싯가|변동|시세)(\s*\(.*\))?")


def repr_ko(value: str) -> str:
    """A value quoted for an owner's message: '시가 (오늘)'."""
    return f"'{value}'"


def parse_price(raw: str) -> int | None:
    """`"4,500"`, `"4500"`, `"4,500원"`, `"₩4,500"` all mean 4500; None when it is not a price."""
    cleaned = re.sub(r"[\s,₩]", "", raw).removesuffix("원")
    return int(cleaned) if cleaned.isdigit() else None


def _split_list(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[,|/]", raw) if p.strip()))


MENU_XLSX = "menu.xlsx"
# Files an owner may have meant as the menu: "menu (1).csv" from a download, "메뉴.xlsx".
MENU_LOOKALIKE = re.compile(r"^(menu|메뉴|메뉴판)[\s_\-()0-9복사본]*\.(csv|xlsx|xls)$", re.IGNORECASE)


def _menu_rows(root: Path, problems: list[Problem], warnings: list[Problem]) -> tuple[str, list[tuple[int, list[str]]]] | None:
    """The menu's rows with their line numbers, from menu.csv or menu.xlsx (the spec allows both)."""
    csv_path, xlsx_path = root / MENU_FILE, root / MENU_XLSX
    if csv_path.is_file() and xlsx_path.is_file():
        problems.append(Problem(MENU_FILE, None, "menu.csv와 menu.xlsx가 함께 있어요. 어느 쪽이 진짜 메뉴인지 알 수 없으니 하나만 남겨 주세요."))
        return None
    if xlsx_path.is_file():
        return MENU_XLSX, _xlsx_rows(xlsx_path, problems)
    if not csv_path.is_file():
        near = sorted(p.name for p in root.iterdir() if p.is_file() and MENU_LOOKALIKE.match(p.name)) if root.is_dir() else []
        if len(near) > 1:
            problems.append(Problem(near[0], None, f"메뉴 파일처럼 보이는 파일이 {len(near)}개 있어요({', '.join(near)}). "
                                    "쓸 파일 하나만 이름을 menu.csv(엑셀 파일이면 menu.xlsx)로 바꾸고 나머지는 지우거나 다른 폴더로 옮겨 주세요."))
        elif near:
            problems.append(Problem(near[0], None, f"메뉴 파일 이름이 {josa(repr_ko(near[0]), '이라')}서 읽지 않았어요. "
                                    "파일 이름을 menu.csv(엑셀 파일이면 menu.xlsx)로 바꿔 주세요."))
        else:
            warnings.append(Problem(MENU_FILE, None, "menu.csv가 없어요. 메뉴와 가격을 물어보면 답할 수 없어요."))
        return None
    try:
        text = _decode(csv_path.read_bytes())
    except UnicodeDecodeError:
        problems.append(Problem(MENU_FILE, None, "글자 인코딩을 읽을 수 없어요. 엑셀에서 'CSV UTF-8' 형식으로 다시 저장해 주세요."))
        return None
    rows, broken = sheets.csv_rows(text)
    if broken is not None:
        problems.append(Problem(MENU_FILE, broken, "줄을 읽을 수 없어요. 큰따옴표가 짝이 맞는지 확인해 주세요."))
    return MENU_FILE, rows


def _xlsx_rows(path: Path, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """The first sheet as text cells; numbers stored as numbers read as Excel shows them."""
    try:
        sheet = sheets.xlsx_rows(path)
    except sheets.Unreadable:
        problems.append(Problem(MENU_XLSX, None, "엑셀 파일을 열 수 없어요. 엑셀에서 'Excel 통합 문서(.xlsx)'로 다시 저장해 주세요."))
        return []
    rows = []
    for no, values in sheet:
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()  # Excel's used range reaches past the data
        rows.append((no, cells))
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_header(cells: list[str]) -> bool:
    return any(COLUMN_OF.get(unicodedata.normalize("NFC", c).strip().lower()) == "name" for c in cells)


def _from_header(rows: list[tuple[int, list[str]]], within: int = 10) -> list[tuple[int, list[str]]]:
    """The rows from the header on: blank rows and a sheet's title rows above it ("소담 메뉴판",
    merged across the columns) are skipped when a row with a name column follows within `within`
    rows; otherwise the first non-blank row is taken as the header (and reported if it is not)."""
    filled = [i for i, (_, cells) in enumerate(rows) if any(c.strip() for c in cells)]
    header = next((i for i in filled[:within] if _is_header(rows[i][1])), None)
    if header is None:
        return rows[filled[0]:] if filled else []
    return rows[header:]


def _load_menu(root: Path, problems: list[Problem], warnings: list[Problem]) -> list[MenuItem]:
    source = _menu_rows(root, problems, warnings)
    if source is None:
        return []
    file, rows = source
    rows = _from_header(rows)
    if not rows:
        problems.append(Problem(file, 1, "첫 줄에 이름,분류,가격 같은 제목 줄이 있어야 해요."))
        return []
    header_line, header = rows[0]
    columns: list[str | None] = []
    for raw in header:
        key = COLUMN_OF.get(unicodedata.normalize("NFC", raw).strip().lower())
        if key is None and raw.strip():
            warnings.append(Problem(file, header_line, f"'{raw.strip()}' 열은 알 수 없어서 읽지 않았어요."))
        columns.append(key)
    if "name" not in columns:
        problems.append(Problem(file, header_line, "제목 줄에 '이름'(또는 name) 열이 있어야 해요. 예: 이름,분류,가격,설명"))
        return []
    while columns and columns[-1] is None and not header[len(columns) - 1].strip():
        columns.pop()  # empty trailing header cells (Excel's used range)

    items: list[MenuItem] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            problems.append(Problem(file, line, f"칸이 {len(row)}개로 제목 줄({len(columns)}칸)보다 많아요. "
                                    "쉼표가 들어간 값(예: \"4,500\")은 큰따옴표로 감싸 주세요."))
            continue
        cells = {key: cell.strip() for key, cell in zip(columns, row) if key}
        item = _menu_item(cells, line, problems, warnings, file)
        if item is None:
            continue
        if item.name in seen:
            problems.append(Problem(file, line, f"'{item.name}' 메뉴가 {seen[item.name]}번째 줄에도 있어요. 메뉴 이름은 한 번씩만 적어 주세요."))
            continue
        seen[item.name] = line
        items.append(item)
    if not items and not problems:
        warnings.append(Problem(file, None, "메뉴가 하나도 없어요."))
    return items


def _menu_item(cells: dict[str, str], line: int, problems: list[Problem], warnings: list[Problem],
               file: str = MENU_FILE) -> MenuItem | None:
    def bad(message: str) -> None:
        problems.append(Problem(file, line, message))

    name = unicodedata.normalize("NFC", cells.get("name", ""))
    if not name:
        bad("메뉴 이름이 비어 있어요. 이름 칸을 채우거나 그 줄을 지워 주세요.")
        return None
    price = None
    market = bool(cells.get("price")) and MARKET_PRICE.fullmatch(cells["price"].strip()) is not None
    if cells.get("price") and not market:
        price = parse_price(cells["price"])
        if price is None:
            bad(f"'{name}'의 가격 {josa(repr_ko(cells['price']), '을')} 숫자로 읽을 수 없어요. "
                "4500 또는 4,500원처럼 적고, 그날 값으로 받는 메뉴는 '시가'라고 적어 주세요.")
    elif not market:
        warnings.append(Problem(file, line, f"'{name}'에 가격이 없어요. 가격을 물어보면 매장에 문의하라고 안내해요."))
    spicy = 0
    if cells.get("spicy"):
        raw = cells["spicy"]
        if raw.isdigit() and 0 <= int(raw) <= 3:
            spicy = int(raw)
        else:
            bad(f"'{name}'의 맵기 {josa(repr_ko(raw), '은')} 0(안 매움)부터 3(아주 매움)까지의 숫자로 적어 주세요.")
    available = True
    if cells.get("available"):
        raw = cells["available"].lower()
        if raw in YES:
            available = True
        elif raw in NO:
            available = False
        else:
            bad(f"'{name}'의 판매 값 {josa(repr_ko(cells['available']), '을')} 알 수 없어요. Y/N, O/X, 예/아니오 중 하나로 적어 주세요.")
    image = cells.get("image", "")
    if image and not re.match(r"^https://\S+$", image):
        bad(f"'{name}'의 이미지 주소는 https://로 시작하는 인터넷 주소여야 해요.")
    return MenuItem(
        name=name, category=cells.get("category", ""), price=price, description=cells.get("description", ""),
        tags=_split_list(cells.get("tags", "")), allergens=_split_list(cells.get("allergens", "")),
        spicy=spicy, available=available, image=image, origin=Origin(file, line), market_price=market,
    )


# --- faq/*.md -----------------------------------------------------------------------------


def strip_emphasis(text: str) -> str:
    """Remove Markdown emphasis and code marks, keeping the words: customers see plain text."""
    for pattern in EMPHASIS:
        text = pattern.sub(r"\2", text)
    return text


def _load_faqs(root: Path, problems: list[Problem], warnings: list[Problem]) -> list[FaqEntry]:
    faq_dir = root / FAQ_DIR
    files = sorted(faq_dir.glob("*.md")) if faq_dir.is_dir() else []
    if not files:
        warnings.append(Problem(FAQ_DIR, None, "faq 폴더에 .md 파일이 없어요. 자주 묻는 질문을 적어 두면 봇이 답할 수 있어요."))
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    normalized: dict[str, str] = {}
    for path in files:
        name = display_name(path, root)
        try:
            text = _decode(path.read_bytes())
        except UnicodeDecodeError:
            problems.append(Problem(name, None, "글자 인코딩을 읽을 수 없어요. UTF-8로 저장해 주세요."))
            continue
        for entry in _parse_faq_file(name, text, problems, warnings):
            if entry.id in seen:
                problems.append(Problem(name, entry.origin.line,
                                        f"질문 {josa(repr_ko(entry.id), '이')} {seen[entry.id]}에도 있어요. 같은 질문은 한 번만 적어 주세요."))
                continue
            key = re.sub(r"[\s?？!.~]", "", entry.id)
            if key in normalized:
                warnings.append(Problem(name, entry.origin.line,
                                        f"질문 {josa(repr_ko(entry.id), '은')} {normalized[key]}의 질문과 거의 같아요. 하나로 합쳐 주세요."))
            normalized.setdefault(key, f"{name}:{entry.origin.line}")
            seen[entry.id] = f"{name}:{entry.origin.line}"
            entries.append(entry)
    return entries


def _parse_faq_file(name: str, text: str, problems: list[Problem], warnings: list[Problem]) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    category = ""
    current: dict[str, Any] | None = None

    def finish() -> None:
        if current is None:
            return
        answer = "\n".join(current["answer"]).strip()
        if current.get("pair") and not current.get("answered"):
            problems.append(Problem(name, current["line"], f"질문 '{current['id']}'에 답변이 없어요. 다음 줄에 'A: 답변'처럼 적어 주세요."))
            return
        if not answer:
            problems.append(Problem(name, current["line"], f"질문 '{current['id']}'에 답변이 없어요. 질문 아래 줄에 답변을 적어 주세요."))
            return
        entries.append(FaqEntry(id=current["id"], category=current["category"], aliases=tuple(current["aliases"]),
                                answer=answer, origin=Origin(name, current["line"])))

    headings = any(re.match(r"^##(?!#)", raw) for raw in text.split("\n"))
    for no, raw in enumerate(text.split("\n"), 1):
        line = unicodedata.normalize("NFC", raw.rstrip())
        heading = re.match(r"^(#{1,2})(?!#)\s*(.*)$", line)
        if heading:
            level, title = len(heading[1]), strip_emphasis(heading[2].strip().rstrip("#").strip())
            finish()
            current = None
            if level == 1:
                category = title
                continue
            if not title:
                problems.append(Problem(name, no, "'## ' 뒤에 질문이 비어 있어요. 예: ## 주차 가능한가요?"))
                continue
            current = {"id": title, "category": category, "aliases": [], "answer": [], "line": no}
            continue
        numbered = QUESTION_LINE.match(line)
        if numbered and not (current and current.get("pair") and not current.get("answered")):
            finish()
            title = strip_emphasis((numbered["n"] or numbered["b"]).strip())
            if headings:
                warnings.append(Problem(name, no, f"질문처럼 보이는 줄 {josa(repr_ko(title), '을')} 새 질문으로 읽었어요. "
                                        "맞으면 앞에 '## '을 붙여 주시고, 답변의 일부라면 '?'로 끝나지 않게 고쳐 주세요."))
            current = {"id": title, "category": category, "aliases": [], "answer": [], "line": no}
            continue
        question = PAIR_QUESTION.match(line)
        if question:
            finish()
            current = {"id": strip_emphasis(question[1].strip()), "category": category, "aliases": [], "answer": [],
                       "line": no, "pair": True}
            continue
        answer = PAIR_ANSWER.match(line)
        if answer and current is not None and current.get("pair") and not current.get("answered"):
            current["answered"] = True
            if answer[1].strip():
                current["answer"].append(strip_emphasis(answer[1].strip()))
            continue
        if current is None:
            if line.strip():
                warnings.append(Problem(name, no, "질문('## ')보다 먼저 적힌 내용이라 읽지 않았어요. 질문 아래로 옮겨 주세요."))
            continue
        if current.get("pair") and not current.get("answered") and line.strip() and not ALIAS_PREFIX.match(line):
            problems.append(Problem(name, no, f"질문 '{current['id']}' 다음 줄에 'A:'(또는 '답변:')로 시작하는 답변이 있어야 해요."))
            current["answered"] = True  # reported once; the rest is read as its answer
        alias = ALIAS_PREFIX.match(line)
        if alias and not any(current["answer"]):
            current["aliases"] += [strip_emphasis(a.strip()) for a in line[alias.end():].split("|") if a.strip()]
            continue
        if current["answer"] or line.strip():
            body = re.sub(r"^#{3,}\s*", "", line)
            current["answer"].append(strip_emphasis(body))
    finish()
    return entries


# --- synonyms.txt -------------------------------------------------------------------------


def _load_synonyms(root: Path, problems: list[Problem]) -> list[Synonym]:
    path = root / SYNONYM_FILE
    if not path.is_file():
        return []
    try:
        text = _decode(path.read_bytes())
    except UnicodeDecodeError:
        problems.append(Problem(SYNONYM_FILE, None, "글자 인코딩을 읽을 수 없어요. UTF-8로 저장해 주세요."))
        return []
    synonyms = []
    for no, raw in enumerate(text.split("\n"), 1):
        line = unicodedata.normalize("NFC", raw.split("#", 1)[0]).strip()
        if not line:
            continue
        left, sep, right = line.partition("=")
        variants = tuple(v.strip() for v in re.split(r"[,|]", right) if v.strip())
        if not sep or not left.strip() or not variants:
            problems.append(Problem(SYNONYM_FILE, no, "'메뉴나 FAQ에 쓴 말 = 손님이 쓰는 말, 다른 말' 형식으로 적어 주세요. 예: 아이스 아메리카노 = 아아, 아이스아메"))
            continue
        synonyms.append(Synonym(left.strip(), variants, Origin(SYNONYM_FILE, no)))
    return synonyms
