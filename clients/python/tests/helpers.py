"""What the tests share: starting the repository's server, storing spans, reading what the server holds.

These read the server with plain HTTP requests, never with the client under test.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[3]
WRITE_KEY = "pytest-write-key"
READ_KEY = "pytest-read-key"


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[str] | None
    errors: list[str]


def start_server(folder: Path, extra_env: dict[str, str] | None = None) -> RunningServer:
    """Starts ``src/server/main.ts`` as ``npm start`` runs it, on a free port with a SQLite file in ``folder``."""
    node = os.environ.get("SPANPATCH_NODE") or shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: the tests start the repository's server with it")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(folder)),
        "PORT": "0",
        "LOG_LEVEL": "warn",
        "SPANPATCH_DB": str(folder / "spans.db"),
        "SPANPATCH_DEMO": "0",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [node, "--import", "tsx", "src/server/main.ts"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    errors: list[str] = []

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            errors.append(line)

    threading.Thread(target=read_stdout, daemon=True).start()
    threading.Thread(target=read_stderr, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if line is None:
            process.wait()
            raise RuntimeError(f"the server exited with {process.returncode}: {''.join(errors)}")
        match = re.search(r"Spanpatch is running at (http://\S+)", line)
        if match:
            # Keep reading its output, so that it never blocks on a full pipe.
            threading.Thread(target=_drain, args=(lines,), daemon=True).start()
            return RunningServer(match.group(1).rstrip("/"), process, errors)
    process.kill()
    raise RuntimeError(f"the server did not start within 60 s: {''.join(errors)}")


def _drain(lines: queue.Queue[str | None]) -> None:
    while lines.get() is not None:
        pass


def seed_spans(database: Path, project: str, span_ids: Sequence[str]) -> None:
    """Stores spans with any ID (OTLP takes 16 hex characters only) in a SQLite file, before a server opens it,
    with the server's own store."""
    node = os.environ.get("SPANPATCH_NODE") or shutil.which("node") or "node"
    script = (
        "import { openSqliteStore } from './src/server/store/sqlite/sqlite-store.ts';"
        "const [db, project, ...ids] = process.argv.slice(1);"
        "const store = openSqliteStore(db);"
        "await store.ingestSpans(project, ids.map((spanId, i) => ({ spanId,"
        " traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: null, name: 'span ' + i, kind: 'LLM',"
        " startTime: new Date(Date.UTC(2025, 4, 5) + i * 1000).toISOString(), endTime: null,"
        " metadata: undefined })));"
        "await store.close();"
    )
    subprocess.run(
        [node, "--import", "tsx", "--input-type=module", "-e", script, str(database), project, *span_ids],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )


def stop_server(server: RunningServer) -> None:
    if server.process is not None and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()


def span_id(n: int) -> str:
    """A 16-hex-character span ID made from a number."""
    return format(n, "016x")


def ingest(
    url: str,
    project: str,
    spans: Sequence[str | tuple[str, dict[str, Any]]],
    headers: dict[str, str] | None = None,
    kind: str = "LLM",
) -> None:
    """Stores spans in a project through the OTLP/JSON ingest route; a span is an ID, or an ID and its metadata."""
    otlp_spans = []
    for index, span in enumerate(spans):
        identifier, metadata = (span, None) if isinstance(span, str) else span
        attributes: list[dict[str, Any]] = [{"key": "openinference.span.kind", "value": {"stringValue": kind}}]
        if metadata is not None:
            attributes.append({"key": "metadata", "value": {"stringValue": json.dumps(metadata)}})
        start = 1_746_432_000_000_000_000 + index * 1_000_000
        otlp_spans.append(
            {
                "traceId": "0af7651916cd43dd8448eb211c80319c",
                "spanId": identifier,
                "name": f"span {index}",
                "kind": 1,
                "startTimeUnixNano": str(start),
                "endTimeUnixNano": str(start + 500_000),
                "attributes": attributes,
            }
        )
    body = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "openinference.project.name", "value": {"stringValue": project}}]
                },
                "scopeSpans": [{"scope": {"name": "pytest"}, "spans": otlp_spans}],
            }
        ]
    }
    answer = requests.post(f"{url}/v1/traces", json=body, headers=headers or {}, timeout=120)
    assert answer.status_code == 200, answer.text


def stored_metadata(
    url: str, project: str, ids: Sequence[str], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The metadata the server holds for each span, read with the lookup route (not with the client under test)."""
    answer = requests.post(
        f"{url}/api/v1/projects/{project}/spans/lookup",
        json={"span_ids": list(ids)},
        headers=headers or {},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return {span["span_id"]: span["metadata"] for span in answer.json()["spans"]}


def submission_record(url: str, submission_id: str) -> dict[str, Any]:
    """A submission as the server records it, with every change it made."""
    answer = requests.get(f"{url}/api/v1/submissions/{submission_id}", timeout=30)
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()
    changes: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = requests.get(
            f"{url}/api/v1/submissions/{submission_id}/changes",
            params={"limit": 1000, **({"cursor": cursor} if cursor else {})},
            timeout=30,
        ).json()
        changes.extend(page["changes"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    record["changes"] = changes
    return record


@dataclass
class ProxiedRequest:
    """A metadata request the proxy saw: its Idempotency-Key, its body, and what the proxy did with it."""

    idempotency_key: str | None
    body: bytes
    action: str
    replayed: bool = False


class FlakyProxy:
    """A proxy in front of the server: the metadata requests it is told to fail fail so, and the rest pass through.

    ``actions`` is taken one per metadata request, in order; once empty, requests pass through. An action is
    ``forward``; ``apply-then-drop`` (forwarded, so the server applies it, then the connection is closed without an
    answer: the answer is lost); ``drop`` (closed without an answer, not forwarded); ``503`` and ``429`` (answered
    with that status and ``Retry-After: <retry_after>``, not forwarded). ``fail_span`` fails with 503 every request
    whose body names that span, whatever the actions.
    """

    def __init__(
        self,
        target: str,
        actions: Sequence[str] = (),
        retry_after: str = "0",
        fail_span: str | None = None,
    ) -> None:
        self.target = target
        self.actions = list(actions)
        self.retry_after = retry_after
        self.fail_span = fail_span
        self.requests: list[ProxiedRequest] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._forward(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if not self.path.endswith("/spans/metadata"):
                    self._forward(body)
                    return
                with proxy.lock:
                    failing = proxy.fail_span is not None and proxy.fail_span.encode() in body
                    action = "503" if failing else (proxy.actions.pop(0) if proxy.actions else "forward")
                    seen = ProxiedRequest(self.headers.get("Idempotency-Key"), body, action)
                    proxy.requests.append(seen)
                if action in ("forward", "apply-then-drop"):
                    answer = self._send_on(body)
                    seen.replayed = answer.headers.get("Idempotent-Replayed") == "true"
                    if action == "forward":
                        self._answer(answer.status_code, answer.content, answer.headers)
                    return  # apply-then-drop: the connection closes without an answer
                if action == "drop":
                    return
                status = int(action)
                message = json.dumps({"error": {"code": "unavailable", "message": f"the proxy answers {status}"}})
                self._answer(status, message.encode(), {"Retry-After": proxy.retry_after})

            def _send_on(self, body: bytes | None) -> requests.Response:
                headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
                return requests.request(
                    self.command, proxy.target + self.path, data=body, headers=headers, timeout=60
                )

            def _forward(self, body: bytes | None) -> None:
                answer = self._send_on(body)
                self._answer(answer.status_code, answer.content, answer.headers)

            def _answer(self, status: int, content: bytes, headers: Any) -> None:
                self.send_response(status)
                for name in ("Content-Type", "Retry-After", "Idempotent-Replayed"):
                    if headers.get(name) is not None:
                        self.send_header(name, headers.get(name))
                if headers.get("Content-Type") is None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
