"""A real `danggol serve` process on 127.0.0.1 for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx

from tests.conftest import ROOT, database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BIND_TAKEN = "address already in use"


@contextlib.contextmanager
def live_server(knowledge: Path, tmp: Path, app: str | None = None, **env: str) -> Iterator[tuple[str, subprocess.Popen[str], float]]:
    """Start the server (or uvicorn on `app`), wait until /healthz answers; yields (base url, process, seconds to ready).

    A port chosen free can be taken by another test worker before the server binds it (two xdist workers, or an
    outgoing connection given the same ephemeral port); that start is retried on a new port, a few times, and
    any other exit is an error at once.
    """
    for attempt in range(5):
        port = free_port()
        log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below, after the process ends
        t0 = time.perf_counter()
        proc = _start(knowledge, tmp, app, port, log, env)
        base = f"http://127.0.0.1:{port}"
        try:
            if not _ready(base, proc, tmp):
                if attempt == 4:
                    raise RuntimeError(f"no free port after five tries: {(tmp / 'server.log').read_text()[-3000:]}")
                continue
            yield base, proc, time.perf_counter() - t0
            return
        finally:
            _stop(proc)
            log.close()


def _start(knowledge: Path, tmp: Path, app: str | None, port: int, log: IO[str], env: dict[str, str]) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "DANGGOL_STORE__KNOWLEDGE_DIR": str(knowledge),
        "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index"),
        "DANGGOL_DATABASE__URL": database_url(tmp),  # read it back with database_url(tmp)
        "DANGGOL_SERVER__PORT": str(port),
        **env,
    }
    command = [sys.executable, "-m", "bot", "serve"] if app is None else \
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
    return subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT, text=True)


def _ready(base: str, proc: subprocess.Popen[str], tmp: Path) -> bool:
    """True once /healthz answers; False if the port was taken under us; raises on any other failure."""
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            log = (tmp / "server.log").read_text()
            if BIND_TAKEN in log:
                return False
            raise RuntimeError(f"server exited with {proc.returncode}: {log[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200 and proc.poll() is None:
                return True
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError((tmp / "server.log").read_text()[-3000:])
        time.sleep(0.05)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
