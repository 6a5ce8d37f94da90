"""The skills, in the order the engine asks them; the first that answers wins.

A literal list, so the routing order is read here and nowhere else. What is not text comes first
(a photo is never a failed question), then the answer to a consent question (only when one was
asked), then escalation (an angry customer is never answered
with an FAQ); the fallback last.
"""

from __future__ import annotations

from skills.base import Skill
from skills.consent import ConsentSkill
from skills.escalate import EscalateSkill
from skills.fallback import FallbackSkill
from skills.faq import FaqSkill
from skills.media import MediaSkill
from skills.menu import MenuSkill
from skills.recommend import RecommendSkill
from skills.reservation import ReservationSkill
from skills.smalltalk import SmalltalkSkill
from skills.stamp import StampSkill
from skills.store_info import StoreInfoSkill

SKILLS: tuple[Skill, ...] = (
    MediaSkill(),
    ConsentSkill(),
    EscalateSkill(),
    StampSkill(),
    SmalltalkSkill(),
    StoreInfoSkill(),
    ReservationSkill(),
    RecommendSkill(),
    MenuSkill(),
    FaqSkill(),
    FallbackSkill(),
)
