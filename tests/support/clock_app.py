"""The real application with a clock the test controls (a file holding an ISO time), for
booking scenarios that depend on "now": lead time, days ahead, an abandoned flow expiring.

Run as `uvicorn tests.support.clock_app:app` with DANGGOL_TEST_CLOCK_FILE set.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from bot.server import create_app
from bot.settings import load_settings

CLOCK = Path(os.environ["DANGGOL_TEST_CLOCK_FILE"])


def clock() -> datetime:
    return datetime.fromisoformat(CLOCK.read_text().strip())


app = create_app(load_settings(), clock=clock)
