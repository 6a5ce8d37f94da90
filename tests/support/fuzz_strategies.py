"""Hypothesis strategies for hostile input: text that breaks scripts, encodings and markup, JSON
values of the wrong type, and Kakao SkillPayloads and TalkTalk webhook events that follow
../shared/spec/kakao.md and talktalk.md in shape and then break it (tests/test_fuzz.py uses them).

Every markup payload carries a `fz` marker (MARKUP), so a console page can be searched for any
customer text that reached it unescaped (RAW_MARKUP).
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from hypothesis import strategies as st

# --- text -------------------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROL = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, 0x85, 0x9B]) + "\u2028\u2029"
SCRIPTS = {
    "hangul": (0xAC00, 0xD7A3),
    "jamo": (0x3131, 0x318E),
    "hanja": (0x4E00, 0x9FFF),
    "latin": (0x41, 0x7A),
    "arabic": (0x0600, 0x06FF),
    "thai": (0x0E00, 0x0E7F),
    "emoji": (0x1F300, 0x1FAFF),
    "fullwidth": (0xFF01, 0xFF5E),
    "private": (0xE000, 0xE0FF),
    "surrogate": (0xD800, 0xDFFF),  # lone halves: JSON can carry them as "\ud800"
}
WORDS = [
    "메뉴", "메뉴 보여 주세요", "예약하고 싶어요", "내일 저녁 7시에 4명 예약", "영업시간 알려 주세요", "주차 되나요?",
    "직원 연결해 주세요", "사장님 불러 주세요", "예약 취소", "예약 확인", "아메리카노 얼마예요", "알레르기 있어요", "매운 거",
    "네", "아니요", "취소", "처음으로", "2026-11-27", "11월 27일", "금요일", "19:30", "일곱 시 반", "세 명", "열두 명", "백 명",
    "0명", "-3명", "99999999999999999999명", "010-1234-5678", "홍길동", "ㅋㅋㅋㅋ", "ㅠㅠ", "안녕하세요", "감사합니다",
    "{", "}", "[", "]", '"', "\\", "%s", "%(x)s", "{0}", "{{7*7}}", "{% raw %}", "${x}", "' OR 1=1 --", "NULL", "None",
    "undefined", "NaN", "Infinity", "-0", "1e309", "\\u0000", "\\ud800", "&amp;", "&lt;b&gt;", "</textarea>", "-->", "]]>",
]
MARKUP = [
    '<b data-fuzz="{n}">',
    '"><script>fz({n})</script>',
    "<img src=x onerror=fz({n})>",
    "'><svg onload=fz({n})>",
    '</textarea><iframe src="javascript:fz({n})">',
    "<a href=javascript:fz({n})>x</a>",
]
# What any of MARKUP looks like when it reached a page as markup: a tag opening with the marker.
RAW_MARKUP = re.compile(r"<(?:b|script|img|svg|iframe|a)\b[^<>]*fz\(|<b data-fuzz=|<script>fz\(")


def _runs(count: int, seed: int = 20261124) -> list[str]:
    """Short runs of mixed scripts and invisible, control and surrogate characters, made once from a fixed
    seed: drawing a ready run costs Hypothesis one choice where drawing it character by character costs
    dozens, and 5,000 requests per endpoint have to fit in CI."""
    rng = random.Random(seed)
    classes = [*SCRIPTS.values(), ZERO_WIDTH, BIDI, CONTROL, " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "0123456789"]
    out = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 12)):
            cls = rng.choice(classes)
            chars.append(chr(rng.randint(*cls)) if isinstance(cls, tuple) else rng.choice(cls))
        out.append("".join(chars))
    return out


RUNS = _runs(4000)
# Index, not sampled_from: Hypothesis puts a strategy's repr (here, 4,000 strings) into every repr that contains it.
runs = st.integers(0, len(RUNS) - 1).map(lambda i: RUNS[i])


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of `options`, each as often as its weight. Not one_of with repeats: Hypothesis builds the repr of a
    strategy when it shrinks, and repeated branches nested a few levels deep made that repr gigabytes long."""
    table = [strategy for weight, strategy in options for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])
markup = st.tuples(st.sampled_from(MARKUP), st.integers(0, 10**6)).map(lambda t: t[0].format(n=t[1]))


@st.composite
def huge(draw: st.DrawFn, low: int = 500, high: int = 70_000) -> str:
    """A long string made cheaply: one unit repeated, sometimes up to and past the body limits."""
    unit = draw(st.sampled_from(["가", "a", "😀", "가나 다라 ", "\u200b", "<b>", "x" * 7 + " ", "\u202e가", "\\"]))
    size = draw(st.integers(low, high))
    return (unit * (size // len(unit) + 1))[:size]


pieces = st.one_of(runs, st.sampled_from(WORDS), markup, st.just(" "))
# Short hostile text for every field; `long_text` (sometimes a string past a limit: Kakao's
# 1,000-character bubble, the 64 KB body) only where a customer's message goes. Long strings are
# rare (one in 25): the engine reads all of a message, and 60 KB takes it some 60 ms.
hostile_text = weighted(
    (2, st.lists(pieces, max_size=8).map("".join)),
    (1, st.sampled_from(WORDS)),
    (1, st.tuples(st.sampled_from(WORDS), markup).map(" ".join)),
    (1, st.just("")),
)
long_text = weighted((45, hostile_text), (3, huge(500, 3_000)), (1, huge(3_000, 20_000)), (1, huge(20_000, 70_000)))

# --- JSON values --------------------------------------------------------------------------------

JUNK = [None, True, False, 0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 1.5, -0.0, 1e308, 5e-324, "", " ", "0", "true", "null",
        "[]", "{}", "\ud800", "\x00", "가", [], {}, [None], [[]], [[[[[]]]]], {"": None}, {"a": {"b": {"c": {}}}}, ["a", 1, None, True],
        {"text": 3}, {"utterance": None}, {"value": []}, {"amount": "3"}, [{"id": None}], {"\ud800": "\udfff"}]
scalars = st.one_of(st.sampled_from(JUNK), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=4),
                    runs)
junk = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["", "a", "text", "id", "가"]), scalars,
                                                                          max_size=3))


def maybe(proper: st.SearchStrategy[Any], odds: int = 6) -> st.SearchStrategy[Any]:
    """Usually the documented shape, one time in `odds` any JSON value instead (a wrong type, null, a list)."""
    return weighted((1, junk), (odds - 1, proper))


def nested(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


deep_json_text = st.one_of(st.integers(1, 60).map(nested), st.integers(500, 5000).map(nested),
                           st.integers(500, 5000).map(lambda d: "[" * d + "]" * d))
dates = st.sampled_from(["2026-11-27", "2026-11-24", "2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "0000-00-00",
                         "2026-1-1", "２０２６-１１-２７", "٢٠٢٦-١١-٢٧", "", "2026-11-27T25:61:00", "tomorrow"])
clocks = st.sampled_from(["19:30", "00:00", "23:59", "24:00", "25:61", "7:5", "19:30:00", "١٩:٣٠", "19시", "", "99:99:99"])

# --- Kakao SkillPayload (spec/kakao.md §1) --------------------------------------------------------

KAKAO_USERS = [f"fz-kakao-{i:03d}" for i in range(150)]


def _entity() -> st.SearchStrategy[Any]:
    """A block parameter: plain text, a sys.date / sys.number / picker value as a JSON string or a dict, or junk."""
    date_value = st.builds(lambda d, tag, y: {"dateTag": tag, "dateHeadword": None, "year": y, "month": None, "day": None, "date": d,
                                              "polynomial": "define_weekday({4})", "calendar_type": "solar"},
                           maybe(dates), maybe(st.sampled_from(["Friday", None])), maybe(st.none()))
    picker = st.builds(lambda v, tz: {"value": v, "userTimeZone": tz},
                       maybe(st.one_of(dates, clocks, st.tuples(dates, clocks).map("T".join))), maybe(st.just("UTC+9")))
    number = st.builds(lambda a, u: {"amount": a, "unit": u},
                       maybe(st.one_of(st.integers(-5, 100), st.sampled_from([10**30, 2**63, 1.5, -0.0, 1e308, True]))),
                       maybe(st.none()))
    structured = st.one_of(date_value, picker, number)
    return st.one_of(hostile_text, structured.map(json.dumps), structured, deep_json_text, junk)


params = st.dictionaries(st.one_of(st.sampled_from(["sys_date", "date", "time", "party", "인원", "people", "sys_number", "name", "phone"]),
                                   st.text(max_size=8)), _entity(), max_size=5)
action = st.fixed_dictionaries(
    {},
    optional={"id": maybe(st.text(max_size=10)), "name": maybe(st.text(max_size=10)),
              "params": st.one_of(params, params.map(json.dumps), junk),
              "detailParams": maybe(st.dictionaries(st.text(max_size=6), st.fixed_dictionaries(
                  {"origin": maybe(hostile_text), "value": maybe(st.text(max_size=20)), "groupName": st.just("")}), max_size=2)),
              "clientExtra": st.one_of(st.none(), st.just({}), st.fixed_dictionaries({"danggol": maybe(st.sampled_from(["more", "menu"]))}),
                                       junk)},
)
kakao_user = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(KAKAO_USERS), odds=15)},
    optional={"type": maybe(st.sampled_from(["botUserKey", "accountId"])),
              "properties": maybe(st.dictionaries(st.sampled_from(["plusfriendUserKey", "isFriend", "appUserId", "botUserKey"]),
                                                  maybe(st.text(max_size=20)), max_size=3))},
)
user_request = st.fixed_dictionaries(
    {"utterance": maybe(long_text, odds=12), "user": maybe(kakao_user, odds=20)},
    optional={"timezone": maybe(st.just("Asia/Seoul")), "lang": st.sampled_from(["ko", "kr", None, 3]),
              "block": maybe(st.fixed_dictionaries({"id": st.text(max_size=6), "name": hostile_text})),
              "params": maybe(st.fixed_dictionaries({}, optional={
                  "surface": maybe(st.sampled_from(["Kakaotalk.plusfriend", "BuilderBotTest"])), "ignoreMe": st.just("true"),
                  "media": maybe(st.fixed_dictionaries({"type": maybe(st.just("image")), "url": maybe(st.one_of(
                      st.just("https://talk.kakaocdn.net/a.jpg"), hostile_text))}))})),
              # never a real kakao.com host: a slow answer must not call out of the test
              "callbackUrl": st.sampled_from(["https://evil.example/cb", "https://bot-api.kakao.com.evil.example/x", "http://127.0.0.1:9/cb",
                                              "javascript:fz()", "", None, 3, ["x"]])},
)
skill_payload = st.fixed_dictionaries(
    {"userRequest": maybe(user_request, odds=20)},
    optional={"intent": maybe(st.fixed_dictionaries({"id": st.text(max_size=6), "name": hostile_text})),
              "bot": maybe(st.fixed_dictionaries({"id": maybe(st.sampled_from(["5f8a1c2e3b4d", "5f8a1c2e3b4d!", ""]))})),
              "action": maybe(action, odds=10),
              "contexts": maybe(st.lists(st.fixed_dictionaries({"name": st.text(max_size=6), "lifespan": maybe(st.integers(0, 5))}),
                                         max_size=2)),
              "flow": maybe(st.fixed_dictionaries({"trigger": maybe(st.fixed_dictionaries({"type": maybe(st.sampled_from(
                  ["TEXT_INPUT", "IMAGE_UPLOAD", "QUICKREPLY_BUTTON_MESSAGE"]))}))})),
              "skillOption": junk, "unknownField": junk},
)

# --- TalkTalk webhook events (spec/talktalk.md §1) --------------------------------------------------

NAVER_USERS = [f"fzNaver{i:03d}{'x' * 12}" for i in range(150)]  # 22 characters, base64url
UI_TEXT = st.sampled_from(["20261127", "20261399", "99991231", "00000000", "20261127-20261201", "20261201-20261127", "2026112",
                           "٢٠٢٦١١٢٧", "14:00", "25:61", "7:5", "23:59", "١٤:٠٠", "09:30", "", "vphone,2026-12-31"])
OUR_CODES = st.one_of(
    st.builds(lambda t, d: json.dumps({"t": t, **({"d": d} if d is not None else {})}, ensure_ascii=False), maybe(hostile_text), junk),
    st.sampled_from(['{"k":"date"}', '{"k":"time"}', "TRACK", "{", '{"t":', "[]", "null"]),
    deep_json_text,
)
text_content = st.fixed_dictionaries(
    {"text": maybe(st.one_of(long_text, UI_TEXT), odds=12)},
    optional={"code": maybe(OUR_CODES), "inputType": maybe(st.sampled_from(
        ["typing", "button", "sticker", "vphone", "product", "time", "calendar", "timeInterval", "nameCard", "inquiry", "TYPING"]))},
)
metadata = st.one_of(st.builds(lambda n, a: json.dumps({"managerNickname": n, "autoEnd": a}, ensure_ascii=False), hostile_text, junk),
                     st.sampled_from(["{'managerNickname':'Kim','autoEnd':false}", "", "not json", "null", "[1,2]"]),
                     deep_json_text, hostile_text, junk)
naver_options = st.fixed_dictionaries({}, optional={
    "mobile": maybe(st.booleans()), "inflow": maybe(st.sampled_from(["list", "button", "none"])), "referer": maybe(hostile_text),
    "friend": maybe(st.booleans()), "under14": maybe(st.booleans()), "set": maybe(st.sampled_from(["on", "off"])),
    "managerNickname": maybe(st.one_of(st.sampled_from(["Kim", "매니저", ""]), hostile_text)),
    "threadOwnerId": st.sampled_from([1, "1", 10007, 0, None, "x", 1.0, [1]]), "sourceId": maybe(st.sampled_from([1, 10007])),
    "control": maybe(st.sampled_from(["passThread", "takeThread", "bogus"])), "targetId": maybe(st.just(1)), "metadata": metadata,
    "result": maybe(st.sampled_from(["SUCCESS", "success", "DISAGREE", "CANCEL", "WITHDRAW", ""])),
    "nickname": maybe(hostile_text), "cellphone": maybe(st.one_of(st.just("010-1234-5678"), hostile_text)),
    "address": maybe(st.fixed_dictionaries({}, optional={"roadAddr": maybe(hostile_text), "latitude": maybe(st.floats(allow_nan=False))})),
    "withdrawals": maybe(st.lists(st.one_of(st.sampled_from(["nickname", "cellphone", "address"]), junk), max_size=3)),
    "product": junk, "paymentResult": junk, "noReflectBot": junk,
})
EVENTS = ["send", "send", "send", "send", "open", "leave", "friend", "echo", "echo", "handover", "handover", "profile", "profile",
          "pay_complete", "pay_confirm", "action", "persistentMenu", "product", "SEND", "typingOn", ""]
webhook_event = st.fixed_dictionaries(
    {"event": maybe(st.sampled_from(EVENTS), odds=25), "user": maybe(st.sampled_from(NAVER_USERS), odds=25)},
    optional={"standby": st.sampled_from([True, False, "true", 1, None, "false", 0, [True]]),
              "textContent": maybe(text_content, odds=10), "imageContent": maybe(st.fixed_dictionaries({"imageUrl": maybe(st.one_of(
                  st.just("https://shop-phinf.pstatic.net/a.jpg"), hostile_text))})),
              "compositeContent": junk, "fileContent": junk, "options": maybe(naver_options, odds=12),
              "echoedEvent": maybe(st.sampled_from(["send", "product", "leave"])), "messageId": maybe(st.integers(-1, 2**40)),
              "partner": maybe(st.just("wc1234")), "unknownField": junk},
)

# --- bodies ------------------------------------------------------------------------------------------------


def encode(value: Any, ascii_only: bool) -> bytes:
    """JSON bytes; with non-ASCII kept, lone surrogates go out as the (invalid UTF-8) bytes a careless client sends."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode("utf-8", errors="surrogatepass")


def bodies(documents: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Request bodies: mostly `documents` as JSON, else broken JSON, other encodings, junk bytes, nesting, huge bodies."""
    as_json = st.tuples(documents, st.booleans()).map(lambda t: encode(*t))
    broken = st.one_of(
        as_json.map(lambda b: b[: max(1, len(b) // 2)]),  # cut off
        as_json.map(lambda b: b"\xef\xbb\xbf" + b),  # a UTF-8 byte-order mark
        documents.map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-16", errors="surrogatepass")),
        documents.map(lambda d: json.dumps(d, ensure_ascii=False).encode("cp949", errors="replace")),
        st.binary(max_size=300),
        st.sampled_from([b"", b"null", b"[]", b"[1, 2]", b'"text"', b"3", b"true", b"{not json", b"{'a': 1}", b'{"a": NaN}',
                         b'{"a": Infinity}', b'{"a": 1, "a": 2}', b"\x00", b"\xff\xfe", b'{"a":"\\ud800"}', b'{"a":"\\u0000"}']),
        st.integers(900, 32_000).map(lambda d: b"[" * d + b"]" * d),
        st.integers(900, 32_000).map(lambda d: nested(d).encode()),
        huge(60_000, 140_000).map(lambda s: json.dumps({"x": s}).encode()),
    )
    return weighted((4, as_json), (1, broken))
