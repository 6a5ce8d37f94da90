"""The owner's workspace: edits to the knowledge files from the console, previewed, written,
recorded and restorable. The pages call this; it runs file work off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.db import Storage
from bot.kb import history
from bot.kb.edit import EditRefused, KnowledgeEditor, Plan
from bot.kb.errors import Problem
from bot.staff.deps import local_time
from bot.staff.preview import Preview, Previewer, recent_questions


class Workspace:
    def __init__(self, storage: Storage, kb: Any, editor: KnowledgeEditor, previewer: Previewer,
                 saved_tests: Callable[[], list[str]] | None = None):
        self.storage = storage
        self.kb = kb
        self.editor = editor
        self.previewer = previewer
        self.saved_tests = saved_tests or (lambda: [])

    async def plan(self, make: Callable[..., Plan], *args: Any) -> Plan:
        """A plan from one of the editor's `plan_*` methods (they read the files: off the loop)."""
        return await asyncio.to_thread(make, *args)

    async def preview(self, plan: Plan) -> Preview:
        """What the edit changes: the files' lines, and the answers that would differ. EditRefused when
        the edit would break the folder (nothing is written either way)."""
        def stage() -> tuple[Any, list[tuple[str, list[Any]]]]:
            with self.editor.staged(plan) as (_, knowledge):
                snapshot = self.kb.trial(knowledge)
            diffs = []
            for rel, data in plan.changes.items():
                path = self.editor.root / rel
                old = history.bytes_lines(rel, path.read_bytes() if path.is_file() else None)
                diffs.append((rel, history.diff_lines(old, history.bytes_lines(rel, data))))
            return snapshot, diffs

        snapshot, diffs = await asyncio.to_thread(stage)
        questions = [(q, "손님") for q in await self.storage.call(recent_questions, storage=self.storage)]
        questions += [(q, "테스트") for q in self.saved_tests() if q not in {x for x, _ in questions}]
        changed = await self.previewer.compare(snapshot, questions)
        return Preview(changed, len(questions), diffs, [str(w) for w in snapshot.knowledge.warnings])

    async def apply(self, plan: Plan, author: str) -> None:
        await asyncio.to_thread(self.editor.apply, plan, author)

    async def changes(self, before: int | None = None) -> list[history.Change]:
        return await self.storage.call(history.changes, storage=self.storage, before=before)

    async def version(self, version_id: int) -> Any:
        return await self.storage.call(history.version, storage=self.storage, version_id=version_id)

    async def restore_plan(self, version_id: int) -> Plan:
        """The plan that writes an earlier version of a file back (or deletes it, if it was deleted then)."""
        found = await self.version(version_id)
        if found is None:
            raise EditRefused([Problem("", None, "그 버전을 찾을 수 없어요.")])
        v, _ = found
        state = history.FileState(v.path, v.digest, v.content, v.encoding, v.newline)
        data = None if v.deleted else state.raw()
        when = local_time(v.created_at, self.kb.snapshot.knowledge.store.timezone)
        summary = f"{v.path}: {when} 버전(#{v.id})으로 되돌림"
        also: dict[str, bytes | None] = {}
        if v.path in ("menu.csv", "menu.xlsx") and data is not None:
            other = "menu.xlsx" if v.path == "menu.csv" else "menu.csv"
            if (Path(self.editor.root) / other).exists():
                also[other] = None  # one menu file at a time, as the loader requires
        return self.editor.plan_file(v.path, data, summary, restored_from=v.id, also=also)
