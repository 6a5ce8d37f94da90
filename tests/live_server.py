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

import httpx

from tests.conftest import ROOT, database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(knowledge: Path, tmp: Path, app: str | None = None, **env: str) -> Iterator[tuple[str, subprocess.Popen[str], float]]:
    """Start the server (or uvicorn on `app`), wait until /healthz answers; yields (base url, process, seconds to ready)."""
    port = free_port()
    environ = {
        **os.environ,
        "DANGGOL_STORE__KNOWLEDGE_DIR": str(knowledge),
        "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index"),
        "DANGGOL_DATABASE__URL": database_url(tmp),  # read it back with database_url(tmp)
        "DANGGOL_SERVER__PORT": str(port),
        **env,
    }
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below, after the process ends
    t0 = time.perf_counter()
    command = [sys.executable, "-m", "bot", "serve"] if app is None else \
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
    proc = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {(tmp / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError((tmp / "server.log").read_text()[-3000:])
            time.sleep(0.05)
        yield base, proc, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
