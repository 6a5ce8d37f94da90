"""Hostile input made harmless at the edges: text every database can store, JSON of bounded depth.

Found by fuzzing (tests/test_fuzz.py): PostgreSQL text cannot hold U+0000; a lone surrogate
("\\ud800" is valid JSON) cannot be encoded as UTF-8 at all; NaN and 1e999 parse in Python but
are not JSON numbers to PostgreSQL; a body nested a few thousand levels deep makes `json.loads`
raise RecursionError, and one nested just shallowly enough to be parsed and stored breaks every
console page that reads it back. Customers' words are kept otherwise exactly as sent.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32  # deeper parts of a stored payload are replaced by a marker


def text(value: str) -> str:
    """`value` without NUL characters and with lone surrogates replaced (U+FFFD)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def tree(value: Any, depth: int = 0) -> Any:
    """A JSON-like value with every string cleaned and nesting cut at MAX_DEPTH."""
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return "…(너무 깊어서 줄였어요)"
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # 1e999 parses as infinity; no database's JSON can hold it
    if isinstance(value, dict):
        return {text(str(k)): tree(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [tree(v, depth + 1) for v in value]
    return value


def loads(body: bytes | str) -> Any:
    """`json.loads` that fails only with ValueError (never RecursionError), cleaned and depth-bounded."""
    try:
        return tree(json.loads(body, parse_constant=lambda _: None))  # NaN and Infinity are not JSON
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
