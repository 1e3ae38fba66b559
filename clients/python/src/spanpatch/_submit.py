"""Sending the spans of one ``log_metadata`` call as one submission (SPEC §7, §9), as the Node client does.

Batches of 5,000, two in flight at once, each with its own ``Idempotency-Key`` (reused on its retries) and the
call's one ``submission.id``; network errors, timeouts, 5xx and 429 are retried up to 3 times with backoff and
jitter, honouring ``Retry-After``. Every answer is checked against its batch: one that contradicts it counts as not
delivered. Spans of a batch that could not be delivered fail with ``[connection_failure] <what happened>``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ._frame import RawDocument
from ._transport import AttemptFailure, RetryPolicy, Transport, encode_json, format_seconds, path_of, plural
from .errors import InvalidResponseError, ServerError, ServerUnreachableError, SpanpatchError
from .response import MetadataResponse

#: Spans per request (SPEC §7); the server takes at most 10,000.
DEFAULT_BATCH_SIZE: Final = 5_000
#: Requests in flight at once (SPEC §7).
DEFAULT_CONCURRENCY: Final = 2
METADATA_ROUTE: Final = "/api/v1/projects/{project}/spans/metadata"
SUBMISSION_REVERTED: Final = "submission_reverted"

SpanPatch = tuple[str, "dict[str, Any] | RawDocument"]


@dataclass
class BatchResult:
    """How a batch ended: answered, refused whole (its spans fail with the server's reason), or not delivered."""

    kind: Literal["answered", "refused", "undelivered"]
    response: dict[str, Any]
    #: For ``undelivered``: the last failure, and how many attempts were made.
    failure: AttemptFailure | None = None
    tries: int = 1


@dataclass
class _State:
    next_batch: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    fatal: BaseException | None = None


def send_submission(
    transport: Transport,
    project: str,
    spans: Sequence[SpanPatch],
    *,
    label: str,
    policy: RetryPolicy,
    log: Callable[[str], None],
    blocked: Sequence[tuple[str, str]] = (),
    not_sent: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    projects: Callable[[], list[str]] | None = None,
) -> MetadataResponse:
    """Sends the spans as one submission and returns the aggregated response (SPEC §6, §7).

    ``blocked`` spans (not sendable) are counted as failed with their message; ``not_sent`` are listed as such.
    Raises the SpanpatchError of a request the server refused whole (no key, a wrong key, an unknown project),
    after the batches in flight end, with ``response`` set to what the answered batches did; and
    ServerUnreachableError (or ServerError) when no batch at all could be delivered.
    """
    submission = {"id": str(uuid.uuid4()), "label": label}
    batches = [list(spans[start : start + batch_size]) for start in range(0, len(spans), batch_size)]
    keys = [str(uuid.uuid4()) for _ in batches]
    results: list[BatchResult | None] = [None] * len(batches)
    state = _State()
    path = path_of(METADATA_ROUTE, project=project)
    total = len(batches)

    def worker() -> None:
        try:
            while not state.stop.is_set():
                with state.lock:
                    index = state.next_batch
                    state.next_batch += 1
                if index >= total:
                    return
                try:  # NOTE: any failure stops the call and is raised by it, never lost on this thread.
                    result = _deliver(
                        transport,
                        (project, path),
                        batches[index],
                        submission,
                        keys[index],
                        policy,
                        (index, total),
                        log,
                        projects,
                    )
                except BaseException as error:
                    with state.lock:
                        if state.fatal is None:
                            state.fatal = error
                    state.stop.set()
                    return
                results[index] = result
                log(_batch_line(index, total, len(batches[index]), result))
        finally:
            transport.close_session()

    if batches:
        log(
            f"sending {plural(len(spans), 'span')} to project '{project}' at {transport.base_url} in "
            f"{total} {'batch' if total == 1 else 'batches'} (submission {submission['id']})"
        )
    threads = [
        threading.Thread(target=worker, name=f"spanpatch-{n}", daemon=True) for n in range(min(concurrency, total))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        # NOTE: Ctrl+C in a notebook: no new batch starts; a request in flight ends on its own thread.
        state.stop.set()
        log(
            "interrupted: no further batch is sent; batches in flight may or may not be applied "
            f"(submission {submission['id']}: client.history() shows what was)"
        )
        raise

    delivered = [result for result in results if result is not None]
    response = _aggregate(delivered, submission["id"], blocked, not_sent)
    if state.fatal is not None:
        if isinstance(state.fatal, SpanpatchError):
            sent = sum(1 for result in delivered if result.kind != "undelivered")
            state.fatal.response = response if sent else None
        raise state.fatal
    undelivered = [result for result in delivered if result.kind == "undelivered"]
    if delivered and len(undelivered) == len(delivered):
        failure = undelivered[-1].failure
        if failure is not None:
            tries = undelivered[-1].tries
            error = transport.error(failure, "Sending the metadata", project=project, tries=tries)
            if isinstance(error, (ServerUnreachableError, ServerError, InvalidResponseError)):
                error.response = response
                raise error
    return response


def _deliver(
    transport: Transport,
    route: tuple[str, str],
    batch: list[SpanPatch],
    submission: dict[str, str],
    idempotency_key: str,
    policy: RetryPolicy,
    position: tuple[int, int],
    log: Callable[[str], None],
    projects: Callable[[], list[str]] | None,
) -> BatchResult:
    """Sends one batch until it is answered, refused, or out of retries. Raises the SpanpatchError of an answer
    that refuses the request whole (a missing or wrong key, an unknown project)."""
    project, path = route
    index, total = position
    body = encode_json(
        {
            "spans": [
                {"span_id": span_id, "patch_document": patch.value if isinstance(patch, RawDocument) else patch}
                for span_id, patch in batch
            ],
            "submission": submission,
        }
    )
    span_ids = [span_id for span_id, _ in batch]
    for attempt in range(policy.max_retries + 1):
        try:
            answer = transport.attempt("POST", path, body, {"Idempotency-Key": idempotency_key})
        except AttemptFailure as failure:
            if failure.status == 409 and failure.code == SUBMISSION_REVERTED:
                return BatchResult(
                    "refused", _every_span_failed(span_ids, f"[{SUBMISSION_REVERTED}] {failure.message}")
                )
            if not failure.retryable and not failure.no_answer:
                if failure.kind == "invalid_answer":
                    return _undelivered(span_ids, failure.message, failure, attempt + 1)
                raise transport.error(failure, "Sending the metadata", project=project, projects=projects) from None
            tries = attempt + 1
            described = f"{failure.message} (after {tries} attempts)" if tries > 1 else failure.message
            if attempt >= policy.max_retries:
                return _undelivered(span_ids, described, failure, tries)
            if failure.retry_after is not None and failure.retry_after > policy.max_delay:
                return _undelivered(
                    span_ids,
                    f"{failure.message}; the server asked to retry after {format_seconds(failure.retry_after)}",
                    failure,
                    tries,
                )
            delay = policy.delay(attempt, failure.retry_after)
            log(
                f"batch {index + 1}/{total}: {failure.message}; retrying in {format_seconds(delay)} "
                f"(attempt {tries + 1} of {policy.max_retries + 1})"
            )
            time.sleep(delay)
            continue
        problem = _answer_problem(answer.body, span_ids)
        if problem is not None:
            # NOTE: not retried: the server did answer, and the same Idempotency-Key would replay the same answer.
            return _undelivered(
                span_ids,
                f"The server's answer contradicts the request: {problem}",
                AttemptFailure(problem, "invalid_answer", answer.status, "invalid_response"),
                attempt + 1,
            )
        return BatchResult("answered", answer.body)
    raise AssertionError("unreachable")  # pragma: no cover


def _undelivered(span_ids: list[str], message: str, failure: AttemptFailure, tries: int) -> BatchResult:
    return BatchResult("undelivered", _every_span_failed(span_ids, f"[connection_failure] {message}"), failure, tries)


def _every_span_failed(span_ids: list[str], message: str) -> dict[str, Any]:
    return {
        "spans_processed": len(span_ids),
        "spans_updated": 0,
        "spans_unchanged": 0,
        "spans_failed": len(span_ids),
        "errors": [{"span_id": span_id, "error_message": message} for span_id in span_ids],
    }


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def _answer_problem(body: Any, span_ids: list[str]) -> str | None:
    """What is wrong with a batch's answer (SPEC §6, §7): not the response format, or counts that contradict the
    batch. None when it is right. Fills in ``spans_unchanged`` (0) when the server did not send it."""
    if not isinstance(body, dict):
        return "it is not a JSON object"
    body.setdefault("spans_unchanged", 0)
    for name in ("spans_processed", "spans_updated", "spans_unchanged", "spans_failed"):
        if not _count(body.get(name)):
            return f"its {name} is not a count"
    errors = body.get("errors")
    if not isinstance(errors, list) or not all(
        isinstance(error, dict)
        and isinstance(error.get("span_id"), str)
        and isinstance(error.get("error_message"), str)
        for error in errors
    ):
        return "its errors are not a list of {span_id, error_message}"
    processed, updated, failed = body["spans_processed"], body["spans_updated"], body["spans_failed"]
    if processed != len(span_ids):
        return f"it counts {processed:,} spans processed, but {len(span_ids):,} were sent"
    if updated + failed != processed:
        return f"its {updated:,} updated and {failed:,} failed do not add up to the {processed:,} processed"
    if body["spans_unchanged"] > updated:
        return f"it counts {body['spans_unchanged']:,} unchanged, more than the {updated:,} updated"
    if len(errors) != failed:
        return f"it counts {failed:,} failed but lists {len(errors):,} errors"
    sent = set(span_ids)
    for error in errors:
        if error["span_id"] not in sent:
            return f"it reports an error for span '{error['span_id'][:80]}', which was not sent in this request"
    return None


def _aggregate(
    results: list[BatchResult],
    submission_id: str,
    blocked: Sequence[tuple[str, str]],
    not_sent: Sequence[str],
) -> MetadataResponse:
    """One response for the whole call: counts add up, errors in batch order after the spans that could not be
    sent, the submission's one ID (SPEC §7)."""
    totals = {"spans_processed": len(blocked), "spans_updated": 0, "spans_unchanged": 0, "spans_failed": len(blocked)}
    errors: list[dict[str, str]] = [{"span_id": span_id, "error_message": message} for span_id, message in blocked]
    for result in results:
        for name in totals:
            totals[name] += result.response[name]
        errors.extend(result.response["errors"])
    return MetadataResponse(**totals, errors=errors, submission_id=submission_id, not_sent=not_sent)


def _batch_line(index: int, total: int, size: int, result: BatchResult) -> str:
    where = f"batch {index + 1}/{total} ({plural(size, 'span')})"
    response = result.response
    if result.kind == "answered":
        unchanged = response["spans_unchanged"]
        return (
            f"{where}: {response['spans_updated']:,} updated"
            + (f" ({unchanged:,} already as asked)" if unchanged else "")
            + f", {response['spans_failed']:,} failed"
        )
    message = response["errors"][0]["error_message"] if response["errors"] else ""
    if result.kind == "refused":
        return f"{where}: refused, nothing applied: {message}"
    return f"{where}: not delivered: {message}"
