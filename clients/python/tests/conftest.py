"""The test servers: the repository's own server (``src/server/main.ts``) as a real process on a free port.

``SPANPATCH_TEST_URL`` names a server that is already running, used instead of starting one (the server with API
keys is always started here). Each test works in a project of its own, whose spans it sends over OTLP first.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from helpers import READ_KEY, WRITE_KEY, start_server, stop_server


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the server the tests use: SPANPATCH_TEST_URL when set, else one started for the session."""
    given = os.environ.get("SPANPATCH_TEST_URL", "").strip()
    if given:
        yield given.rstrip("/")
        return
    server = start_server(tmp_path_factory.mktemp("server"))
    try:
        yield server.url
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def keyed_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server that requires an API key: WRITE_KEY may write, READ_KEY only read."""
    server = start_server(
        tmp_path_factory.mktemp("keyed-server"),
        {"SPANPATCH_API_KEYS": f"tester:{WRITE_KEY},viewer:{READ_KEY}:read"},
    )
    try:
        yield server.url
    finally:
        stop_server(server)


@pytest.fixture(autouse=True)
def _no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test sees neither the developer's SPANPATCH_KEY nor their SPANPATCH_URL unless it sets them."""
    monkeypatch.delenv("SPANPATCH_KEY", raising=False)
    monkeypatch.delenv("SPANPATCH_URL", raising=False)
    monkeypatch.delenv("ARIZE_API_KEY", raising=False)
    monkeypatch.delenv("ARIZE_SPACE_ID", raising=False)


@pytest.fixture
def project() -> str:
    """A project name of the test's own."""
    return f"py-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def unused_url() -> str:
    """The address of a port on this machine where nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
