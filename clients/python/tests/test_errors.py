"""What a notebook user sees when the call cannot be made: an unknown project, a missing, wrong or read-only key,
an unreachable server. Each is an exception of the SpanpatchError family that names the server and what to do."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import READ_KEY, WRITE_KEY, ingest, span_id, stored_metadata

from spanpatch import (
    AuthenticationError,
    Client,
    ProjectNotFoundError,
    RequestRejectedError,
    ServerUnreachableError,
    SpanpatchError,
)

FRAME = pd.DataFrame({"context.span_id": [span_id(1)], "attributes.metadata.tag": ["x"]})


def test_a_project_that_does_not_exist(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    with pytest.raises(ProjectNotFoundError) as raised:
        Client(url=server_url).log_metadata(dataframe=FRAME, project_name="no-such-project")
    error = raised.value
    assert isinstance(error, SpanpatchError) and isinstance(error, LookupError)
    assert (error.server, error.status, error.code) == (server_url, 404, "project_not_found")
    assert str(error).startswith(
        f"Sending the metadata failed: the Spanpatch server at {server_url} has no project named 'no-such-project' "
        "(its projects: "
    )
    assert project in str(error)
    assert str(error).endswith(
        "Check project_name; a project appears on the server when its spans are sent to it (OTLP)."
    )
    assert error.response is None


def test_a_missing_key(keyed_server_url: str) -> None:
    with pytest.raises(AuthenticationError) as raised:
        Client(url=keyed_server_url).log_metadata(dataframe=FRAME, project_name="any")
    assert str(raised.value) == (
        f"Sending the metadata failed: the Spanpatch server at {keyed_server_url} needs an API key (This server "
        "requires an API key: send the header Authorization: Bearer <key>). Pass api_key= to Client, or set "
        "SPANPATCH_KEY."
    )


def test_a_wrong_key(keyed_server_url: str) -> None:
    with pytest.raises(AuthenticationError) as raised:
        Client(api_key="not-the-key", url=keyed_server_url).log_metadata(dataframe=FRAME, project_name="any")
    assert raised.value.status == 403
    assert str(raised.value) == (
        f"Sending the metadata failed: the Spanpatch server at {keyed_server_url} refused the API key (The API key "
        "is not valid for this server). Check the key passed as api_key= to Client (or in SPANPATCH_KEY)."
    )
    assert "not-the-key" not in str(raised.value)
    assert "not-the-key" not in repr(Client(api_key="not-the-key", url=keyed_server_url))


def test_the_key_from_spanpatch_key_and_a_read_only_one(
    keyed_server_url: str, project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Authorization": f"Bearer {WRITE_KEY}"}
    ingest(keyed_server_url, project, [span_id(1)], headers=headers)
    monkeypatch.setenv("SPANPATCH_KEY", WRITE_KEY)
    # The SDK's own call: the Arize key is None here, so the key comes from SPANPATCH_KEY.
    response = Client(space_id="space", api_key=None, url=keyed_server_url).log_metadata(
        dataframe=FRAME, project_name=project
    )
    assert response.spans_updated == 1
    with pytest.raises(AuthenticationError, match="is read-only: it cannot change spans"):
        Client(api_key=READ_KEY, url=keyed_server_url).log_metadata(dataframe=FRAME, project_name=project)
    frame = Client(api_key=READ_KEY, url=keyed_server_url).get_spans(project)
    assert list(frame["attributes.metadata.tag"]) == ["x"]
    assert stored_metadata(keyed_server_url, project, [span_id(1)], headers)[span_id(1)] == {"tag": "x"}


def test_an_unreachable_server(unused_url: str) -> None:
    client = Client(url=unused_url, retry_base_delay=0.01)
    with pytest.raises(ServerUnreachableError) as raised:
        client.log_metadata(dataframe=FRAME, project_name="any")
    error = raised.value
    assert isinstance(error, ConnectionError)
    assert str(error) == (
        f"Sending the metadata failed: could not reach the Spanpatch server at {unused_url}: Could not reach the "
        "server: Connection refused (after 4 attempts). Is it running there? Start one with `npx spanpatch serve`, "
        "or pass url= to Client (or set SPANPATCH_URL) to where it runs."
    )
    assert error.response is not None and error.response.spans_failed == 1
    with pytest.raises(
        ServerUnreachableError, match=f"^Finding spans failed: could not reach the Spanpatch server at {unused_url}"
    ):
        client.get_spans("any")


def test_the_server_address_comes_from_url_then_spanpatch_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Client().url == "http://127.0.0.1:8787"
    monkeypatch.setenv("SPANPATCH_URL", "http://spans.example:9000/")
    assert Client().url == "http://spans.example:9000"
    assert Client(url="https://other.example").url == "https://other.example"
    with pytest.raises(ValueError, match="is not an http:// or https:// address"):
        Client(url="spans.example:9000")


def test_a_malformed_filter_names_the_field(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    with pytest.raises(RequestRejectedError, match='unknown field "txt"'):
        Client(url=server_url).get_spans(project, filter={"txt": "chat"})
