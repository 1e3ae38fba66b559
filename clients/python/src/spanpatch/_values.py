"""Plain JSON values from what a dataframe holds: numpy and pandas scalars, missing values, nested objects.

The server judges types and stored form (SPEC §3): the client only turns what pandas holds into JSON the server
accepts, and never sends a bare ``NaN``. numpy and pandas are never imported here: their values are recognised by
what they have (``item()``, ``tolist()``, ``isoformat()``) and by their type names.
"""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import Mapping
from typing import Any, Final


class _Skip:
    """The marker of a cell that leaves its key as it is."""

    _instance: _Skip | None = None

    def __new__(cls) -> _Skip:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SKIP"


SKIP: Final = _Skip()
"""What a blank or missing cell reads as: the key is not touched for that span."""

#: Deepest nesting converted; anything deeper cannot be sent (the server's limit is 10, SPEC §5).
MAX_CONVERTED_DEPTH: Final = 100

_MISSING_TYPE_NAMES: Final = frozenset({"NAType", "NaTType"})


class CellProblem(Exception):
    """A value that cannot be sent as JSON; the message says what it is and what to do."""


def is_missing(value: object) -> bool:
    """True for the values pandas and numpy use for "no value": None, NaN, ``pd.NA``, ``NaT``."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    kind = type(value).__name__
    if kind in _MISSING_TYPE_NAMES:
        return True
    if _is_numpy_scalar(value):
        return _numpy_missing(value)
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return False


def read_cell(value: object) -> Any:
    """Reads a metadata column's cell (SPEC §2, as the core reads a typed cell).

    Returns SKIP for a missing value (None, NaN, ``pd.NA``, ``NaT``) or text empty after trimming; None (JSON null)
    for the text ``null`` in any case; else the cell as a plain JSON value: numpy and pandas scalars become Python
    ones, times ISO 8601 text, arrays lists. Raises CellProblem for what JSON cannot carry (an infinite number, an
    object of no JSON kind).
    """
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if not text or text.isspace():
            return SKIP
        if len(text) < 16 and text.strip().lower() == "null":
            return None
        return text
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number != number:
            return SKIP
        if number in (math.inf, -math.inf):
            raise CellProblem(_not_finite(number))
        return number
    if kind is int or kind is bool:
        return value
    if is_missing(value):
        return SKIP
    if _is_numpy_scalar(value):
        return read_cell(_numpy_item(value))
    if isinstance(value, str):
        return read_cell(str(value))
    return to_json_value(value, 1)


def read_document_value(value: object) -> Any:
    """Reads a top-level value of a ``patch_document``: a missing value (NaN, ``pd.NA``, ``NaT``) leaves the key
    (SKIP), None is JSON null as written, and text is kept as it is (a document's values are typed JSON)."""
    if value is not None and is_missing(value):
        return SKIP
    return to_json_value(value, 1)


def to_json_value(value: object, depth: int = 0) -> Any:
    """A value as plain JSON: Python's own scalars, numpy and pandas scalars as Python ones, mappings as dicts
    with text keys, sequences and arrays as lists, times as ISO 8601 text; inside a list or an object a missing
    value (NaN, ``pd.NA``, ``NaT``) is null. Raises CellProblem for an infinite number, an object of no JSON kind,
    or nesting deeper than MAX_CONVERTED_DEPTH."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if isinstance(value, str):  # np.str_, an enum of text
        return str(value)
    if isinstance(value, int):  # an enum of numbers
        return int(value)
    if isinstance(value, float):
        if value != value:
            return None
        if value in (math.inf, -math.inf):
            raise CellProblem(_not_finite(value))
        return float(value)
    if is_missing(value):
        return None
    if _is_numpy_scalar(value):
        return to_json_value(_numpy_item(value), depth)
    if depth > MAX_CONVERTED_DEPTH:
        raise CellProblem(
            f"the value nests more than {MAX_CONVERTED_DEPTH} levels deep; the limit is 10 "
            "(count the top object as 1 and each object or list inside as 1 more)"
        )
    if isinstance(value, Mapping):
        return {_json_key(key): to_json_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [to_json_value(item, depth + 1) for item in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    to_list = getattr(value, "tolist", None)
    if callable(to_list):  # a numpy array, a pandas Series or Index
        return to_json_value(to_list(), depth)
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        if value.is_infinite():
            raise CellProblem(_not_finite(value))
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as error:
            raise CellProblem(f"bytes that are not UTF-8 text ({error.reason}) cannot be sent") from None
    raise CellProblem(
        f"a value of type {type(value).__name__} cannot be sent as JSON: convert it to text, a number, a list or "
        "a dict"
    )


def _json_key(key: object) -> str:
    if isinstance(key, str):
        return str(key)
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if _is_numpy_scalar(key):
        return _json_key(_numpy_item(key))
    return str(key)


def _is_numpy_scalar(value: object) -> bool:
    """True for a numpy scalar (``np.int64(3)``, ``np.float64('nan')``, ``np.bool_(True)``) or a 0-d array."""
    return getattr(value, "ndim", None) == 0 and hasattr(value, "dtype") and hasattr(value, "item")


def _numpy_kind(value: object) -> str:
    dtype = getattr(value, "dtype", None)
    return str(getattr(dtype, "kind", ""))


def _numpy_missing(value: object) -> bool:
    kind = _numpy_kind(value)
    if kind in ("f", "c"):
        return bool(value != value)
    if kind in ("M", "m"):
        return str(value) == "NaT"
    return False


def _numpy_item(value: Any) -> object:
    """A numpy scalar as Python's own: numbers and booleans by ``item()``, times as their ISO 8601 text (``item()``
    would give nanoseconds as an integer)."""
    if _numpy_kind(value) in ("M", "m"):
        return str(value)
    return value.item()


def _not_finite(value: object) -> str:
    return (
        f"{value} is not a finite number, which JSON cannot carry: leave the cell empty (NaN) to leave the key "
        "as it is, or write it as text"
    )
