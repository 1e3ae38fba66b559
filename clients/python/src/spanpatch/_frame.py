"""Reading a dataframe into one patch per span (SPEC §1–§5), by the Arize SDK's column names.

The columns: ``context.span_id`` (also ``span_id``, ``spanId``, ``span id``), ``attributes.metadata.<key>`` (the
key is everything after the prefix, taken literally: ``attributes.metadata.a.b`` sets the flat key ``a.b``) and
``patch_document`` (a dict, or its JSON text), applied after the columns. Names are trimmed and compared without
regard to case, as the app maps a file's headers. Any other column is ignored.

A dataframe is anything with columns: a pandas DataFrame, a dict of columns, a list of row dicts, a pyarrow Table.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ._values import SKIP, CellProblem, is_missing, read_cell, read_document_value, to_json_value
from .errors import Problem, ValidationError

SPAN_ID_COLUMN: Final = "context.span_id"
METADATA_PREFIX: Final = "attributes.metadata."
PATCH_DOCUMENT_COLUMN: Final = "patch_document"

#: Longest span ID, metadata key, and merged patch (characters of compact JSON) the server accepts (SPEC §5).
MAX_SPAN_ID_LENGTH: Final = 256
MAX_KEY_LENGTH: Final = 256
MAX_PATCH_LENGTH: Final = 1_000_000
#: Deepest nesting accepted, counted as the SDK counts it: the top object is 1, each object or list inside adds
#: one, a value adds one (``{"a": 1}`` is 2).
MAX_PATCH_DEPTH: Final = 10

NO_METADATA_MESSAGE: Final = (
    f"No metadata fields found. Either provide columns with prefix '{METADATA_PREFIX}' "
    "or a '{column}' column with JSON patch documents."
)

_SPAN_ID_ALIASES: Final = frozenset({"context.span_id", "span_id", "spanid", "span id"})
_RESERVED_KEYS: Final = frozenset({"__proto__", "constructor", "prototype"})
_HEX: Final = re.compile(r"[0-9A-Fa-f]+")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_AT_AN_END: Final = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")
#: Problems listed in a ValidationError's message; all of them are in its ``problems``.
_LISTED_PROBLEMS: Final = 10


@dataclass
class RawDocument:
    """A ``patch_document`` that is not a JSON object (text that is not JSON, a list, a number): it is sent as
    it is, so that the server fails its span with the reason (``[parse_failure]``, ``[patch_failure]``)."""

    value: Any


@dataclass
class FramePatches:
    """A dataframe read into what is sent: one patch per span, in the order the spans first appear.

    Attributes:
        spans: ``(span_id, patch)`` pairs: a patch is a dict of keys (plain JSON values), or a RawDocument.
        blocked: ``(span_id, error_message)`` of spans that cannot be sent (a blank span ID, a value JSON cannot
            carry); with ``validate=False`` they are reported as failed, and the rest is sent.
        empty: span IDs with nothing to change once the empty cells are skipped: not sent.
        rows: rows read.
        ignored_columns: the columns that are none of the three kinds.
    """

    spans: list[tuple[str, dict[str, Any] | RawDocument]] = field(default_factory=list)
    blocked: list[tuple[str, str]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class _Columns:
    names: list[str]
    values: Callable[[int], list[Any]]
    length: int
    labels: Callable[[], list[object]]


def read_frame(
    dataframe: object,
    patch_document_column_name: str = PATCH_DOCUMENT_COLUMN,
    validate: bool = True,
) -> FramePatches:
    """Reads a dataframe's rows into one patch per span (SPEC §1–§5).

    Per row: the ``attributes.metadata.<key>`` columns left to right, then the ``patch_document``'s keys over
    them (``{**fields, **patch}``, as the SDK merges). Rows with the same span ID merge in row order, later rows
    winning per key. A missing value (NaN, None, ``pd.NA``, ``NaT``) or empty text in a metadata column leaves the
    key as it is; the text ``null`` sets it to null.

    Raises:
        ValidationError: (a ``ValueError``) without metadata columns or a span ID column; with ``validate=True``,
            for every row the server would refuse or that cannot be sent, each named by its index label and
            column: a blank span ID, a patch_document that is not a JSON object, an invalid key, a value JSON
            cannot carry, a merged patch over 1,000,000 characters or nesting deeper than 10.
    """
    columns = _table_columns(dataframe)
    wanted_document = patch_document_column_name.strip().lower()
    span_column: int | None = None
    document_column: int | None = None
    metadata: list[tuple[str, int]] = []
    ignored: list[str] = []
    for position, name in enumerate(columns.names):
        trimmed = name.strip()
        lower = trimmed.lower()
        if lower.startswith(METADATA_PREFIX):
            metadata.append((trimmed[len(METADATA_PREFIX) :], position))
        elif document_column is None and (name == patch_document_column_name or lower == wanted_document):
            document_column = position
        elif span_column is None and lower in _SPAN_ID_ALIASES:
            span_column = position
        else:
            ignored.append(name)
    if not metadata and document_column is None:
        raise ValidationError(NO_METADATA_MESSAGE.format(column=patch_document_column_name))
    if span_column is None:
        raise ValidationError(
            f"Missing required column: {SPAN_ID_COLUMN}. The dataframe must contain the span ID column "
            f"'{SPAN_ID_COLUMN}' (also read: span_id, spanId, span id)."
        )

    reader = _Reader(columns, validate)
    for key, position in metadata:
        reason = invalid_key_reason(key)
        if reason is not None:
            reader.column_problem(columns.names[position], f"the metadata key {_describe_key(key)} {reason}")
    result = reader.read(
        span_column,
        [(key, columns.names[position], columns.values(position)) for key, position in metadata],
        None if document_column is None else (columns.names[document_column], columns.values(document_column)),
    )
    result.ignored_columns = ignored
    if validate and reader.problems:
        raise _validation_error(reader.problems, columns)
    return result


class _Reader:
    """Reads the rows of one dataframe; collects the problems found."""

    def __init__(self, columns: _Columns, validate: bool) -> None:
        self.columns = columns
        self.validate = validate
        self.problems: list[tuple[int | None, str | None, str]] = []

    def column_problem(self, column: str, message: str) -> None:
        self.problems.append((None, column, message))

    def read(
        self,
        span_column: int,
        metadata: list[tuple[str, str, list[Any]]],
        document: tuple[str, list[Any]] | None,
    ) -> FramePatches:
        span_name = self.columns.names[span_column]
        span_ids = self.columns.values(span_column)
        plain = [_plain_values(values) for _, _, values in metadata]
        patches: dict[str, dict[str, Any] | RawDocument] = {}
        first_rows: dict[str, int] = {}
        blocked: dict[str, str] = {}
        nested: set[str] = set()
        unnamed: list[str] = []
        problems = self.problems
        fast = document is None and all(is_plain for is_plain, _ in plain) and _ready_span_ids(span_ids)
        if fast:
            # NOTE: the common frame (IDs as sent, every cell a plain value to send as it is) is read a row at a
            # time by zip, without a look at each cell: what reading costs beside sending stays small.
            keys = [key for key, _, _ in metadata]
            columns = zip(*(values for _, _, values in metadata), strict=True)
            rows = [dict(zip(keys, row_values, strict=True)) for row_values in columns]
            all_short = _columns_bound(metadata, plain) <= MAX_PATCH_LENGTH
            if all_short and len(set(span_ids)) == len(span_ids):
                return FramePatches(spans=list(zip(span_ids, rows, strict=True)), rows=len(rows))
            for row, (span_id, row_patch) in enumerate(zip(span_ids, rows, strict=True)):
                earlier = patches.get(span_id)
                if earlier is None:
                    patches[span_id] = row_patch
                    first_rows[span_id] = row
                elif isinstance(earlier, dict):
                    earlier.update(row_patch)
        for row in range(0 if fast else self.columns.length):
            try:
                span_id = read_span_id(span_ids[row])
            except CellProblem as problem:
                span_id, message = None, f"the span ID cannot be read: {problem}"
            else:
                message = "the span ID is blank"
            if span_id is None:
                problems.append((row, span_name, message))
                unnamed.append(f"[patch_failure] Row {self._label(row)}: {message}")
                continue
            if len(span_id) > MAX_SPAN_ID_LENGTH:
                problems.append(
                    (row, span_name, f"the span ID is longer than {MAX_SPAN_ID_LENGTH} characters ({len(span_id)})")
                )
            fields: dict[str, Any] = {}
            for (key, name, values), (is_plain, _) in zip(metadata, plain, strict=True):
                if is_plain:
                    fields[key] = values[row]
                    continue
                try:
                    value = read_cell(values[row])
                except CellProblem as problem:
                    self._block(blocked, span_id, row, name, str(problem))
                    continue
                if value is not SKIP:
                    fields[key] = value
                    if type(value) is dict or type(value) is list:
                        nested.add(span_id)
            patch: dict[str, Any] | RawDocument = fields
            if document is not None:
                found = self._document(row, span_id, document, blocked, nested)
                if isinstance(found, RawDocument):
                    patch = found
                elif found:
                    fields.update(found)
            if span_id not in first_rows:
                first_rows[span_id] = row
                patches[span_id] = patch
                continue
            # NOTE: rows of one span merge in row order (SPEC §4); a document that is not an object fails the
            # whole span on the server, as an error on any of its rows blocks it in the app.
            earlier = patches[span_id]
            if isinstance(patch, RawDocument):
                patches[span_id] = patch
            elif not isinstance(earlier, RawDocument):
                earlier.update(patch)

        # Every span's patch is within the length limit when the longest cells of all columns together are.
        all_short = fast and _columns_bound(metadata, plain) <= MAX_PATCH_LENGTH
        result = FramePatches(rows=self.columns.length)
        result.blocked = [("", message) for message in unnamed]
        for span_id, patch in patches.items():
            if span_id in blocked:
                result.blocked.append((span_id, blocked[span_id]))
                continue
            if isinstance(patch, RawDocument):
                result.spans.append((span_id, patch))
                continue
            if not patch:
                result.empty.append(span_id)
                continue
            if not all_short and (span_id in nested or _length_bound(patch) > MAX_PATCH_LENGTH):
                self._check_limits(first_rows[span_id], patch)
            result.spans.append((span_id, patch))
        return result

    def _document(
        self,
        row: int,
        span_id: str,
        document: tuple[str, list[Any]],
        blocked: dict[str, str],
        nested: set[str],
    ) -> dict[str, Any] | RawDocument | None:
        name, values = document
        cell = values[row]
        if is_missing(cell):
            return None
        if isinstance(cell, str):
            if not cell or cell.isspace():
                return None
            try:
                parsed = json.loads(cell, parse_constant=_refuse_constant)
            except ValueError as error:
                self.problems.append((row, name, f"the patch_document is not valid JSON ({error})"))
                return RawDocument(str(cell))
            if not isinstance(parsed, dict):
                self.problems.append(
                    (row, name, f"the patch_document must be a JSON object, but it is {_json_kind(parsed)}")
                )
                return RawDocument(str(cell))
            cell = parsed
        elif not isinstance(cell, Mapping):
            try:
                value = to_json_value(cell)
            except CellProblem as problem:
                self._block(blocked, span_id, row, name, str(problem))
                return None
            self.problems.append(
                (row, name, f"the patch_document must be a dict or its JSON text, but it is {_json_kind(value)}")
            )
            return RawDocument(value)
        patch: dict[str, Any] = {}
        for key, item in cell.items():
            text_key = key if isinstance(key, str) else str(key)
            reason = invalid_key_reason(text_key)
            if reason is not None:
                self.problems.append((row, name, f"the key {_describe_key(text_key)} {reason}"))
            try:
                value = read_document_value(item)
            except CellProblem as problem:
                self._block(blocked, span_id, row, name, f"'{text_key}': {problem}")
                continue
            if value is SKIP:
                continue
            patch[text_key] = value
            if type(value) is dict or type(value) is list:
                nested.add(span_id)
        return patch

    def _block(self, blocked: dict[str, str], span_id: str, row: int, column: str, message: str) -> None:
        self.problems.append((row, column, message))
        if span_id not in blocked:
            blocked[span_id] = f"[patch_failure] Row {self._label(row)}, column '{column}': {message}"

    def _check_limits(self, row: int, patch: dict[str, Any]) -> None:
        depth = json_depth(patch, MAX_PATCH_DEPTH)
        if depth > MAX_PATCH_DEPTH:
            self.problems.append(
                (row, None, f"the span's patch nests more than {MAX_PATCH_DEPTH} levels deep (the limit)")
            )
            return
        length = stored_length(patch)
        if length > MAX_PATCH_LENGTH:
            self.problems.append(
                (
                    row,
                    None,
                    f"the span's patch is {length:,} characters of JSON as stored; the limit is {MAX_PATCH_LENGTH:,}",
                )
            )

    def _label(self, row: int) -> object:
        return self.columns.labels()[row]


def read_span_id(value: object) -> str | None:
    """A span ID cell as it is sent (SPEC §5): trimmed, uppercase hex lowercased; None when it is blank."""
    if type(value) is str:
        text = value.strip()
    elif is_missing(value):
        return None
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        plain = to_json_value(value) if not isinstance(value, str) else str(value)
        if isinstance(plain, float) and plain.is_integer():
            plain = int(plain)
        text = (plain if isinstance(plain, str) else json.dumps(plain)).strip()
    if not text:
        return None
    if text != text.lower() and _HEX.fullmatch(text):
        return text.lower()
    return text


def invalid_key_reason(key: str) -> str | None:
    """Why the server refuses a metadata key (SPEC §5), in words, or None when it takes it."""
    if key == "":
        return "is empty"
    if key.isspace():
        return "is only whitespace"
    if len(key) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    control = _CONTROL.search(key)
    if control is not None:
        return f"holds a control character (U+{ord(control.group()):04X})"
    if key in _RESERVED_KEYS:
        return "is reserved"
    return None


def json_depth(value: object, limit: int) -> int:
    """How deep a value nests, as the SDK counts (``{"a": 1}`` is 2); stops counting past ``limit``."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(current, dict):
            pending.extend((child, depth + 1) for child in current.values())
        elif isinstance(current, list):
            pending.extend((child, depth + 1) for child in current)
    return deepest


def stored_length(patch: Mapping[str, Any]) -> int:
    """Characters of the patch's compact JSON once stored (SPEC §3): booleans as ``"true"``/``"false"``, nested
    objects and lists as JSON text; the size the server holds to MAX_PATCH_LENGTH."""
    length = 1 + len(patch)  # the braces, the commas between entries
    for key, value in patch.items():
        length += len(json.dumps(key, ensure_ascii=False)) + 1
        if isinstance(value, bool):
            length += 6 if value else 7
        elif isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            length += len(json.dumps(text, ensure_ascii=False))
        elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
            length += len(str(int(value)))  # as JavaScript writes it: 2, not 2.0
        else:
            length += len(json.dumps(value, ensure_ascii=False))
    return length


def _ready_span_ids(values: list[Any]) -> bool:
    """True when every span ID is already as it is sent: text, not blank, trimmed, without uppercase, not too long.
    NOTE: checked on all of them joined, in a few passes of C rather than a step of Python per ID."""
    if not values or set(map(type, values)) != {str}:
        return False
    if min(map(len, values)) == 0 or max(map(len, values)) > MAX_SPAN_ID_LENGTH:
        return False
    joined = "\x00".join(values)
    return joined.lower() == joined and _SPACE_AT_AN_END.search(joined) is None


def _plain_values(values: list[Any]) -> tuple[bool, int]:
    """Whether each of a column's values is sent as it is (an integer, a boolean, a finite float, or text that is
    neither blank nor ``null``), and the length of its longest text."""
    kinds = set(map(type, values))
    if kinds <= {int, bool}:
        return True, 0
    if kinds <= {int, bool, float}:
        finite = math.inf not in values and -math.inf not in values and not any(value != value for value in values)
        return finite, 0
    if kinds != {str}:
        return False, 0
    distinct = set(values)  # NOTE: a review's columns repeat few values: each is looked at once.
    for value in distinct:
        if not value or value.isspace() or (len(value) < 16 and value.strip().lower() == "null"):
            return False, 0
    return True, max(map(len, distinct), default=0)


def _columns_bound(metadata: list[tuple[str, str, list[Any]]], plain: list[tuple[bool, int]]) -> int:
    """An upper bound of the stored length of any span's patch made of these plain columns alone."""
    bound = 2
    for (key, _, _), (_, longest) in zip(metadata, plain, strict=True):
        bound += 6 * len(key) + (6 * longest + 2 if longest else 32) + 4
    return bound


def _length_bound(patch: Mapping[str, Any]) -> int:
    """An upper bound of the patch's stored length, cheap enough for every span: a character escapes to at most 6."""
    bound = 2
    for key, value in patch.items():
        bound += 6 * len(key) + (6 * len(value) if type(value) is str else 32) + 4
    return bound


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _describe_key(key: str) -> str:
    shown = _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", key[:64])
    return f"'{shown}'" + ("…" if len(key) > 64 else "")


def _validation_error(found: list[tuple[int | None, str | None, str]], columns: _Columns) -> ValidationError:
    labels = columns.labels()
    in_order = sorted(found, key=lambda problem: -1 if problem[0] is None else problem[0])
    problems = [Problem(None if row is None else labels[row], column, message) for row, column, message in in_order]
    listed = [f"- {problem}" for problem in problems[:_LISTED_PROBLEMS]]
    if len(problems) > _LISTED_PROBLEMS:
        listed.append(f"- … and {len(problems) - _LISTED_PROBLEMS:,} more (all of them in error.problems)")
    return ValidationError(
        "The dataframe cannot be sent as it is (validate=True), so nothing was sent:\n"
        + "\n".join(listed)
        + "\nFix these rows (df.loc[error.rows] shows them), or pass validate=False to send the rest: the rows "
        "the server cannot take then fail one by one in the response.",
        problems,
    )


def _table_columns(data: object) -> _Columns:
    """The columns of a dataframe, a dict of columns, a list of row dicts or a pyarrow Table."""
    columns = getattr(data, "columns", None)
    iloc = getattr(data, "iloc", None)
    if columns is not None and iloc is not None:  # pandas
        names = [str(name) for name in columns]
        length = len(data)  # type: ignore[arg-type]
        return _Columns(
            names,
            lambda position: _as_list(iloc[:, position]),
            length,
            _once(lambda: list(getattr(data, "index", range(length)))),
        )
    column_names = getattr(data, "column_names", None)
    column = getattr(data, "column", None)
    if column_names is not None and callable(column):  # pyarrow
        names = [str(name) for name in column_names]
        length = int(getattr(data, "num_rows", 0))
        return _Columns(names, lambda position: _as_list(column(position)), length, lambda: list(range(length)))
    if columns is not None and not isinstance(data, Mapping):  # polars and the like: columns by name
        names = [str(name) for name in columns]
        table: Any = data
        length = len(table)
        return _Columns(
            names, lambda position: _as_list(table[list(columns)[position]]), length, lambda: list(range(length))
        )
    if isinstance(data, Mapping):
        keys = list(data.keys())
        lists = [_as_list(data[key]) for key in keys]
        lengths = {len(values) for values in lists}
        if len(lengths) > 1:
            raise ValidationError(
                "The columns of the dataframe have different lengths: "
                + ", ".join(f"'{key}' {len(values)}" for key, values in zip(keys, lists, strict=True))
            )
        length = lengths.pop() if lengths else 0
        return _Columns(
            [str(key) for key in keys], lambda position: lists[position], length, lambda: list(range(length))
        )
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        rows = list(data)
        row_names: list[str] = []
        seen: set[str] = set()
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValidationError(f"Row {index} of the list is a {type(row).__name__}, not a dict of columns.")
            for key in row:
                if str(key) not in seen:
                    seen.add(str(key))
                    row_names.append(str(key))
        return _Columns(
            row_names,
            lambda position: [_row_value(row, row_names[position]) for row in rows],
            len(rows),
            lambda: list(range(len(rows))),
        )
    raise ValidationError(
        "dataframe must be a pandas DataFrame (or a dict of columns, a list of row dicts), "
        f"not a {type(data).__name__}."
    )


def _row_value(row: Mapping[Any, Any], name: str) -> Any:
    if name in row:
        return row[name]
    for key, value in row.items():
        if str(key) == name:
            return value
    return None


def _as_list(column: object) -> list[Any]:
    """A column's values as a list: pandas' and numpy's ``tolist()`` gives Python's own scalars, fast."""
    for method in ("tolist", "to_list", "to_pylist"):
        convert = getattr(column, method, None)
        if callable(convert):
            values = convert()
            if isinstance(values, list):
                return values
    if isinstance(column, (str, bytes)) or not hasattr(column, "__iter__"):
        raise ValidationError(f"A column must be a list of values, not a {type(column).__name__}.")
    return list(column)


def _once(compute: Callable[[], list[object]]) -> Callable[[], list[object]]:
    cache: list[list[object]] = []

    def get() -> list[object]:
        if not cache:
            cache.append(compute())
        return cache[0]

    return get
