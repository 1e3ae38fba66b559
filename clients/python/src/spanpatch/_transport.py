"""One request to the server, and what its failure means (SPEC §6, §7).

``Transport.attempt`` makes one attempt under a time limit and either returns the parsed JSON answer or raises an
``AttemptFailure`` that says what happened: no complete answer (``network``, ``timeout``), an error answer (its
status, code, message and ``Retry-After``), or an answer that is not JSON (``invalid_answer``).
``Transport.request`` retries what a retry can help and turns the last failure into a ``SpanpatchError``.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote

import requests

from .errors import (
    AuthenticationError,
    InvalidResponseError,
    NotFoundError,
    ProjectNotFoundError,
    RequestRejectedError,
    ServerError,
    ServerUnreachableError,
    SpanpatchError,
    SubmissionNotFoundError,
)

#: Most bytes of one answer read (after decompression), as the app and the command line (SPEC §7).
MAX_ANSWER_BYTES: Final = 500 * 1024 * 1024
#: Most bytes of an error answer read: ``{"error": {"code", "message"}}`` is a sentence or two.
MAX_ERROR_ANSWER_BYTES: Final = 64 * 1024

FailureKind = Literal["network", "timeout", "error_answer", "invalid_answer"]


class AttemptFailure(Exception):
    """Why one attempt got no usable answer.

    Attributes:
        kind: ``network`` (no complete answer), ``timeout`` (none in time), ``error_answer`` (an error status),
            ``invalid_answer`` (an answer that is not JSON).
        status: The HTTP status, or None without an answer.
        code: The server's error code, or ``http_<status>`` when the answer did not say.
        retry_after: Seconds the server asked to wait (its ``Retry-After``), or None.
    """

    def __init__(
        self,
        message: str,
        kind: FailureKind,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def no_answer(self) -> bool:
        """True when no complete answer arrived: unreachable, a broken connection, or out of time."""
        return self.kind in ("network", "timeout")

    @property
    def retryable(self) -> bool:
        """True when trying again may help: no answer, a 5xx, or a 429 (except for a wrong key)."""
        if self.no_answer:
            return True
        if self.status is None or self.kind != "error_answer":
            return False
        if self.status == 429:
            return self.code != "too_many_attempts"
        return self.status >= 500


@dataclass(frozen=True)
class Answer:
    """A complete answer: its status, its headers and its JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any


@dataclass(frozen=True)
class RetryPolicy:
    """How failed attempts are retried (SPEC §7): up to ``max_retries`` times, waiting ``base_delay`` seconds
    doubled each time with jitter, at most ``max_delay``; a ``Retry-After`` is honoured, and one longer than
    ``max_delay`` ends the retries."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): the server's ``Retry-After``, else exponential
        with jitter (half fixed, half random)."""
        if retry_after is not None:
            return retry_after
        exponential: float = min(self.max_delay, self.base_delay * 2.0**attempt)
        return exponential / 2 + random.random() * exponential / 2


class Transport:
    """Requests to one server with one API key; a ``requests.Session`` per thread."""

    def __init__(self, base_url: str, api_key: str | None, timeout: float, user_agent: str) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self._headers = {"Accept": "application/json", "User-Agent": user_agent}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._local = threading.local()

    def session(self) -> requests.Session:
        """This thread's session (its pooled connections)."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def close_session(self) -> None:
        """Closes this thread's session, if it has one."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    def attempt(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One attempt, answer included, under ``timeout`` seconds. Raises AttemptFailure."""
        all_headers = dict(self._headers)
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if headers:
            all_headers.update(headers)
        deadline = time.monotonic() + self.timeout
        try:
            response = self.session().request(
                method,
                self.base_url + path,
                data=body,
                headers=all_headers,
                timeout=(self.timeout, self.timeout),
                stream=True,
            )
        except requests.Timeout:
            raise AttemptFailure(f"No answer from the server within {_seconds(self.timeout)}", "timeout") from None
        except requests.RequestException as error:
            raise AttemptFailure(f"Could not reach the server: {describe_network_error(error)}", "network") from None
        with response:
            status = response.status_code
            failed = status >= 400
            try:
                data, complete = _read_body(
                    response, MAX_ERROR_ANSWER_BYTES if failed else MAX_ANSWER_BYTES, deadline
                )
            except _OutOfTime:
                raise AttemptFailure(
                    f"No complete answer from the server within {_seconds(self.timeout)}: the answer began but did "
                    "not finish",
                    "timeout",
                ) from None
            except requests.RequestException as error:
                if failed:
                    data, complete = b"", False
                elif _timed_out(error):
                    raise AttemptFailure(
                        f"No complete answer from the server within {_seconds(self.timeout)}: the answer began but "
                        "did not finish",
                        "timeout",
                    ) from None
                else:
                    raise AttemptFailure(
                        "The connection broke while the server's answer was arriving: "
                        + describe_network_error(error),
                        "network",
                    ) from None
            if failed:
                raise _error_answer(response, data)
            if not complete:
                raise AttemptFailure(
                    f"The server's answer was over {MAX_ANSWER_BYTES // (1024 * 1024)} MB, more than Spanpatch "
                    "reads of one answer; it was not read further",
                    "invalid_answer",
                    status,
                    "answer_too_large",
                )
            try:
                parsed = json.loads(data)
            except ValueError as error:
                raise AttemptFailure(
                    f"The server's answer is not JSON ({error})", "invalid_answer", status, "invalid_response"
                ) from None
            return Answer(status, response.headers, parsed)

    def request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        payload: object = None,
        policy: RetryPolicy,
        only_unapplied: bool = False,
        project: str | None = None,
    ) -> Any:
        """Sends a request, retrying what a retry can help (no answer, a 5xx, a 429; with ``only_unapplied``, for a
        request that must not be applied twice, only a 429 or 503, which the server did not apply), and returns its
        JSON answer. Raises the SpanpatchError that says what failed (``what``: "Finding spans")."""
        body = None if payload is None else encode_json(payload)
        for attempt in range(policy.max_retries + 1):
            try:
                return self.attempt(method, path, body).body
            except AttemptFailure as failure:
                retry = failure.retryable and (not only_unapplied or failure.status in (429, 503))
                last = attempt >= policy.max_retries
                delay = policy.delay(attempt, failure.retry_after)
                if not retry or last or delay > policy.max_delay:
                    tries = attempt + 1
                    raise self.error(failure, what, project=project, tries=tries) from None
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def error(
        self,
        failure: AttemptFailure,
        what: str,
        *,
        project: str | None = None,
        tries: int = 1,
        projects: Callable[[], list[str]] | None = None,
    ) -> SpanpatchError:
        """The exception that tells a person what a failed request means and what to do."""
        server = self.base_url
        after = f" (after {tries} attempts)" if tries > 1 else ""
        details: dict[str, Any] = {"server": server, "status": failure.status, "code": failure.code}
        if failure.no_answer:
            return ServerUnreachableError(
                f"{what} failed: could not reach the Spanpatch server at {server}: {failure.message}{after}. "
                "Is it running there? Start one with `npx spanpatch serve`, or pass url= to Client (or set "
                "SPANPATCH_URL) to where it runs.",
                **details,
            )
        if failure.kind == "invalid_answer":
            return InvalidResponseError(
                f"{what} failed: the server at {server} answered, but not as Spanpatch's API says: "
                f"{failure.message}. Is {server} a Spanpatch server?",
                **details,
            )
        status = failure.status or 0
        if status == 401:
            return AuthenticationError(
                f"{what} failed: the Spanpatch server at {server} needs an API key ({failure.message}). "
                "Pass api_key= to Client, or set SPANPATCH_KEY.",
                **details,
            )
        if status == 403 and failure.code == "read_only_key":
            return AuthenticationError(
                f"{what} failed: the Spanpatch server at {server} refused a change: {failure.message}.", **details
            )
        if status == 403 or failure.code == "too_many_attempts":
            return AuthenticationError(
                f"{what} failed: the Spanpatch server at {server} refused the API key ({failure.message}). "
                "Check the key passed as api_key= to Client (or in SPANPATCH_KEY).",
                **details,
            )
        if status == 404 and failure.code == "project_not_found":
            known = ""
            if projects is not None:
                try:
                    names = projects()
                    known = (
                        f" (its projects: {', '.join(names[:20])}{', …' if len(names) > 20 else ''})" if names else ""
                    )
                except SpanpatchError:
                    known = ""
            return ProjectNotFoundError(
                f"{what} failed: the Spanpatch server at {server} has no project named '{project}'{known}. "
                "Check project_name; a project appears on the server when its spans are sent to it (OTLP).",
                **details,
            )
        if status == 404 and failure.code == "submission_not_found":
            return SubmissionNotFoundError(
                f"{what} failed: the Spanpatch server at {server} has no such submission ({failure.message}). "
                "client.history() lists the submissions.",
                **details,
            )
        if status == 404:
            hint = (
                "" if failure.code and not failure.code.startswith("http_") else f" Is {server} a Spanpatch server?"
            )
            return NotFoundError(
                f"{what} failed: the server at {server} answered 404: {failure.message}.{hint}", **details
            )
        if status >= 500 or status == 429:
            return ServerError(
                f"{what} failed: the Spanpatch server at {server} answered {status}: {failure.message}{after}.",
                **details,
            )
        return RequestRejectedError(
            f"{what} failed: the Spanpatch server at {server} answered {status}: {failure.message}", **details
        )


def encode_json(payload: object) -> bytes:
    """A request body: compact JSON, every non-ASCII character escaped (so any text is valid UTF-8), and never a
    bare NaN or Infinity (``allow_nan=False`` raises instead)."""
    return json.dumps(payload, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def path_of(template: str, **params: str) -> str:
    """A route's path with its parameters URL-encoded: ``/api/v1/projects/{project}/spans/metadata``."""
    return template.format(**{name: quote(value, safe="") for name, value in params.items()})


def describe_network_error(error: BaseException) -> str:
    """A network failure in words: the operating system's reason (``Connection refused``) when there is one."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and isinstance(current.strerror, str) and current.strerror:
            return current.strerror
        for linked in (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args):
            if isinstance(linked, BaseException):
                pending.append(linked)
    text = str(error)
    return text if len(text) <= 300 else text[:300] + "…"


def parse_retry_after(header: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if header is None:
        return None
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def plural(count: int, word: str) -> str:
    """``1 span``, ``12,000 spans``."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def format_seconds(seconds: float) -> str:
    """A duration for a message: ``250 ms``, ``1.5 s``, ``30 s``."""
    return _seconds(seconds)


def _seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    return f"{round(seconds)} s"


class _OutOfTime(Exception):
    pass


def _timed_out(error: BaseException) -> bool:
    """True when a failure comes from a read that timed out (urllib3 wraps it in requests' ConnectionError)."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, TimeoutError) or "Timeout" in type(current).__name__:
            return True
        for linked in (current.__cause__, current.__context__, *current.args):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return False


def _read_body(response: requests.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    """The answer's body, at most ``max_bytes``: ``(body, True)`` when complete, else what came before the cap and
    False. Raises _OutOfTime past the deadline."""
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=256 * 1024):
        if time.monotonic() > deadline:
            raise _OutOfTime()
        size += len(chunk)
        if size > max_bytes:
            parts.append(chunk[: len(chunk) - (size - max_bytes)])
            return b"".join(parts), False
        parts.append(chunk)
    return b"".join(parts), True


def _error_answer(response: requests.Response, data: bytes) -> AttemptFailure:
    """An error answer: the server's ``{"error": {"code", "message"}}``, else its status, and its Retry-After."""
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    try:
        parsed = json.loads(data)
        error = parsed["error"]
        code, message = error["code"], error["message"]
        if isinstance(code, str) and isinstance(message, str):
            return AttemptFailure(message, "error_answer", status, code, retry_after)
    except (ValueError, TypeError, KeyError):
        pass
    detail = data.decode("utf-8", "replace").strip()[:200]
    message = f"HTTP {status} {response.reason or ''}".strip() + (f": {detail}" if detail else "")
    return AttemptFailure(message, "error_answer", status, f"http_{status}", retry_after)
