"""The fake provider against the real openai and langchain-openai clients, so tests built on it test the real thing."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support.fake_llm import DEFAULT_TEXT, FakeLLM, reply

# The LLM extra is optional (pyproject's `llm`); without it these tests skip, and `-ra` says so.
openai = pytest.importorskip("openai")
ChatCompletionStreamState = pytest.importorskip("openai.lib.streaming.chat").ChatCompletionStreamState
langchain_openai = pytest.importorskip("langchain_openai")

USER = [{"role": "user", "content": "두 명 예약할게요"}]


def reserve(people: int, time: str) -> str:
    """Book a table for a number of people at a time like 19:00."""
    return "ok"


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def client(llm: FakeLLM) -> Any:
    # No retries: a scripted failure must surface once, not be retried into the next scripted step.
    return openai.OpenAI(base_url=llm.base_url, api_key="test", max_retries=0, timeout=5)


def test_plain_completion_through_the_openai_sdk(llm: FakeLLM, client: Any) -> None:
    llm.reply("네, 두 분 예약 도와드릴게요.", usage={"prompt_tokens": 30, "completion_tokens": 12})
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=USER)
    choice = completion.choices[0]
    assert (choice.message.content, choice.finish_reason, choice.message.tool_calls) == \
        ("네, 두 분 예약 도와드릴게요.", "stop", None)
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == \
        (30, 12, 42)
    assert completion.object == "chat.completion" and completion.model == "gpt-4o-mini"
    assert llm.pending == 0


def test_default_answer_when_the_script_runs_out(llm: FakeLLM, client: Any) -> None:
    llm.reply("첫 답")
    texts = [client.chat.completions.create(model="m", messages=USER).choices[0].message.content for _ in range(2)]
    llm.default = "바뀐 기본값"
    texts.append(client.chat.completions.create(model="m", messages=USER).choices[0].message.content)
    assert texts == ["첫 답", DEFAULT_TEXT, "바뀐 기본값"]
    # Rough default usage: about two characters a token.
    usage = client.chat.completions.create(model="m", messages=USER).usage
    assert usage.completion_tokens == len("바뀐 기본값") // 2 + 1
    assert usage.prompt_tokens > len("두 명 예약할게요") // 2 and usage.total_tokens == usage.prompt_tokens + 4


def test_streamed_text_arrives_in_pieces_and_ends_with_usage(llm: FakeLLM, client: Any) -> None:
    text = "영업시간은 오전 9시부터 오후 9시까지예요."
    llm.reply(text)
    chunks = list(client.chat.completions.create(model="m", messages=USER, stream=True,
                                                 stream_options={"include_usage": True}))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert "".join(pieces) == text and len(pieces) > 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text) // 2 + 1
    assert all(c.usage is None for c in chunks[:-1])


def test_stream_wire_format(llm: FakeLLM) -> None:
    llm.reply("안녕하세요")
    body = {"model": "m", "messages": USER, "stream": True}
    with httpx.stream("POST", f"{llm.base_url}/chat/completions", json=body) as response:
        lines = [line for line in response.iter_lines() if line]
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["transfer-encoding"] == "chunked"
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    first = json.loads(lines[0].removeprefix("data: "))
    assert first["object"] == "chat.completion.chunk" and "usage" not in first


def test_streamed_tool_calls_are_reassembled_by_the_sdk(llm: FakeLLM, client: Any) -> None:
    llm.tool_call("reserve", {"people": 2, "time": "19:00", "name": "김단골"}, ("menu", {}))
    state = ChatCompletionStreamState()
    raw = []
    for chunk in client.chat.completions.create(model="m", messages=USER, stream=True):
        raw.append(chunk)
        state.handle_chunk(chunk)
    final = state.get_final_completion().choices[0]
    assert final.finish_reason == "tool_calls" and final.message.content is None
    calls = [(c.id, c.type, c.function.name, json.loads(c.function.arguments)) for c in final.message.tool_calls]
    assert calls == [("call_fake1_0", "function", "reserve", {"people": 2, "time": "19:00", "name": "김단골"}),
                     ("call_fake1_1", "function", "menu", {})]
    # The arguments really came in pieces, each delta carrying its call's index.
    deltas = [d for c in raw if c.choices for d in c.choices[0].delta.tool_calls or []]
    assert len([d for d in deltas if d.index == 0 and d.function.arguments]) > 1
    assert [d.function.name for d in deltas if d.id] == ["reserve", "menu"]


def test_chat_openai_bind_tools_returns_tool_calls(llm: FakeLLM) -> None:
    llm.tool_call("reserve", {"people": 2, "time": "19:00"})
    model = langchain_openai.ChatOpenAI(model="gpt-4o-mini", base_url=llm.base_url, api_key="test", max_retries=0)
    message = model.bind_tools([reserve]).invoke("두 명 7시 예약")
    assert message.tool_calls == [{"name": "reserve", "args": {"people": 2, "time": "19:00"},
                                   "id": "call_fake1_0", "type": "tool_call"}]
    assert message.usage_metadata["total_tokens"] > 0
    tool = llm.requests[-1].body["tools"][0]
    assert tool["type"] == "function" and tool["function"]["name"] == "reserve"
    assert set(tool["function"]["parameters"]["properties"]) == {"people", "time"}


def test_chat_openai_stream_adds_up_tool_call_chunks(llm: FakeLLM) -> None:
    # With a custom base_url langchain leaves stream usage off unless asked: stream_usage=True.
    llm.tool_call("reserve", {"people": 3, "time": "18:30"})
    model = langchain_openai.ChatOpenAI(model="m", base_url=llm.base_url, api_key="test", max_retries=0,
                                        stream_usage=True)
    total = None
    for chunk in model.bind_tools([reserve]).stream("세 명"):
        total = chunk if total is None else total + chunk
    assert total is not None
    assert total.tool_calls == [{"name": "reserve", "args": {"people": 3, "time": "18:30"},
                                 "id": "call_fake1_0", "type": "tool_call"}]
    assert total.usage_metadata["output_tokens"] > 0
    assert llm.requests[-1].body["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(("status", "error_class", "code"), [
    (500, "InternalServerError", None),
    (429, "RateLimitError", "rate_limit_exceeded"),
    (401, "AuthenticationError", "invalid_api_key"),
    (429, "RateLimitError", "insufficient_quota"),
])
def test_error_status_raises_the_sdk_error(llm: FakeLLM, client: Any, status: int, error_class: str,
                                          code: str | None) -> None:
    llm.error(status, code=code)
    with pytest.raises(getattr(openai, error_class)) as caught:
        client.chat.completions.create(model="m", messages=USER)
    assert caught.value.status_code == status and caught.value.code == code
    assert caught.value.body["message"]


def test_retry_after_lets_the_sdk_retry_quickly(llm: FakeLLM) -> None:
    llm.error(429, "잠시 후 다시", retry_after_s=0.01).error(500, retry_after_s=0.01).reply("세 번째에 성공")
    retrying = openai.OpenAI(base_url=llm.base_url, api_key="test", max_retries=2)
    assert retrying.chat.completions.create(model="m", messages=USER).choices[0].message.content == "세 번째에 성공"
    assert [r.headers["x-stainless-retry-count"] for r in llm.requests] == ["0", "1", "2"]


def test_delay_longer_than_the_client_timeout_times_out(llm: FakeLLM) -> None:
    llm.reply("너무 늦은 답", delay_s=1.0).reply("제때 온 답", delay_s=0.05)
    impatient = openai.OpenAI(base_url=llm.base_url, api_key="test", max_retries=0, timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        impatient.chat.completions.create(model="m", messages=USER)
    assert time.perf_counter() - started < 0.9
    assert impatient.chat.completions.create(model="m", messages=USER).choices[0].message.content == "제때 온 답"
    # The SDK tells the server its read timeout; ChatOpenAI passes its `timeout` the same way.
    assert llm.requests[0].headers["x-stainless-read-timeout"] == "0.3"


def test_dropped_connection_and_broken_stream(llm: FakeLLM, client: Any) -> None:
    llm.drop()
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="m", messages=USER)
    llm.drop(after_chunks=2, text="주문하신 아메리카노는")
    received = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in client.chat.completions.create(model="m", messages=USER, stream=True):
            received.append(chunk.choices[0].delta.content)
    assert received == ["", "주문하신"]  # four characters a chunk


def test_embeddings_through_langchain_are_deterministic_and_similar_by_syllables(llm: FakeLLM) -> None:
    # check_embedding_ctx_length=False: otherwise langchain fetches a tiktoken file from the internet.
    embeddings = langchain_openai.OpenAIEmbeddings(model="text-embedding-3-small", base_url=llm.base_url,
                                                   api_key="test", check_embedding_ctx_length=False, max_retries=0)
    parking, parking_again, hours = embeddings.embed_documents(["주차 가능한가요?", "주차 되나요?", "영업시간 알려주세요"])
    assert len(parking) == 64 and math.isclose(sum(v * v for v in parking), 1.0, rel_tol=1e-5)
    assert embeddings.embed_query("주차 가능한가요?") == parking

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b))

    assert cosine(parking, parking_again) > cosine(parking, hours)
    small = langchain_openai.OpenAIEmbeddings(model="m", base_url=llm.base_url, api_key="test",
                                              check_embedding_ctx_length=False, dimensions=16)
    assert len(small.embed_query("주차")) == 16
    # The SDK asks for base64 unless told otherwise; the fake answers in kind.
    assert llm.requests[0].body["encoding_format"] == "base64"


def test_requests_are_recorded_with_headers_and_body(llm: FakeLLM) -> None:
    model = langchain_openai.ChatOpenAI(model="gpt-4o-mini", base_url=llm.base_url, api_key="sk-danggol",
                                        temperature=0.2, max_tokens=50, max_retries=0)
    model.invoke([("system", "당신은 카페 직원입니다."), ("user", "주차 되나요?")])
    path, headers, body = llm.requests[-1]
    assert path == "/v1/chat/completions" and headers["authorization"] == "Bearer sk-danggol"
    # langchain-openai sends max_tokens under its newer name.
    assert (body["model"], body["temperature"], body["max_completion_tokens"]) == ("gpt-4o-mini", 0.2, 50)
    assert body["messages"] == [{"role": "system", "content": "당신은 카페 직원입니다."},
                                {"role": "user", "content": "주차 되나요?"}]


def test_responder_sees_the_request_after_the_script(llm: FakeLLM, client: Any) -> None:
    llm.reply("대본이 먼저").respond_with(lambda body: "메아리: " + body["messages"][-1]["content"])
    answers = [client.chat.completions.create(model="m", messages=USER).choices[0].message.content for _ in range(2)]
    assert answers == ["대본이 먼저", "메아리: 두 명 예약할게요"]
    llm.respond_with(lambda body: 1 / 0)
    with pytest.raises(openai.InternalServerError, match="ZeroDivisionError"):
        client.chat.completions.create(model="m", messages=USER)


def test_concurrent_requests_are_served_in_parallel(llm: FakeLLM, client: Any) -> None:
    llm.respond_with(lambda body: reply(body["messages"][-1]["content"], delay_s=0.3))

    def ask(n: int) -> str:
        message = [{"role": "user", "content": f"질문 {n}"}]
        return str(client.chat.completions.create(model="m", messages=message).choices[0].message.content)

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers == [f"질문 {n}" for n in range(8)]
    assert time.perf_counter() - started < 0.9  # serially it would take 2.4 s
    assert len(llm.requests) == 8


def test_models_and_unknown_paths(llm: FakeLLM, client: Any) -> None:
    assert [m.id for m in client.models.list()] == ["gpt-4o-mini", "text-embedding-3-small"]
    with pytest.raises(openai.NotFoundError, match="Invalid URL"):
        client.responses.create(model="m", input="안녕")
    assert [r.path for r in llm.requests] == ["/v1/models", "/v1/responses"]


def test_close_ends_a_pending_delay_and_frees_the_port() -> None:
    llm = FakeLLM()
    llm.reply("오지 않을 답", delay_s=30)
    patient = openai.OpenAI(base_url=llm.base_url, api_key="test", max_retries=0, timeout=10)
    failures: list[Exception] = []

    def wait_for_answer() -> None:
        try:
            patient.chat.completions.create(model="m", messages=USER)
        except openai.APIConnectionError as exc:
            failures.append(exc)

    waiting = threading.Thread(target=wait_for_answer)
    waiting.start()
    while not llm.requests:
        time.sleep(0.01)
    started = time.perf_counter()
    llm.close()
    llm.close()
    waiting.join(timeout=2)
    assert time.perf_counter() - started < 0.5 and len(failures) == 1
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{llm.base_url}/models")
