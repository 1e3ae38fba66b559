"""Rows from the server as a pandas DataFrame when pandas is installed, else as a list of dicts."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from ._frame import METADATA_PREFIX, SPAN_ID_COLUMN

#: The span fields ``get_spans`` gives, in the Arize SDK's export column names, before the metadata columns.
SPAN_COLUMNS = (SPAN_ID_COLUMN, "context.trace_id", "parent_id", "name", "span_kind", "start_time")


def span_row(span: dict[str, Any]) -> dict[str, Any]:
    """A span of the query API as a row: its fields, then one ``attributes.metadata.<key>`` per metadata key."""
    row: dict[str, Any] = {
        SPAN_ID_COLUMN: span["span_id"],
        "context.trace_id": span.get("trace_id"),
        "parent_id": span.get("parent_span_id"),
        "name": span.get("name"),
        "span_kind": span.get("kind"),
        "start_time": span.get("start_time"),
    }
    metadata = span.get("metadata") or {}
    for key, value in metadata.items():
        row[METADATA_PREFIX + key] = value
    return row


def span_table(rows: Sequence[dict[str, Any]], missing: Sequence[str] = ()) -> Any:
    """The spans as a DataFrame (the span fields, then the metadata columns by key), or the rows without pandas.

    A span without a key has NaN in its column, which ``log_metadata`` reads as "leave the key", so the frame can
    be sent back as it is. ``missing`` span IDs are kept in ``df.attrs["missing_span_ids"]``.
    """
    keys = sorted({name for row in rows for name in row if name.startswith(METADATA_PREFIX)})
    columns = [*SPAN_COLUMNS, *keys]
    pandas = _pandas()
    if pandas is None:
        return list(rows)
    frame = pandas.DataFrame.from_records(list(rows), columns=columns)
    frame.attrs["missing_span_ids"] = list(missing)
    return frame


def record_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Any:
    """Records (submissions) as a DataFrame with these columns first, or the rows without pandas."""
    pandas = _pandas()
    if pandas is None:
        return list(rows)
    extra = sorted({name for row in rows for name in row} - set(columns))
    return pandas.DataFrame.from_records(list(rows), columns=[*columns, *extra])


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        return None
