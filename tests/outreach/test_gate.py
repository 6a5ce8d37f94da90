"""Decision table for the outreach sending gate (bot.outreach.gate.decide).

Every expected decision comes from /work/shared/spec/outreach.md (§2 night and 2-year re-confirmation,
§3 under-14 and separate marketing consent, §5 what Danggol enforces) and the product rules of the gate:

* 정보 needs no consent and goes at any hour once a route exists; only ``already`` (duplicate) and a
  missing route stop it.
* 광고, checked in this order after duplicate and no route: TalkTalk only with ``talktalk_ads``
  (ads_off), consent status (withdrawn / declined / no_consent for missing or "asked"), expiry
  (730 days or more since the later of granted_at and reconfirmed_at), under14, age_unknown
  (adult not confirmed), open_chat, complaint, visited, frequency (a 광고 strictly less than
  frequency_days × 24 h ago), then the hours 09:00 ≤ t < 20:00 store time ("wait"/"night"),
  which never widen beyond 09–20 whatever Rules says.

Base time: Tuesday 2026-12-08 14:00 in Asia/Seoul; the default facts are a 광고 over the Kakao Event API
to an adult customer with a 100-day-old granted consent and nothing else against it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.outreach.gate import ConsentFacts, Decision, Facts, Rules, decide

SEOUL = ZoneInfo("Asia/Seoul")
BASE = datetime(2026, 12, 8, 14, 0, tzinfo=SEOUL)  # a Tuesday afternoon
AD, INFO = "광고", "정보"
TWO_YEARS = timedelta(days=730)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Store-local time on the base day."""
    return BASE.replace(hour=hour, minute=minute, second=second)


def consent(
    status: str = "granted",
    ago: timedelta | None = timedelta(days=100),
    reconfirmed_ago: timedelta | None = None,
    adult: bool = True,
) -> ConsentFacts:
    """A consent recorded ``ago`` before the base time (None: no grant time, e.g. declined or asked)."""
    return ConsentFacts(
        status=status,
        granted_at=None if ago is None else BASE - ago,
        reconfirmed_at=None if reconfirmed_ago is None else BASE - reconfirmed_ago,
        adult=adult,
    )


def facts(**over: object) -> Facts:
    """Default: a 광고 via Kakao Event API at 14:00 to an adult with a valid granted consent."""
    fields: dict[str, object] = {
        "klass": AD,
        "channel": "kakao",
        "route": "event_api",
        "now": BASE,
        "consent": consent(),
    }
    fields.update(over)
    return Facts(**fields)  # type: ignore[arg-type]


SEND = ("send", "")
NIGHT = ("wait", "night")


def supp(reason: str) -> tuple[str, str]:
    return ("suppress", reason)


def case(f: Facts, expected: tuple[str, str], id: str, rules: Rules | None = None):
    return pytest.param(f, rules or Rules(), *expected, id=id)


TABLE = [
    # --- consent (§2 prior opt-in, §5.2) ---
    case(facts(), SEND, "ad_consent_granted_sends"),
    case(facts(consent=None), supp("no_consent"), "ad_consent_never_recorded"),
    case(facts(consent=consent("withdrawn")), supp("withdrawn"), "ad_consent_withdrawn"),
    case(facts(consent=consent("declined", ago=None)), supp("declined"), "ad_consent_declined"),
    case(facts(consent=consent("asked", ago=None)), supp("no_consent"), "ad_consent_asked_no_answer"),
    # --- consent expiry: 2 years = 730 days from the later of granted_at / reconfirmed_at (§2, §5.2, §5.6) ---
    case(facts(consent=consent(ago=TWO_YEARS)), supp("expired"), "ad_consent_exactly_2_years_expired"),
    case(facts(consent=consent(ago=TWO_YEARS + timedelta(days=1))), supp("expired"), "ad_consent_2_years_1_day_expired"),
    case(facts(consent=consent(ago=TWO_YEARS - timedelta(minutes=1))), SEND, "ad_consent_just_under_2_years_sends"),
    case(
        facts(consent=ConsentFacts("granted", datetime(2024, 11, 8, 14, tzinfo=SEOUL), adult=True)),
        supp("expired"),
        "ad_consent_25_months_not_reconfirmed_expired",
    ),
    case(
        facts(
            consent=ConsentFacts(
                "granted",
                granted_at=datetime(2024, 11, 8, 14, tzinfo=SEOUL),  # 25 months before the base day
                reconfirmed_at=datetime(2026, 10, 8, 14, tzinfo=SEOUL),  # re-confirmed at 23 months
                adult=True,
            )
        ),
        SEND,
        "ad_consent_reconfirmed_at_23_months_valid_at_25",
    ),
    case(
        facts(consent=consent(ago=timedelta(days=1100), reconfirmed_ago=TWO_YEARS)),
        supp("expired"),
        "ad_consent_reconfirmed_exactly_2_years_ago_expired",
    ),
    case(
        facts(consent=consent(ago=timedelta(days=10), reconfirmed_ago=timedelta(days=800))),
        SEND,
        "ad_consent_later_of_granted_and_reconfirmed_counts",
    ),
    # --- age (§3 under 14, §5.2 confirmed 14 or older) ---
    case(facts(under14=True), supp("under14"), "ad_under14_true"),
    case(facts(under14=False), SEND, "ad_under14_false_adult_sends"),
    case(facts(under14=None), SEND, "ad_under14_unknown_adult_sends"),
    case(facts(consent=consent(adult=False)), supp("age_unknown"), "ad_adult_not_confirmed"),
    case(facts(under14=False, consent=consent(adult=False)), supp("age_unknown"), "ad_under14_false_but_adult_not_confirmed"),
    # --- hours: 09:00 <= t < 20:00 store time (§5.4) ---
    case(facts(now=at(8, 59)), NIGHT, "ad_0859_waits"),
    case(facts(now=at(9, 0)), SEND, "ad_0900_sends"),
    case(facts(now=at(19, 59)), SEND, "ad_1959_sends"),
    case(facts(now=at(19, 59, 59)), SEND, "ad_195959_sends"),
    case(facts(now=at(20, 0)), NIGHT, "ad_2000_waits"),
    case(facts(now=at(23, 30)), NIGHT, "ad_2330_waits"),
    case(facts(now=at(3, 0)), NIGHT, "ad_0300_waits"),
    case(facts(now=at(8, 30)), NIGHT, "ad_rules_start_8_does_not_widen_0830", Rules(start_hour=8)),
    case(facts(now=at(20, 30)), NIGHT, "ad_rules_end_21_does_not_widen_2030", Rules(end_hour=21)),
    case(facts(now=at(9, 0)), SEND, "ad_rules_8_to_21_still_sends_at_0900", Rules(start_hour=8, end_hour=21)),
    # --- 정보: no consent, any hour (§1, product rule) ---
    case(facts(klass=INFO, now=at(23, 30)), SEND, "info_2330_sends"),
    case(facts(klass=INFO, now=at(3, 0), consent=None), SEND, "info_0300_without_consent_sends"),
    case(facts(klass=INFO, consent=None), SEND, "info_daytime_without_consent_sends"),
    case(facts(klass=INFO, consent=consent("asked", ago=None)), SEND, "info_consent_asked_only_sends"),
    case(facts(klass=INFO, consent=consent("withdrawn")), SEND, "info_consent_withdrawn_sends"),
    case(facts(klass=INFO, under14=True, consent=consent(adult=False)), SEND, "info_under14_sends"),
    case(facts(klass=INFO, last_ad_at=BASE - timedelta(days=1)), SEND, "info_ignores_frequency_cap"),
    case(facts(klass=INFO, open_chat=True, complaint=True, visited_since=True), SEND, "info_ignores_open_chat_complaint_visited"),
    case(facts(klass=INFO, channel="naver", route="talktalk"), SEND, "info_talktalk_with_ads_off_sends"),
    case(facts(klass=INFO, route=""), supp("no_route"), "info_no_route"),
    case(facts(klass=INFO, already=True), supp("duplicate"), "info_already_sent"),
    # --- channels and routes (§4) ---
    case(facts(channel="kakao", route="event_api"), SEND, "kakao_event_api_sends"),
    case(facts(channel="kakao", route="friend_group"), SEND, "kakao_friend_group_sends"),
    case(facts(channel="kakao", route="copy"), SEND, "kakao_copy_sends"),
    case(facts(channel="kakao", route=""), supp("no_route"), "kakao_no_route"),
    case(facts(channel="kakao", route="friend_group", consent=None), supp("no_consent"), "kakao_friend_group_still_needs_consent"),
    case(facts(channel="naver", route="talktalk"), supp("ads_off"), "naver_talktalk_ads_off"),
    case(facts(channel="naver", route="talktalk"), SEND, "naver_talktalk_ads_on_sends", Rules(talktalk_ads=True)),
    case(facts(channel="naver", route="talktalk", now=at(20, 0)), NIGHT, "naver_talktalk_ads_on_2000_waits", Rules(talktalk_ads=True)),
    case(facts(channel="naver", route="copy"), SEND, "naver_copy_sends"),
    case(facts(channel="naver", route="copy", under14=True), supp("under14"), "naver_copy_under14_flag"),
    case(facts(channel="naver", route=""), supp("no_route"), "naver_no_route"),
    # --- frequency cap: strictly less than frequency_days × 24 h since the last 광고 (§5.7) ---
    case(facts(last_ad_at=BASE - timedelta(days=6, hours=23)), supp("frequency"), "freq_6d23h_suppressed"),
    case(facts(last_ad_at=BASE - timedelta(days=7)), SEND, "freq_exactly_7d_sends"),
    case(facts(last_ad_at=BASE - timedelta(days=10)), SEND, "freq_10d_sends"),
    case(facts(last_ad_at=BASE - timedelta(days=10)), supp("frequency"), "freq_14_rule_10d_suppressed", Rules(frequency_days=14)),
    case(facts(last_ad_at=BASE - timedelta(days=13, hours=23)), supp("frequency"), "freq_14_rule_13d23h_suppressed", Rules(frequency_days=14)),
    case(facts(last_ad_at=BASE - timedelta(days=14)), SEND, "freq_14_rule_exactly_14d_sends", Rules(frequency_days=14)),
    # --- other suppressions (§5.2 handoff / complaint, §5.7 duplicates) ---
    case(facts(open_chat=True), supp("open_chat"), "ad_open_chat"),
    case(facts(complaint=True), supp("complaint"), "ad_complaint"),
    case(facts(visited_since=True), supp("visited"), "ad_visited_since_trigger"),
    case(facts(already=True), supp("duplicate"), "ad_already_reached"),
    # --- precedence: already, no route, (정보 sends), ads_off, status, expiry, under14, age, open chat,
    #     complaint, visited, frequency, hours ---
    case(facts(already=True, route=""), supp("duplicate"), "prec_duplicate_before_no_route"),
    case(
        facts(already=True, consent=consent("withdrawn"), now=at(23, 30), last_ad_at=BASE - timedelta(days=1)),
        supp("duplicate"),
        "prec_duplicate_before_everything",
    ),
    case(facts(route="", consent=None, now=at(3, 0)), supp("no_route"), "prec_no_route_before_consent_and_night"),
    case(facts(channel="naver", route="talktalk", consent=None), supp("ads_off"), "prec_ads_off_before_no_consent"),
    case(facts(consent=consent("withdrawn", ago=timedelta(days=900))), supp("withdrawn"), "prec_withdrawn_before_expired"),
    case(facts(consent=consent("declined", ago=None), under14=True), supp("declined"), "prec_declined_before_under14"),
    case(facts(consent=consent(ago=TWO_YEARS), under14=True), supp("expired"), "prec_expired_before_under14"),
    case(facts(under14=True, consent=consent(adult=False)), supp("under14"), "prec_under14_before_age_unknown"),
    case(facts(consent=consent(adult=False), open_chat=True), supp("age_unknown"), "prec_age_unknown_before_open_chat"),
    case(facts(open_chat=True, complaint=True), supp("open_chat"), "prec_open_chat_before_complaint"),
    case(facts(complaint=True, visited_since=True), supp("complaint"), "prec_complaint_before_visited"),
    case(facts(visited_since=True, last_ad_at=BASE - timedelta(days=1)), supp("visited"), "prec_visited_before_frequency"),
    case(
        facts(now=at(23, 30), last_ad_at=at(23, 30) - timedelta(days=1)),
        supp("frequency"),
        "prec_frequency_before_night",
    ),
    case(facts(now=at(23, 30), consent=None), supp("no_consent"), "prec_no_consent_before_night"),
    case(facts(now=at(3, 0), under14=True), supp("under14"), "prec_under14_before_night"),
]


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 48
    ids = [p.id for p in TABLE]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("f", "rules", "outcome", "reason"), TABLE)
def test_gate_decision(f: Facts, rules: Rules, outcome: str, reason: str) -> None:
    assert decide(f, rules) == Decision(outcome, reason)
