"""An OpenAI-compatible provider on 127.0.0.1 that each test scripts step by step.

Faking the provider at the wire, not the SDK, keeps the real `openai` and
`langchain_openai` clients (their retries, timeouts and stream parsing) in the
tested path, and no test needs a network beyond the loopback.

    with FakeLLM() as llm:
        llm.tool_call("reserve", {"people": 2}).reply("예약했어요.")
        client = openai.OpenAI(base_url=llm.base_url, api_key="test", max_retries=0)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import math
import socket
import socketserver
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Concatenate, NamedTuple, ParamSpec, cast

DEFAULT_TEXT = "기본 응답이에요."
Json = Any

# The bodies the real API sends for these statuses, so client code meets the shapes it will see.
ERROR_KINDS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Request not allowed."),
    404: ("invalid_request_error", None, "The model does not exist or you do not have access to it."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


class Request(NamedTuple):
    """One request as received; a tuple so a test can unpack (path, headers, body)."""

    path: str
    headers: dict[str, str]  # names lower-cased: HTTP names are case-insensitive
    body: Json  # parsed JSON; None for a GET


@dataclass(frozen=True)
class ToolCall:
    """A function call the fake model makes; a str `arguments` is sent as is, to test malformed JSON."""

    name: str
    arguments: Mapping[str, Any] | str

    def arguments_json(self) -> str:
        """Korean stays unescaped because that is how the model writes it."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)


@dataclass(frozen=True)
class Step:
    """One scripted answer; build it with reply(), tool_call(), error() or drop()."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    status: int = 200
    error_message: str | None = None
    error_code: str | None = None
    retry_after_s: float | None = None
    drop_after_chunks: int | None = None
    delay_s: float = 0.0
    usage: Mapping[str, int] | None = None


def reply(text: str, *, delay_s: float = 0.0, usage: Mapping[str, int] | None = None,
          finish_reason: str = "stop") -> Step:
    """finish_reason="length" imitates an answer cut off by max_tokens."""
    return Step(text=text, delay_s=delay_s, usage=usage, finish_reason=finish_reason)


def tool_call(name: str, args: Mapping[str, Any] | str, *more: tuple[str, Mapping[str, Any] | str],
              text: str | None = None, delay_s: float = 0.0, usage: Mapping[str, int] | None = None) -> Step:
    """Each of `more` is another (name, args) call in the same answer, as parallel tool calls arrive."""
    calls = tuple(ToolCall(n, a) for n, a in ((name, args), *more))
    return Step(text=text, tool_calls=calls, finish_reason="tool_calls", delay_s=delay_s, usage=usage)


def error(status: int, message: str | None = None, *, code: str | None = None, retry_after_s: float | None = None,
          delay_s: float = 0.0) -> Step:
    """retry_after_s sets the headers the openai SDK waits by (0 < s <= 120) instead of its own backoff.

    `code` tells apart what one status mixes, e.g. 429 "insufficient_quota" (do not retry) from the default
    "rate_limit_exceeded".
    """
    return Step(status=status, error_message=message, error_code=code, retry_after_s=retry_after_s, delay_s=delay_s)


def drop(*, after_chunks: int = 0, text: str = "", delay_s: float = 0.0) -> Step:
    """after_chunks > 0 breaks a stream of `text` midway, never reaching [DONE]; a non-streaming request gets nothing."""
    return Step(text=text, drop_after_chunks=after_chunks, delay_s=delay_s)


Responder = Callable[[Json], Step | str]
P = ParamSpec("P")


def _queued(build: Callable[P, Step]) -> Callable[Concatenate[FakeLLM, P], FakeLLM]:
    """One signature per step kind, kept by the type checker for both spellings."""

    def method(self: FakeLLM, /, *args: P.args, **kwargs: P.kwargs) -> FakeLLM:
        return self.script(build(*args, **kwargs))

    method.__name__ = build.__name__
    method.__doc__ = f"Queues {build.__name__}(); returns self so steps chain."
    return method


class FakeLLM:
    """Serves /v1/chat/completions, /v1/embeddings and /v1/models on a free loopback port from construction on.

    Each chat completion takes the next scripted step; with none left it asks
    the responder (if set), else answers with `default`. Embeddings are never
    scripted: they are a hashed bag of character bigrams, so equal strings get
    equal vectors and strings sharing syllables get similar ones.
    """

    def __init__(self, *, default: Step | str = DEFAULT_TEXT, embedding_dim: int = 64,
                 models: tuple[str, ...] = ("gpt-4o-mini", "text-embedding-3-small"), chunk_chars: int = 4) -> None:
        self.default = default
        self.embedding_dim = embedding_dim
        self.models = models
        self.chunk_chars = chunk_chars
        self._lock = threading.Lock()
        self._script: deque[Step] = deque()
        self._responder: Responder | None = None
        self._requests: list[Request] = []
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._ids = itertools.count(1)
        self._closing = threading.Event()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-llm", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """What a client takes as base_url: OpenAI's SDKs append /chat/completions to it."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FakeLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def script(self, *steps: Step | str) -> FakeLLM:
        """A str is a plain reply; returns self so steps chain."""
        with self._lock:
            self._script.extend(reply(s) if isinstance(s, str) else s for s in steps)
        return self

    # The module-level step builders, queued: llm.reply("...") is llm.script(reply("...")).
    reply = _queued(reply)
    tool_call = _queued(tool_call)
    error = _queued(error)
    drop = _queued(drop)

    def respond_with(self, responder: Responder | None) -> FakeLLM:
        """For answers that depend on the prompt; scripted steps still go first, None removes it."""
        with self._lock:
            self._responder = responder
        return self

    @property
    def requests(self) -> list[Request]:
        """A snapshot, so a test can iterate while late requests still arrive."""
        with self._lock:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """Scripted steps not yet consumed: a test can assert its script was used up."""
        with self._lock:
            return len(self._script)

    def close(self) -> None:
        """Ends delays and idle keep-alive connections first, so closing never waits on a client."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections.items())
        for sock, _ in connections:
            _abort(sock)
        for _, thread in connections:
            thread.join(timeout=2)
        self._server.server_close()
        self._thread.join(timeout=2)

    # Called from the handler threads.

    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, sock: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections[sock] = threading.current_thread()
            else:
                self._connections.pop(sock, None)

    def _next_step(self, body: Json) -> Step:
        with self._lock:
            if self._script:
                return self._script.popleft()
            responder, default = self._responder, self.default
        # Outside the lock: a responder may be slow or may script further steps itself.
        step = responder(body) if responder is not None else default
        return reply(step) if isinstance(step, str) else step

    def _next_id(self) -> int:
        with self._lock:
            return next(self._ids)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # close() ends the handler threads itself, with a bounded wait

    def __init__(self, fake: FakeLLM) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer's own server_bind looks up the host's FQDN, a reverse DNS query we neither need nor allow.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 for keep-alive and chunked streams, as the real API and httpx's pool expect.
    protocol_version = "HTTP/1.1"
    timeout = 30  # a client that never sends its request cannot pin a thread for the whole run

    @property
    def fake(self) -> FakeLLM:
        return cast(_Server, self.server).fake

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, True)

    def finish(self) -> None:
        self.fake._track(self.connection, False)
        with contextlib.suppress(OSError):  # the client left first, e.g. after its own timeout
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: pytest shows test output, not one access-log line per request."""

    def do_GET(self) -> None:
        self.fake._record(Request(self.path, self._headers(), None))
        self._answer(self._get)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.fake._record(Request(self.path, self._headers(), body))
        self._answer(lambda: self._post(body))

    def _answer(self, route: Callable[[], None]) -> None:
        try:
            route()
        except OSError:
            self.close_connection = True  # the client left first, e.g. after its own timeout

    def _get(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "danggol-tests"} for m in self.fake.models]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_error(error(404, f"Invalid URL (GET {self.path})"))

    def _post(self, body: Json) -> None:
        if not isinstance(body, dict):
            self._send_error(error(400, "We could not parse the JSON body of your request."))
        elif self.path == "/v1/chat/completions":
            self._chat(body)
        elif self.path == "/v1/embeddings":
            self._send_json(200, self._embeddings(body))
        else:
            self._send_error(error(404, f"Invalid URL (POST {self.path})"))

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _chat(self, body: dict[str, Any]) -> None:
        try:
            step = self.fake._next_step(body)
        except Exception as exc:  # a broken responder shows up in the test as the SDK's 500
            step = error(500, f"fake responder failed: {exc!r}")
        if step.delay_s and self.fake._closing.wait(step.delay_s):
            return self._drop()
        if step.drop_after_chunks is not None and not (body.get("stream") and step.drop_after_chunks):
            return self._drop()
        if step.status != 200:
            return self._send_error(step)
        number = self.fake._next_id()
        calls = [{"id": f"call_fake{number}_{i}", "type": "function",
                  "function": {"name": c.name, "arguments": c.arguments_json()}}
                 for i, c in enumerate(step.tool_calls)]
        usage = _usage(step, body)
        head = {"id": f"chatcmpl-fake{number}", "created": int(time.time()), "model": body.get("model", ""),
                "service_tier": "default", "system_fingerprint": "fp_fake"}
        if body.get("stream"):
            return self._stream(step, body, head, calls, usage)
        message: dict[str, Any] = {"role": "assistant", "content": step.text, "refusal": None, "annotations": []}
        if calls:
            message["tool_calls"] = calls
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": step.finish_reason}
        self._send_json(200, {**head, "object": "chat.completion", "choices": [choice], "usage": usage})

    def _stream(self, step: Step, body: dict[str, Any], head: dict[str, Any], calls: list[dict[str, Any]],
                usage: dict[str, Any]) -> None:
        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            extra = {"usage": None} if with_usage else {}
            return {**head, "object": "chat.completion.chunk", "choices": [choice], **extra}

        size = max(1, self.fake.chunk_chars)
        events = [chunk({"role": "assistant", "content": "" if step.text or not calls else None, "refusal": None})]
        events += [chunk({"content": piece}) for piece in _pieces(step.text or "", size)]
        for i, call in enumerate(calls):
            # The first delta of a call names it; the arguments follow in pieces, as the real API streams them.
            fn = call["function"]
            events.append(chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                                 "function": {"name": fn["name"], "arguments": ""}}]}))
            events += [chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
                       for piece in _pieces(fn["arguments"], size)]
        events.append(chunk({}, step.finish_reason))
        if with_usage:
            events.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", head["id"])
        self.end_headers()
        if step.drop_after_chunks is not None:
            events = events[:step.drop_after_chunks]
        for event in events:
            self._write_chunk(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        if step.drop_after_chunks is not None:
            return self._drop()  # no [DONE] and no terminating chunk: the client sees a broken stream
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = body.get("input")
        # One input may be a string or a token list; several are a list of either.
        items = [raw] if isinstance(raw, str) or (raw and isinstance(raw[0], int)) else list(raw or [])
        dim = int(body.get("dimensions") or self.fake.embedding_dim)
        data = []
        for index, item in enumerate(items):
            vector = _embed(item, dim)
            value: Any = vector
            if body.get("encoding_format") == "base64":  # the openai SDK asks for this by default
                value = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": value})
        tokens = sum(len(item) // 2 + 1 for item in items)
        return {"object": "list", "data": data, "model": body.get("model", ""),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

    def _send_json(self, status: int, payload: Json, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, step: Step) -> None:
        kind, code, message = ERROR_KINDS.get(step.status, ("api_error", None, "Error."))
        headers = {}
        if step.retry_after_s is not None:
            headers = {"retry-after-ms": str(int(step.retry_after_s * 1000)),
                       "retry-after": str(math.ceil(step.retry_after_s))}
        body = {"error": {"message": step.error_message or message, "type": kind, "param": None,
                          "code": step.error_code or code}}
        self._send_json(step.status, body, headers)

    def _drop(self) -> None:
        self.close_connection = True
        _abort(self.connection)


def _abort(sock: socket.socket) -> None:
    """Shut down rather than close: the handler thread still owns the socket object."""
    with contextlib.suppress(OSError):  # already gone
        sock.shutdown(socket.SHUT_RDWR)


def _pieces(text: str, size: int) -> Iterator[str]:
    return (text[i:i + size] for i in range(0, len(text), size))


def _text_length(value: Json) -> int:
    """Characters of all strings in a messages structure: a rough stand-in for a tokenizer."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_length(v) for v in value.values())
    if isinstance(value, list):
        return sum(_text_length(v) for v in value)
    return 0


def _usage(step: Step, body: dict[str, Any]) -> dict[str, Any]:
    # Korean runs near two characters a token on OpenAI's tokenizers: close enough for budget tests.
    prompt = _text_length(body.get("messages")) // 2 + 1
    written = len(step.text or "") + sum(len(c.name) + len(c.arguments_json()) for c in step.tool_calls)
    completion = written // 2 + 1
    given = dict(step.usage or {})
    prompt = given.get("prompt_tokens", prompt)
    completion = given.get("completion_tokens", completion)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": given.get("total_tokens", prompt + completion),
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}


def _embed(item: str | list[int], dim: int) -> list[float]:
    """Bigrams rather than a whole-string hash, so retrieval tests can rank by shared syllables."""
    if isinstance(item, str):
        text = " ".join(item.lower().split())
        features = [text[i:i + 2] for i in range(max(1, len(text) - 1))] if text else []
    else:
        features = [str(token) for token in item]
    vector = [0.0] * dim
    for feature in features:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        bucket = int.from_bytes(digest[:4], "little") % dim
        vector[bucket] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        return [1.0] + [0.0] * (dim - 1)  # cosine similarity needs a non-zero vector
    return [v / norm for v in vector]
