"""The answer of ``log_metadata`` and ``revert``: the server's response format, read as attributes or as a dict."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ERROR_TYPE = re.compile(r"^\[([A-Za-z0-9_.-]+)\]")


class SpanError(dict[str, str]):
    """One span that was not updated: ``{"span_id": …, "error_message": "[type_conflict] …"}``.

    Read it as a dict (``error["error_message"]``) or by attribute (``error.error_message``).
    """

    @property
    def span_id(self) -> str:
        """The span's ID, as it was sent."""
        return self["span_id"]

    @property
    def error_message(self) -> str:
        """What went wrong, starting with its type in brackets: ``[segment_not_found] No span with ID …``."""
        return self["error_message"]

    @property
    def error_type(self) -> str:
        """The type in brackets at the start of the message (``type_conflict``), or ``unknown`` without one."""
        match = _ERROR_TYPE.match(self["error_message"])
        return match.group(1) if match else "unknown"


class MetadataResponse(dict[str, Any]):
    """What a submission did, in the server's response format (the Arize SDK's, plus Spanpatch's own fields).

    Read it by attribute (``response.spans_updated``) or as a dict (``response["errors"]``); ``dict(response)``
    and ``json.dumps(response)`` give the plain response::

        {"spans_processed": 3, "spans_updated": 2, "spans_unchanged": 0, "spans_failed": 1,
         "errors": [{"span_id": "61dbffb32f20ddb6",
                     "error_message": "[type_conflict] Type conflict on 'score': stored Int64, patch has Utf8"}],
         "submission_id": "5f0c…", "not_sent": []}
    """

    def __init__(
        self,
        *,
        spans_processed: int = 0,
        spans_updated: int = 0,
        spans_unchanged: int = 0,
        spans_failed: int = 0,
        errors: Iterable[Mapping[str, str]] = (),
        submission_id: str | None = None,
        not_sent: Iterable[str] = (),
    ) -> None:
        super().__init__(
            spans_processed=spans_processed,
            spans_updated=spans_updated,
            spans_unchanged=spans_unchanged,
            spans_failed=spans_failed,
            errors=[SpanError(error) for error in errors],
            submission_id=submission_id,
            not_sent=list(not_sent),
        )

    @property
    def spans_processed(self) -> int:
        """Spans of the dataframe that were sent, or that failed before they could be (``errors`` says why)."""
        value: int = self["spans_processed"]
        return value

    @property
    def spans_updated(self) -> int:
        """Spans whose metadata now holds what was asked, those already holding it (``spans_unchanged``) included."""
        value: int = self["spans_updated"]
        return value

    @property
    def spans_unchanged(self) -> int:
        """Updated spans whose metadata already held every value asked: nothing changed on them."""
        value: int = self["spans_unchanged"]
        return value

    @property
    def spans_failed(self) -> int:
        """Spans not updated; ``errors`` has one entry for each."""
        value: int = self["spans_failed"]
        return value

    @property
    def errors(self) -> list[SpanError]:
        """One entry per failed span: its ``span_id`` and ``error_message`` (``[type] what happened``)."""
        value: list[SpanError] = self["errors"]
        return value

    @property
    def submission_id(self) -> str | None:
        """The submission's ID, under which History lists it and ``client.revert`` undoes it."""
        value: str | None = self["submission_id"]
        return value

    @property
    def not_sent(self) -> list[str]:
        """Span IDs left out because nothing was left to change once the empty cells were skipped."""
        value: list[str] = self["not_sent"]
        return value

    def __repr__(self) -> str:
        return f"MetadataResponse({dict.__repr__(self)})"
