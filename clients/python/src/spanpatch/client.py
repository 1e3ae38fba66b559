"""The Spanpatch client: the Arize SDK's ``log_metadata`` call, sent through a Spanpatch server."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from ._frame import read_frame
from ._submit import send_submission
from ._tables import record_table, span_row, span_table
from ._transport import RetryPolicy, Transport, format_seconds, path_of, plural
from ._values import CellProblem, to_json_value
from .errors import InvalidResponseError, ValidationError
from .response import MetadataResponse, SpanError

__version__: Final = "0.1.0"

#: Where the server is when neither ``url=`` nor ``SPANPATCH_URL`` says: ``npm start`` and ``npx spanpatch serve``.
DEFAULT_URL: Final = "http://127.0.0.1:8787"
#: The label of a submission sent without one, as History shows it.
DEFAULT_LABEL: Final = "log_metadata from Python"

#: Spans a query answers per page, and span IDs per query when finding spans by ID (SPEC §10).
_PAGE_SIZE: Final = 1_000
_IDS_PER_QUERY: Final = 10_000
_SUBMISSION_COLUMNS: Final = (
    "id",
    "label",
    "kind",
    "project",
    "created_at",
    "finished_at",
    "key_name",
    "batches",
    "spans_processed",
    "spans_updated",
    "spans_unchanged",
    "spans_failed",
    "reverts",
    "reverted_by",
)

logger = logging.getLogger("spanpatch")


class Client:
    """A client of a Spanpatch server, called as the Arize SDK's pandas ``Client`` is.

    The one line that changes in the SDK's own example is the import::

        from spanpatch import Client

        client = Client(space_id=SPACE_ID, api_key=API_KEY)
        response = client.log_metadata(dataframe=df, project_name="demo", validate=True, verbose=True)
        print(response.spans_updated, response["errors"])

    Each call is one submission on the server: History lists it, ``client.revert`` undoes it, and for a project
    linked to Arize AX the server sends it on to Arize.

    Args:
        space_id: Accepted so that the SDK's code runs unchanged; Spanpatch does not use it.
        api_key: The server's API key, sent as ``Authorization: Bearer <key>``; else ``SPANPATCH_KEY``. A server
            without keys (on loopback) needs none, and ignores one.
        url: The server's address, e.g. ``http://127.0.0.1:8787``; else ``SPANPATCH_URL``, else
            ``http://127.0.0.1:8787``.
        timeout: Longest time in seconds for one attempt of a request, answer included; past it the attempt
            counts as a network error (retried). Default 30.
        max_retries: Retries of a batch on a network error, a timeout, a 5xx or a 429. Default 3.
        retry_base_delay: First wait in seconds before a retry; it doubles each retry, with jitter. Default 0.5.

    Raises:
        ValueError: When ``url`` (or ``SPANPATCH_URL``) is not an http:// or https:// address.
    """

    def __init__(
        self,
        space_id: str | None = None,
        api_key: str | None = None,
        url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_base_delay: float = 0.5,
    ) -> None:
        self.space_id = space_id
        self.url = _server_url(url)
        key = api_key.strip() if isinstance(api_key, str) and api_key.strip() else None
        if key is None:
            key = os.environ.get("SPANPATCH_KEY", "").strip() or None
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self._transport = Transport(self.url, key, float(timeout), f"spanpatch-python/{__version__}")
        self._policy = RetryPolicy(max_retries=max_retries, base_delay=retry_base_delay)
        self.spans = SpansClient(self)

    def __repr__(self) -> str:
        return f"Client(url={self.url!r})"

    def log_metadata(
        self,
        dataframe: Any,
        project_name: str,
        validate: bool = True,
        verbose: bool = False,
        patch_document_column_name: str = "patch_document",
        label: str | None = None,
    ) -> MetadataResponse:
        """Logs metadata updates to spans that are already stored, as one submission.

        The dataframe must contain a column ``context.span_id`` to identify spans and either:

        1. One or more columns with prefix ``attributes.metadata.``: ``attributes.metadata.tag`` sets the key
           ``tag``, and ``attributes.metadata.a.b`` the flat key ``a.b``.
        2. A column with patch documents (``patch_document_column_name``): a dict, or its JSON text.

        If both are used, the patch document is applied after the columns and wins for a key both set. Rows with
        the same span ID merge in row order, later rows winning per key.

        Type handling (the server converts each value to what it stores):

        - Strings, integers and floats are kept; numpy and pandas scalars count as Python's own.
        - Booleans are stored as ``"true"`` / ``"false"``; dicts and lists as compact JSON text.
        - A missing value in a column (NaN, None, ``pd.NA``, ``NaT``) or empty text leaves the key as it is.
          The text ``null`` sets the key to JSON null, as ``None`` does in a patch document; null does not remove
          the key.
        - Times are sent as ISO 8601 text.

        The spans are sent in batches of 5,000, two at a time, each with its own ``Idempotency-Key``; a batch is
        retried on a network error, a timeout, a 5xx or a 429 (honouring ``Retry-After``), and applied at most
        once.

        Args:
            dataframe: A pandas DataFrame (or a dict of columns, or a list of row dicts).
            project_name: The Spanpatch project the spans are in.
            validate: When True, the dataframe is checked before anything is sent, and a ``ValueError`` names every
                row the server would refuse. When False, those rows fail one by one in the response.
            verbose: When True, logs a line per batch (logger ``spanpatch``), and shows them when logging is not
                set up.
            patch_document_column_name: Name of the column of patch documents. Defaults to ``patch_document``.
            label: The submission's label in History. Defaults to "log_metadata from Python".

        Returns:
            A :class:`MetadataResponse`, read by attribute or as a dict:

            - ``spans_processed``: spans of the dataframe (each span once, however many rows it has)
            - ``spans_updated``: spans whose metadata now holds what was asked
            - ``spans_unchanged``: of those, the ones that already held it
            - ``spans_failed``: spans not updated
            - ``errors``: one ``{"span_id", "error_message"}`` per failed span; the message starts with its type:
              ``[parse_failure]``, ``[patch_failure]``, ``[type_conflict]``, ``[segment_not_found]``,
              ``[druid_rejection]``, or ``[connection_failure]`` for a batch that could not be delivered
            - ``submission_id``: the submission, for History and ``client.revert``
            - ``not_sent``: span IDs with nothing to change (every cell empty), which were not sent

        Raises:
            ValidationError: (a ``ValueError``) without metadata columns ("No metadata fields found…") or a span
                ID column; with ``validate=True``, for a blank span ID, a patch document that is not a JSON object,
                an invalid key, a value JSON cannot carry, a patch over 1,000,000 characters or deeper than 10,
                naming each row.
            ProjectNotFoundError: The server has no project named ``project_name``.
            AuthenticationError: The server needs an API key, refused the one given, or it may only read.
            ServerUnreachableError: No batch reached the server.
            ServerError: No batch could be applied: the server failed each time.

        Examples:
            >>> df = pd.DataFrame({
            ...     "context.span_id": ["61dbffb32f20ddb6"],
            ...     "attributes.metadata.tag": ["important"],
            ...     "patch_document": [{"status": "reviewed"}],
            ... })
            >>> response = client.log_metadata(dataframe=df, project_name="support-bot")
            >>> response.spans_updated
            1
        """
        _check_project(project_name)
        log = _progress_log(verbose)
        started = time.perf_counter()
        patches = read_frame(dataframe, patch_document_column_name, validate)
        read_seconds = time.perf_counter() - started
        log(_read_line(patches.rows, len(patches.spans), patches.blocked, patches.empty, patches.ignored_columns))
        if not patches.spans:
            response = MetadataResponse(
                spans_processed=len(patches.blocked),
                spans_failed=len(patches.blocked),
                errors=[{"span_id": span_id, "error_message": message} for span_id, message in patches.blocked],
                not_sent=patches.empty,
            )
            log("nothing to send")
            return response
        sending = time.perf_counter()
        response = send_submission(
            self._transport,
            project_name,
            patches.spans,
            label=label if label is not None else DEFAULT_LABEL,
            policy=self._policy,
            log=log,
            blocked=patches.blocked,
            not_sent=patches.empty,
            projects=self._project_names,
        )
        log(_done_line(response, read_seconds, time.perf_counter() - sending))
        return response

    def get_spans(
        self,
        project_name: str,
        span_ids: Iterable[Any] | None = None,
        filter: Mapping[str, Any] | None = None,
        *,
        limit: int | None = None,
    ) -> Any:
        """Gets spans with their current metadata, to tag them in pandas and send them back with ``log_metadata``.

        Args:
            project_name: The Spanpatch project.
            span_ids: The spans to get, by ID (a list, or a column such as ``df["context.span_id"]``); the frame
                keeps their order, and the IDs not found are in ``df.attrs["missing_span_ids"]`` (and logged).
            filter: Which spans, as the server's query filter, every field optional and all combined: ``text`` (a
                span or trace ID, whole or its start, or part of a span's name), ``span_ids``, ``trace_ids``,
                ``kinds`` (``["LLM", "TOOL"]``), ``roots_only``, ``start`` (``{"from": "2025-05-01T00:00:00Z",
                "to": …}``), ``metadata`` (``[{"key": "quality", "op": "lt", "value": 3}]``; ops ``eq``, ``ne``,
                ``lt``, ``gt``, ``contains``, ``exists``, ``missing``). Without both, every span of the project.
            limit: At most this many spans (the newest first). Default: every match.

        Returns:
            A pandas DataFrame with a row per span and the columns ``context.span_id``, ``context.trace_id``,
            ``parent_id``, ``name``, ``span_kind``, ``start_time``, then ``attributes.metadata.<key>`` for each
            metadata key (NaN where a span lacks it, which ``log_metadata`` leaves as it is). Without pandas, a
            list of dicts with the same keys.

        Raises:
            ProjectNotFoundError: The server has no project named ``project_name``.
            RequestRejectedError: The filter is malformed; the message names the field.

        Examples:
            >>> df = client.get_spans("support-bot", filter={"kinds": ["LLM"]})
            >>> df["attributes.metadata.reviewed"] = df["attributes.metadata.quality"] >= 3
            >>> client.log_metadata(dataframe=df, project_name="support-bot")
        """
        _check_project(project_name)
        base_filter = _plain_filter(filter)
        if limit is not None and limit < 1:
            raise ValueError("limit must be 1 or more")
        if span_ids is None:
            rows = [span_row(span) for span in self._find(project_name, base_filter, limit)]
            return span_table(rows)
        if base_filter.get("span_ids") is not None:
            raise ValueError("Give the span IDs either as span_ids= or in filter, not both.")
        wanted = _id_list(span_ids)
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start : start + _IDS_PER_QUERY]
            for span in self._find(project_name, {**base_filter, "span_ids": chunk}, None):
                found[span["span_id"]] = span
        rows = [span_row(found[span_id]) for span_id in wanted if span_id in found]
        if limit is not None:
            rows = rows[:limit]
        missing = [span_id for span_id in wanted if span_id not in found]
        if missing:
            shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
            logger.warning(
                "%s of the %s span IDs asked for are not in project '%s'%s: %s",
                f"{len(missing):,}",
                f"{len(wanted):,}",
                project_name,
                " (or do not match the filter)" if base_filter else "",
                shown,
            )
        return span_table(rows, missing)

    def revert(self, submission_id: str, dry_run: bool = False) -> MetadataResponse:
        """Undoes a submission: each span it changed whose keys still hold what it wrote goes back to what it
        held before (a key it added is removed). A span changed since is left as it is and fails with
        ``[revert_conflict]``.

        Args:
            submission_id: The submission's ID (``response.submission_id``, or from ``client.history()``).
            dry_run: When True, answers what the revert would do, and changes nothing.

        Returns:
            A :class:`MetadataResponse`: the counts and errors of the revert, itself a submission (none on a dry
            run).

        Raises:
            SubmissionNotFoundError: The server has no submission with that ID.
            RequestRejectedError: The submission was already reverted.
        """
        if not isinstance(submission_id, str) or not submission_id.strip():
            raise ValueError("submission_id must be a submission's ID, e.g. response.submission_id")
        body = self._transport.request(
            "POST",
            path_of("/api/v1/submissions/{id}/revert", id=submission_id.strip()),
            "Reverting the submission" if not dry_run else "Asking what a revert would do",
            payload={"dry_run": bool(dry_run)},
            policy=self._policy,
            only_unapplied=True,
        )
        if (
            not isinstance(body, dict)
            or not all(type(body.get(name)) is int for name in ("spans_processed", "spans_updated", "spans_failed"))
            or not isinstance(body.get("errors"), list)
        ):
            raise InvalidResponseError(
                f"Reverting failed: the server at {self.url} answered, but not as Spanpatch's API says.",
                server=self.url,
            )
        return MetadataResponse(
            spans_processed=body["spans_processed"],
            spans_updated=body["spans_updated"],
            spans_unchanged=body.get("spans_unchanged", 0),
            spans_failed=body["spans_failed"],
            errors=[SpanError(error) for error in body["errors"]],
            submission_id=body.get("submission_id") or None,
        )

    def history(self, project_name: str | None = None, *, limit: int | None = None, person: str | None = None) -> Any:
        """Lists the submissions, newest first: what each sent, when, who sent it, and what it did.

        Args:
            project_name: Only this project's submissions. Default: every project's.
            limit: At most this many. Default: all of them.
            person: Only this person's submissions, by their subject at the identity provider (on a server where
                people sign in, each submission's ``author`` holds it). Default: everyone's.

        Returns:
            A pandas DataFrame, a row per submission: ``id``, ``label``, ``kind`` (``patch`` or ``revert``),
            ``project``, ``created_at``, ``finished_at``, ``key_name``, ``batches``, the span counts, ``reverts``
            and ``reverted_by``; on a server where people sign in, ``author`` too (``kind``, ``name``, ``email``,
            ``subject``). Without pandas, a list of dicts.
        """
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        while limit is None or len(rows) < limit:
            page_size = 100 if limit is None else min(100, limit - len(rows))
            query: dict[str, Any] = {
                "limit": page_size,
                **({"project": project_name} if project_name else {}),
                **({"person": person} if person else {}),
            }
            if cursor:
                query["cursor"] = cursor
            body = self._transport.request(
                "GET", f"/api/v1/submissions?{urlencode(query)}", "Listing the submissions", policy=self._policy
            )
            if not isinstance(body, dict) or not isinstance(body.get("submissions"), list):
                raise InvalidResponseError(
                    f"Listing the submissions failed: the server at {self.url} answered, but not as Spanpatch's "
                    "API says.",
                    server=self.url,
                )
            rows.extend(body["submissions"])
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return record_table(rows, _SUBMISSION_COLUMNS)

    def list_projects(self) -> list[dict[str, Any]]:
        """The server's projects, each ``{"name": …, "spans": …}``."""
        body = self._transport.request("GET", "/api/v1/projects", "Listing the projects", policy=self._policy)
        projects = body.get("projects") if isinstance(body, dict) else None
        if not isinstance(projects, list):
            raise InvalidResponseError(
                f"Listing the projects failed: the server at {self.url} answered, but not as Spanpatch's API says.",
                server=self.url,
            )
        return projects

    def _project_names(self) -> list[str]:
        return [str(project.get("name")) for project in self.list_projects()]

    def _find(self, project: str, query_filter: dict[str, Any], limit: int | None) -> list[dict[str, Any]]:
        """Every span a filter matches, page by page, newest first; at most ``limit``."""
        spans: list[dict[str, Any]] = []
        cursor: str | None = None
        path = path_of("/api/v1/projects/{project}/spans/query", project=project)
        while limit is None or len(spans) < limit:
            page_size = _PAGE_SIZE if limit is None else min(_PAGE_SIZE, limit - len(spans))
            body = self._transport.request(
                "POST",
                path,
                "Finding spans",
                payload={"filter": query_filter, "limit": page_size, "cursor": cursor},
                policy=self._policy,
                project=project,
            )
            if not isinstance(body, dict) or not isinstance(body.get("spans"), list):
                raise InvalidResponseError(
                    f"Finding spans failed: the server at {self.url} answered, but not as Spanpatch's API says.",
                    server=self.url,
                )
            spans.extend(body["spans"])
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return spans


class SpansClient:
    """The Arize SDK v8's ``client.spans``: ``client.spans.update_metadata(...)``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def update_metadata(
        self,
        *,
        space_id: str | None = None,
        project_name: str,
        dataframe: Any,
        patch_document_column_name: str = "patch_document",
        validate: bool = True,
    ) -> MetadataResponse:
        """Logs metadata updates, as the SDK v8's ``spans.update_metadata``; the same as ``Client.log_metadata``.

        Args:
            space_id: Accepted so that the SDK's code runs unchanged; Spanpatch does not use it.
            project_name: The Spanpatch project the spans are in.
            dataframe: A pandas DataFrame with ``context.span_id`` and ``attributes.metadata.*`` columns and/or
                a patch document column.
            patch_document_column_name: Name of the column of patch documents. Defaults to ``patch_document``.
            validate: When True, the dataframe is checked before anything is sent.

        Returns:
            The :class:`MetadataResponse` (a dict): ``spans_processed``, ``spans_updated``, ``spans_failed``,
            ``errors``, and Spanpatch's ``spans_unchanged``, ``submission_id`` and ``not_sent``.
        """
        return self._client.log_metadata(
            dataframe=dataframe,
            project_name=project_name,
            validate=validate,
            patch_document_column_name=patch_document_column_name,
        )


def _server_url(url: str | None) -> str:
    text = (url if url is not None else os.environ.get("SPANPATCH_URL", "")).strip() or DEFAULT_URL
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"The server address {text!r} is not an http:// or https:// address: write it like {DEFAULT_URL}."
        )
    return text.rstrip("/")


def _check_project(project_name: object) -> None:
    if not isinstance(project_name, str) or not project_name.strip():
        raise ValidationError("project_name must be a non-empty string: the Spanpatch project the spans are in.")


def _plain_filter(filter: Mapping[str, Any] | None) -> dict[str, Any]:
    """A filter as JSON: numpy and pandas values (``df["quality"].max()``) as Python's own."""
    if filter is None:
        return {}
    if not isinstance(filter, Mapping):
        raise ValueError(f"filter must be a dict of the query's fields, not a {type(filter).__name__}")
    try:
        plain = to_json_value(filter)
    except CellProblem as problem:
        raise ValueError(f"The filter cannot be sent: {problem}") from None
    return dict(plain)


def _id_list(span_ids: Iterable[Any]) -> list[str]:
    to_list = getattr(span_ids, "tolist", None)
    values: list[Any] = to_list() if callable(to_list) else list(span_ids)
    seen: set[str] = set()
    ids: list[str] = []
    for value in values:
        text = str(value).strip()
        if text and text not in seen:
            seen.add(text)
            ids.append(text)
    return ids


def _progress_log(verbose: bool) -> Callable[[str], None]:
    """Where a call's progress goes: the ``spanpatch`` logger, at INFO when verbose (shown on standard error when
    logging is not set up, as in a fresh notebook), else at DEBUG."""
    if not verbose:
        return logger.debug
    if not logger.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return logger.info


def _read_line(rows: int, spans: int, blocked: list[tuple[str, str]], empty: list[str], ignored: list[str]) -> str:
    parts = [f"read {plural(rows, 'row')}: {plural(spans, 'span')} to send"]
    if blocked:
        parts.append(f"{len(blocked):,} that cannot be sent")
    if empty:
        parts.append(f"{len(empty):,} with nothing to change")
    line = ", ".join(parts)
    if ignored:
        shown = ", ".join(ignored[:8]) + (", …" if len(ignored) > 8 else "")
        line += f"; columns ignored: {shown}"
    return line


def _done_line(response: MetadataResponse, read_seconds: float, send_seconds: float) -> str:
    kinds = Counter(error.error_type for error in response.errors)
    failures = ", ".join(f"{count:,} {kind}" for kind, count in kinds.most_common())
    return (
        f"done: {plural(response.spans_processed, 'span')} processed, {response.spans_updated:,} updated"
        + (f" ({response.spans_unchanged:,} already as asked)" if response.spans_unchanged else "")
        + f", {response.spans_failed:,} failed"
        + (f" ({failures})" if failures else "")
        + f"; submission {response.submission_id}; the dataframe read in {format_seconds(read_seconds)}, "
        f"sent in {format_seconds(send_seconds)}"
    )
