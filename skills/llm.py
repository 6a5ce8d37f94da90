"""Answers from a language model, grounded in the shop's records, with the skills as its tools.

Added to the engine only when `[llm]` configures a model (never imported otherwise). It runs
right after the escalation skill and always has the offline answer ready first: a model that
errs, is slow, is out of budget, or says something the records do not back (a price, a time,
a dish) is replaced by that offline answer. It is `slow`: a channel out of time asks the
engine again without it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot import metrics
from bot.kb.records import Knowledge
from bot.llm import prompt, references
from bot.llm.guard import Guard
from bot.llm.model import ChatModel, ModelUnavailable
from bot.llm.tools import Toolbox, schemas
from bot.messages import Reply, Source, Turn
from bot.settings import LLMSettings
from skills.base import Context, Skill, first_reply

log = logging.getLogger(__name__)
History = Callable[[Turn, int], Awaitable[list[tuple[str, str]]]]  # the last turns before this one: ("user"|"assistant", text)
MAX_ANSWER_S = 25.0
WORD = re.compile(r"[가-힣A-Za-z]{2,}|\d[\d,]*")


def english(text: str) -> bool:
    """A message written mostly in Latin letters: the answer, and the facts it cites, are in English."""
    return len(re.findall(r"[A-Za-z]", text)) > 2 * len(re.findall(r"[가-힣]", text))


class UsageMeter(Protocol):
    async def spent(self, month: str) -> int: ...
    async def add(self, month: str, tokens: int, fallback: bool) -> None: ...


@dataclass
class MemoryUsage:
    """Token use per month for a single process (the terminal); the server keeps it in the database."""

    months: dict[str, int] = field(default_factory=dict)

    async def spent(self, month: str) -> int:
        return self.months.get(month, 0)

    async def add(self, month: str, tokens: int, fallback: bool) -> None:
        self.months[month] = self.months.get(month, 0) + tokens


async def no_history(turn: Turn, limit: int) -> list[tuple[str, str]]:
    return []


class LlmSkill:
    name = "llm"
    description = "설정된 언어 모델이 가게 기록과 다른 기능(도구)을 써서 자연스럽게 답해요. 기록에 없는 사실은 말하지 않아요."
    slow = True

    def __init__(self, model: ChatModel, offline: tuple[Skill, ...], settings: LLMSettings,
                 history: History = no_history, usage: UsageMeter | None = None):
        self.model = model
        self.offline = tuple(s for s in offline if s.name != self.name)
        self.settings = settings
        self.history = history
        self.usage: UsageMeter = usage or MemoryUsage()
        self.mode = "ok"  # ok, circuit-open, budget-spent: shown in the staff console
        self._guards: dict[str, Guard] = {}

    async def _ask_offline(self, turn: Turn, ctx: Context) -> Reply:
        """The skills' own answer to the customer's turn: the engine's loop over the offline skills."""
        found = await first_reply(self.offline, turn, ctx)
        return found[0] if found else Reply("unknown", [])

    def _guard(self, k: Knowledge) -> Guard:
        if self._guards.get(k.fingerprint) is None:
            self._guards = {k.fingerprint: Guard(k, prompt.instruction_lines())}  # one snapshot at a time
        return self._guards[k.fingerprint]

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        offline = await self._ask_offline(turn, ctx)
        if offline.escalate or (ctx.awaiting and offline.awaiting == ctx.awaiting) or ctx.allergies_asked:
            return offline  # safety (allergies, handovers) and flows under way stay with the rule-based skills
        month = ctx.now.strftime("%Y-%m")
        budget = self.settings.monthly_token_budget
        if budget and await self.usage.spent(month) >= budget:
            self._set_mode("budget-spent")
            metrics.LLM_FALLBACKS.labels("budget").inc()
            await self.usage.add(month, 0, True)
            return offline
        try:
            # However many tool rounds, one message gets at most this long (TalkTalk gives up at 30 s).
            total = min(self.settings.timeout_s * self.settings.max_tool_rounds, MAX_ANSWER_S)
            reply = await asyncio.wait_for(self._model_answer(turn, ctx, offline, month), timeout=total)
        except TimeoutError:
            log.warning("llm: no answer within %.0f s over the tool rounds; offline answer sent", total)
            await self.usage.add(month, 0, True)
            return offline
        except ModelUnavailable:
            self._set_mode("ok" if self.model.breaker.state == "closed" else "circuit-open")
            metrics.LLM_FALLBACKS.labels("unavailable" if self.model.breaker.state == "closed" else "circuit").inc()
            await self.usage.add(month, 0, True)
            return offline
        self._set_mode("ok")
        return reply

    def _set_mode(self, mode: str) -> None:
        if mode != self.mode:
            log.warning("llm: mode %s -> %s", self.mode, mode)
        self.mode = mode

    async def _model_answer(self, turn: Turn, ctx: Context, offline: Reply, month: str) -> Reply:
        k = ctx.knowledge
        knowledge = prompt.knowledge_block(k, ctx.faq_hits, [m.item for m in ctx.mentions], ctx.now.date())
        history = await self.history(turn, self.settings.memory_turns) if self.settings.memory_turns else []
        messages: list[dict] = prompt.messages(k.store.name, ctx.now, knowledge, history, turn.text)  # type: ignore[type-arg]
        tools = Toolbox(ctx, {s.name: s for s in self.offline})
        sources: list[Source] = []
        text = ""
        for _ in range(self.settings.max_tool_rounds):
            if self.model.breaker.state != "open":  # an open circuit refuses without calling: not a call
                metrics.LLM_CALLS.inc()  # counted when tried: a failed call shows up again as a fallback
            answer = await self.model.complete(messages, schemas())
            metrics.LLM_TOKENS.inc(answer.tokens)
            await self.usage.add(month, answer.tokens, False)
            if not answer.tool_calls:
                text = answer.text
                break
            messages.append({"role": "assistant", "content": answer.text, "tool_calls": answer.tool_calls})
            for call in answer.tool_calls:
                outcome = await tools.run(call.name, call.args)
                if outcome.final is not None:
                    log.info("llm: %s chose %s", turn.user_key[-6:], call.name)
                    return outcome.final  # a flow started, a recommendation or a handover: the skill's own words
                messages.append({"role": "tool", "tool_call_id": call.id, "content": outcome.content})
                sources += outcome.sources
        if not text:
            log.warning("llm: still calling tools after %d rounds; offline answer sent", self.settings.max_tool_rounds)
            raise ModelUnavailable("no answer after the tool rounds")
        problems: tuple[str, ...]
        try:
            rendered = references.Renderer(k, ctx.now.date(), tools.facts, english=english(turn.text)).render(text)
        except references.Unfillable as e:
            problems = (str(e),)
        else:
            problems = self._guard(k).check(text, turn.text, rendered.refs, lambda t: [m.item for m in ctx.kb.menu.find(t)],
                                            ctx.now.date()).problems
        if problems:
            log.warning("llm: answer refused (%s); offline answer sent instead", "; ".join(problems))
            metrics.LLM_FALLBACKS.labels("ungrounded").inc()
            await self.usage.add(month, 0, True)
            return offline
        cited = [Source(kind, id_) for kind, id_ in rendered.sources]  # type: ignore[arg-type]
        return Reply(offline.intent if offline.intent != "unknown" else "faq", [rendered.text],
                     sources=_unique([*cited, *sources, *self._cited(rendered.text, ctx)]), quick_replies=offline.quick_replies)

    @staticmethod
    def _cited(text: str, ctx: Context) -> list[Source]:
        """The records an answer drew on: FAQ entries it shares words with, items it names."""
        words = set(WORD.findall(text))
        faqs = {f.id: f for f in ctx.knowledge.faqs}
        out = [Source("faq", h.id) for h in ctx.faq_hits[:4]
               if h.id in faqs and len(words & set(WORD.findall(faqs[h.id].answer))) >= 2]
        squeezed = text.replace(" ", "")
        out += [Source("menu", i.name) for i in ctx.knowledge.menu if i.name.replace(" ", "") in squeezed]
        return out


def _unique(sources: list[Source]) -> list[Source]:
    return list(dict.fromkeys(sources))
