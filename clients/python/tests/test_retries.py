"""Retries (SPEC §7): a server that fails, then answers; a batch that never gets through; an attempt's timeout."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pandas as pd
import pytest
from helpers import FlakyProxy, ingest, span_id, stored_metadata, submission_record

from spanpatch import Client, ServerError, ServerUnreachableError


@pytest.fixture
def proxies(server_url: str) -> Iterator[list[FlakyProxy]]:
    made: list[FlakyProxy] = []
    yield made
    for proxy in made:
        proxy.close()


def test_a_server_that_fails_twice_then_answers_applies_the_batch_once(
    server_url: str, project: str, proxies: list[FlakyProxy], caplog: pytest.LogCaptureFixture
) -> None:
    ids = [span_id(n) for n in range(1, 4)]
    ingest(server_url, project, ids)
    # The first attempt reaches the server, which applies it, but its answer is lost; the second is refused (503).
    proxy = FlakyProxy(server_url, ["apply-then-drop", "503", "forward"])
    proxies.append(proxy)
    frame = pd.DataFrame({"context.span_id": ids, "attributes.metadata.tag": ["a", "b", "c"]})
    caplog.set_level(logging.INFO, logger="spanpatch")
    client = Client(url=proxy.url, retry_base_delay=0.01)
    response = client.log_metadata(dataframe=frame, project_name=project, verbose=True)

    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (3, 3, 0)
    assert [request.action for request in proxy.requests] == ["apply-then-drop", "503", "forward"]
    assert len({request.idempotency_key for request in proxy.requests}) == 1
    assert len({request.body for request in proxy.requests}) == 1
    assert proxy.requests[-1].replayed, "the third attempt is answered with the first one's result"
    record = submission_record(server_url, str(response.submission_id))
    assert (record["batches"], record["spans_updated"], len(record["changes"])) == (1, 3, 3)
    assert stored_metadata(server_url, project, ids) == {
        ids[0]: {"tag": "a"},
        ids[1]: {"tag": "b"},
        ids[2]: {"tag": "c"},
    }
    retries = [message for message in caplog.messages if "retrying in" in message]
    assert len(retries) == 2
    assert retries[0].startswith("batch 1/1: Could not reach the server: ")
    assert retries[1].startswith("batch 1/1: the proxy answers 503; retrying in 0 ms (attempt 3 of 4)")


def test_retry_after_is_honoured(
    server_url: str, project: str, proxies: list[FlakyProxy], caplog: pytest.LogCaptureFixture
) -> None:
    ingest(server_url, project, [span_id(1)])
    proxy = FlakyProxy(server_url, ["429"], retry_after="1")
    proxies.append(proxy)
    caplog.set_level(logging.INFO, logger="spanpatch")
    response = Client(url=proxy.url, retry_base_delay=0.01).log_metadata(
        dataframe=pd.DataFrame({"context.span_id": [span_id(1)], "attributes.metadata.x": [1]}),
        project_name=project,
        verbose=True,
    )
    assert response.spans_updated == 1
    assert any("the proxy answers 429; retrying in 1 s (attempt 2 of 4)" in message for message in caplog.messages)


def test_a_batch_that_never_gets_through_fails_with_connection_failure_and_the_rest_apply(
    server_url: str, project: str, proxies: list[FlakyProxy]
) -> None:
    ids = [span_id(n) for n in range(1, 5_002)]
    ingest(server_url, project, ids)
    proxy = FlakyProxy(server_url, fail_span=ids[-1])
    proxies.append(proxy)
    frame = pd.DataFrame({"context.span_id": ids, "attributes.metadata.x": 1})
    response = Client(url=proxy.url, retry_base_delay=0.01).log_metadata(dataframe=frame, project_name=project)
    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (5_001, 5_000, 1)
    assert response.errors == [
        {"span_id": ids[-1], "error_message": "[connection_failure] the proxy answers 503 (after 4 attempts)"}
    ]
    assert submission_record(server_url, str(response.submission_id))["batches"] == 1


def test_when_no_batch_gets_through_it_raises_saying_so(
    server_url: str, project: str, proxies: list[FlakyProxy]
) -> None:
    ingest(server_url, project, [span_id(1)])
    proxy = FlakyProxy(server_url, ["503"] * 4)
    proxies.append(proxy)
    with pytest.raises(ServerError) as raised:
        Client(url=proxy.url, retry_base_delay=0.01).log_metadata(
            dataframe=pd.DataFrame({"context.span_id": [span_id(1)], "attributes.metadata.x": [1]}),
            project_name=project,
        )
    assert str(raised.value) == (
        f"Sending the metadata failed: the Spanpatch server at {proxy.url} answered 503: the proxy answers 503 "
        "(after 4 attempts)."
    )
    assert raised.value.response is not None
    assert raised.value.response.errors[0].error_type == "connection_failure"
    assert len(proxy.requests) == 4


def test_each_attempt_has_a_timeout() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        # A server that takes connections (the kernel does, to its backlog) and never answers.
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = Client(url=url, timeout=0.3, max_retries=1, retry_base_delay=0.01)
        with pytest.raises(ServerUnreachableError) as raised:
            client.log_metadata(
                dataframe=pd.DataFrame({"context.span_id": ["a"], "attributes.metadata.x": [1]}), project_name="p"
            )
    assert (
        f"could not reach the Spanpatch server at {url}: No answer from the server within 300 ms (after 2 attempts)"
        in str(raised.value)
    )
