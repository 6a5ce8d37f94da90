"""Campaign presets: the re-engagement messages small-shop owners read about, each a segment of the
ledger and a default text the owner edits. Every one of them is a 광고 (spec/outreach.md §1).

A preset picks customers from the ledger's picture (bot/ledger/report.py) only; consent and the
other rules are applied afterwards by the gate, the same for every preset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.ledger.report import Picture


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    who: str  # whom it picks, in the owner's words
    body: str  # the default middle text; {item} is a menu item the owner chooses
    coupon: str  # what the default coupon gives ("" for none)
    pick: Callable[[Picture, dict[int, set[str]], str], list[int]]
    needs_item: bool = False  # the owner must choose an item (a restock)


def _segment(name: str) -> Callable[[Picture, dict[int, set[str]], str], list[int]]:
    return lambda p, _items, _item: list(p.segment_members.get(name, []))


def _new_not_back(p: Picture, _items: dict[int, set[str]], _item: str) -> list[int]:
    return sorted(set(p.segment_members.get("new", [])) & set(p.segment_members.get("one_and_done", [])))


def _weekday_lunch(p: Picture, _items: dict[int, set[str]], _item: str) -> list[int]:
    return sorted(c for c, pr in p.profiles.items()
                  if pr.visits >= 2 and pr.usual_weekday is not None and pr.usual_weekday < 5
                  and pr.usual_hour is not None and 11 <= pr.usual_hour <= 13)


def _weekend_family(p: Picture, _items: dict[int, set[str]], _item: str) -> list[int]:
    return sorted(c for c, pr in p.profiles.items()
                  if pr.usual_weekday is not None and pr.usual_weekday >= 5 and pr.party is not None and pr.party >= 3)


def _bought(p: Picture, items: dict[int, set[str]], item: str) -> list[int]:
    return sorted(c for c, bought in items.items() if item and item in bought)


PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("dormant_2m", "2달 넘게 안 오신 손님께 쿠폰", "마지막 방문이 60일 넘게 지난 손님",
           "오랜만이에요! 요즘 저희 가게에서는 {item} 찾는 분이 많아요. 다음 방문 때 쓰실 수 있는 쿠폰을 보내 드려요.",
           "5% 할인", _segment("dormant_60")),
    Preset("thanks_new", "처음 오신 뒤 다시 안 오신 손님께 감사 쿠폰", "처음 온 지 30일이 안 됐고, 한 번 온 뒤 7일 넘게 다시 오지 않은 손님",
           "처음 찾아 주셔서 고마웠어요. 다음에 오시면 {item}도 꼭 드셔 보세요. 감사의 마음으로 쿠폰을 드려요.",
           "10% 할인", _new_not_back),
    Preset("miss_you", "한 달 넘게 못 뵌 손님께 안부", "마지막 방문이 30일 넘게 지난 손님 (60일 이하)",
           "그리웠어요! 요즘 {item} 맛이 제일 좋을 때예요. 편하실 때 들러 주세요.", "", _segment("dormant_30")),
    Preset("weekday_lunch", "평일 점심 손님께 점심 쿠폰", "주로 평일 11~13시에 오는 손님 (2번 이상 방문)",
           "평일 점심 늘 찾아 주셔서 고마워요. 이번 주 점심에 쓰실 수 있는 쿠폰을 드려요.", "점심 1,000원 할인", _weekday_lunch),
    Preset("weekend_family", "주말 가족 손님께 아이 이벤트", "주로 주말에 3명 이상 함께 오는 손님",
           "주말에 가족과 함께 와 주셔서 고마워요. 이번 주말에는 아이들을 위한 작은 이벤트를 준비했어요.", "", _weekend_family),
    Preset("restock", "재입고 알림 (그 메뉴를 산 손님만)", "고른 메뉴를 산 적이 있는 손님",
           "{item}이 다시 들어왔어요! 찾아 주셨던 분들께 먼저 알려 드려요.", "", _bought, needs_item=True),
)}
