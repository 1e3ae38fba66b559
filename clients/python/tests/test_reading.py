"""Reading a dataframe into one patch per span (SPEC §1–§5), without a server: what each cell becomes, and the
ValueErrors of the SDK."""

from __future__ import annotations

import datetime
import decimal
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from spanpatch import ValidationError
from spanpatch._frame import RawDocument, read_frame
from spanpatch._transport import encode_json

SPAN = "61dbffb32f20ddb6"


def patches(frame: object, **options: object) -> dict[str, object]:
    read = read_frame(frame, **options)  # type: ignore[arg-type]
    return {span_id: patch.value if isinstance(patch, RawDocument) else patch for span_id, patch in read.spans}


def one_patch(column: str, values: list[object], dtype: str | None = None) -> list[object]:
    """The patch of each row of a one-column frame, its span IDs 1, 2, 3…"""
    frame = pd.DataFrame({"context.span_id": [f"{n:016x}" for n in range(1, len(values) + 1)]})
    frame[column] = pd.Series(values, dtype=dtype) if dtype else pd.Series(values, dtype=object)
    read = patches(frame)
    return [read.get(f"{n:016x}") for n in range(1, len(values) + 1)]


def test_missing_values_leave_the_key_and_the_text_null_sets_it_to_null() -> None:
    values = [np.nan, None, pd.NA, pd.NaT, "", "   ", "null", " NULL ", "kept"]
    assert one_patch("attributes.metadata.tag", values) == [
        None,
        None,
        None,
        None,
        None,
        None,
        {"tag": None},
        {"tag": None},
        {"tag": "kept"},
    ]
    read = read_frame(pd.DataFrame({"context.span_id": ["a", "b"], "attributes.metadata.tag": [np.nan, "x"]}))
    assert read.empty == ["a"]
    assert read.spans == [("b", {"tag": "x"})]


def test_missing_values_of_every_dtype_leave_the_key() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b"],
            "attributes.metadata.float": pd.Series([1.5, np.nan], dtype="float64"),
            "attributes.metadata.nullable_int": pd.Series([7, pd.NA], dtype="Int64"),
            "attributes.metadata.boolean": pd.Series([True, pd.NA], dtype="boolean"),
            "attributes.metadata.string": pd.Series(["x", None], dtype="string"),
            "attributes.metadata.when": pd.Series([pd.Timestamp("2025-05-05T12:00:00Z"), pd.NaT]),
            "attributes.metadata.category": pd.Series(["low", None], dtype="category"),
        }
    )
    assert patches(frame) == {
        "a": {
            "float": 1.5,
            "nullable_int": 7,
            "boolean": True,
            "string": "x",
            "when": "2025-05-05T12:00:00+00:00",
            "category": "low",
        }
    }


def test_numpy_and_pandas_scalars_become_plain_values() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b"],
            "attributes.metadata.count": np.array([3, 4], dtype="int64"),
            "attributes.metadata.small": np.array([1, 2], dtype="int8"),
            "attributes.metadata.score": np.array([0.5, 2.0], dtype="float64"),
            "attributes.metadata.ok": np.array([True, False]),
            "attributes.metadata.boxed": pd.Series([np.int64(5), np.float32(0.25)], dtype=object),
        }
    )
    read = patches(frame)
    assert read == {
        "a": {"count": 3, "small": 1, "score": 0.5, "ok": True, "boxed": 5},
        "b": {"count": 4, "small": 2, "score": 2.0, "ok": False, "boxed": 0.25},
    }
    for patch in read.values():
        assert isinstance(patch, dict)
        assert {type(value) for value in patch.values()} <= {int, float, bool}


def test_nested_dicts_lists_and_arrays_become_json_values() -> None:
    values = [
        {"a": {"b": [1, 2]}},
        [1, "two", None],
        np.array([1.5, np.nan]),
        {"n": np.int64(1), "missing": np.nan, 3: pd.NA},
        (1, 2),
    ]
    assert one_patch("attributes.metadata.detail", values) == [
        {"detail": {"a": {"b": [1, 2]}}},
        {"detail": [1, "two", None]},
        {"detail": [1.5, None]},
        {"detail": {"n": 1, "missing": None, "3": None}},
        {"detail": [1, 2]},
    ]


def test_times_decimals_and_bytes_become_json_values() -> None:
    values = [
        datetime.date(2025, 5, 5),
        datetime.datetime(2025, 5, 5, 12, 30),
        np.datetime64("2025-05-05T12:00:00"),
        decimal.Decimal("2.50"),
        decimal.Decimal("7"),
        b"bytes",
    ]
    assert one_patch("attributes.metadata.v", values) == [
        {"v": "2025-05-05"},
        {"v": "2025-05-05T12:30:00"},
        {"v": "2025-05-05T12:00:00"},
        {"v": 2.5},
        {"v": 7},
        {"v": "bytes"},
    ]


def test_the_key_is_everything_after_the_prefix_taken_literally() -> None:
    frame = pd.DataFrame(
        {
            " Context.Span_Id ": [SPAN],
            "attributes.metadata.a.b": ["flat"],
            "ATTRIBUTES.METADATA.Tag": ["any case"],
            "note": ["ignored"],
        }
    )
    read = read_frame(frame)
    assert read.spans == [(SPAN, {"a.b": "flat", "Tag": "any case"})]
    assert read.ignored_columns == ["note"]


def test_patch_document_as_dict_or_json_text_is_applied_after_the_columns() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b", "c", "d"],
            "attributes.metadata.status": ["pending", "pending", "pending", "pending"],
            "patch_document": [
                {"status": "reviewed", "n": np.int64(2)},
                '{"status": "reviewed", "tags": ["x"]}',
                None,
                "",
            ],
        }
    )
    assert patches(frame) == {
        "a": {"status": "reviewed", "n": 2},
        "b": {"status": "reviewed", "tags": ["x"]},
        "c": {"status": "pending"},
        "d": {"status": "pending"},
    }


def test_none_in_a_patch_document_is_null_and_nan_leaves_the_key() -> None:
    frame = pd.DataFrame({"context.span_id": ["a"], "patch_document": [{"gone": None, "skipped": np.nan}]})
    assert patches(frame) == {"a": {"gone": None}}


def test_a_patch_document_column_of_another_name() -> None:
    frame = pd.DataFrame({"context.span_id": ["a"], "patches": [{"status": "reviewed"}]})
    assert patches(frame, patch_document_column_name="patches") == {"a": {"status": "reviewed"}}


def test_rows_of_one_span_merge_in_row_order_later_rows_winning() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b", " A ".strip(), "a"],
            "attributes.metadata.x": [1, 2, np.nan, 3],
            "attributes.metadata.y": ["first", np.nan, "second", np.nan],
        }
    )
    read = read_frame(frame)
    assert read.spans == [("a", {"x": 3, "y": "second"}), ("b", {"x": 2})]


def test_span_ids_are_trimmed_and_uppercase_hex_lowercased() -> None:
    frame = pd.DataFrame(
        {"context.span_id": ["  61DBFFB32F20DDB6 ", "Span-1", 42, 7.0], "attributes.metadata.x": [1, 2, 3, 4]}
    )
    assert [span_id for span_id, _ in read_frame(frame).spans] == ["61dbffb32f20ddb6", "Span-1", "42", "7"]


def test_a_dict_of_columns_a_list_of_rows_and_a_pyarrow_table_read_as_a_dataframe() -> None:
    columns = {"context.span_id": ["a", "b"], "attributes.metadata.x": [1, None]}
    expected = {"a": {"x": 1}}
    assert patches(columns) == expected
    assert patches([{"context.span_id": "a", "attributes.metadata.x": 1}, {"context.span_id": "b"}]) == expected
    assert patches(pa.table(columns)) == expected


def test_what_is_sent_is_json_without_a_bare_nan() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b"],
            "attributes.metadata.score": [np.nan, 1.0],
            "patch_document": [{"list": [np.nan, np.inf * 0]}, None],
        }
    )
    read = read_frame(frame)
    body = encode_json({"spans": [{"span_id": s, "patch_document": p} for s, p in read.spans]}).decode()
    assert "NaN" not in body and "Infinity" not in body
    assert json.loads(body)["spans"][0]["patch_document"] == {"list": [None, None]}


def test_without_metadata_columns_it_raises_the_sdks_value_error() -> None:
    with pytest.raises(ValueError, match=r"^No metadata fields found\. Either provide columns with prefix "):
        read_frame(pd.DataFrame({"context.span_id": ["a"], "other": [1]}))
    with pytest.raises(ValueError, match="or a 'patches' column with JSON patch documents"):
        read_frame(pd.DataFrame({"context.span_id": ["a"]}), patch_document_column_name="patches")


def test_without_a_span_id_column_it_raises_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^Missing required column: context\.span_id"):
        read_frame(pd.DataFrame({"attributes.metadata.x": [1]}))


def test_validate_names_the_rows_of_null_span_ids_by_their_index_labels() -> None:
    frame = pd.DataFrame(
        {"context.span_id": ["a", None, np.nan, "  "], "attributes.metadata.x": [1, 2, 3, 4]},
        index=["r1", "r2", "r3", "r4"],
    )
    with pytest.raises(ValidationError) as raised:
        read_frame(frame)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.rows == ["r2", "r3", "r4"]
    assert "Row r2, column 'context.span_id': the span ID is blank" in str(error)
    assert "nothing was sent" in str(error)


def test_validate_refuses_a_patch_over_1_000_000_characters_or_deeper_than_10() -> None:
    deep: object = "leaf"
    for _ in range(10):
        deep = {"d": deep}
    frame = pd.DataFrame(
        {
            "context.span_id": ["big", "deep", "fine"],
            "patch_document": [{"text": "x" * 1_000_000}, {"deep": deep}, {"ok": {"a": [1]}}],
        }
    )
    with pytest.raises(ValidationError) as raised:
        read_frame(frame)
    messages = [str(problem) for problem in raised.value.problems]
    assert messages == [
        "Row 0: the span's patch is 1,000,011 characters of JSON as stored; the limit is 1,000,000",
        "Row 1: the span's patch nests more than 10 levels deep (the limit)",
    ]
    assert raised.value.rows == [0, 1]


def test_validate_refuses_patch_documents_that_are_not_json_objects() -> None:
    frame = pd.DataFrame({"context.span_id": ["a", "b", "c"], "patch_document": ["{not json", "[1, 2]", 5]})
    with pytest.raises(ValidationError) as raised:
        read_frame(frame)
    assert [(problem.row, problem.column) for problem in raised.value.problems] == [
        (0, "patch_document"),
        (1, "patch_document"),
        (2, "patch_document"),
    ]
    assert "not valid JSON" in raised.value.problems[0].message
    assert "must be a JSON object, but it is a list" in raised.value.problems[1].message


def test_validate_refuses_invalid_keys_and_values_json_cannot_carry() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b"],
            "attributes.metadata.": [1, 2],
            "attributes.metadata.score": [np.inf, 1.0],
            "patch_document": [{"__proto__": 1}, {"obj": object()}],
        }
    )
    with pytest.raises(ValidationError) as raised:
        read_frame(frame)
    assert [str(problem) for problem in raised.value.problems] == [
        "column 'attributes.metadata.': the metadata key '' is empty",
        "Row 0, column 'attributes.metadata.score': inf is not a finite number, which JSON cannot carry: leave "
        "the cell empty (NaN) to leave the key as it is, or write it as text",
        "Row 0, column 'patch_document': the key '__proto__' is reserved",
        "Row 1, column 'patch_document': 'obj': a value of type object cannot be sent as JSON: convert it to "
        "text, a number, a list or a dict",
    ]


def test_without_validate_what_cannot_be_sent_is_blocked_and_the_server_judges_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", None, "c", "d"],
            "attributes.metadata.score": [np.inf, 1.0, 2.0, 3.0],
            "patch_document": [None, None, "{not json", None],
        }
    )
    read = read_frame(frame, validate=False)
    assert read.blocked == [
        ("", "[patch_failure] Row 1: the span ID is blank"),
        (
            "a",
            "[patch_failure] Row 0, column 'attributes.metadata.score': inf is not a finite number, which JSON "
            "cannot carry: leave the cell empty (NaN) to leave the key as it is, or write it as text",
        ),
    ]
    assert read.spans == [("c", RawDocument("{not json")), ("d", {"score": 3.0})]


def test_a_frame_of_plain_cells_reads_the_same_as_any_other() -> None:
    # The fast path (plain cells, IDs as sent) and the cell-by-cell one agree, limits and IDs included.
    frame = pd.DataFrame(
        {
            "context.span_id": ["a", "b", "c"],
            "attributes.metadata.text": ["x" * 1_000_000, "y", "z"],
            "attributes.metadata.n": [1, 2, 3],
        }
    )
    with pytest.raises(ValidationError) as raised:
        read_frame(frame)
    assert [str(problem) for problem in raised.value.problems] == [
        "Row 0: the span's patch is 1,000,017 characters of JSON as stored; the limit is 1,000,000"
    ]
    frame["context.span_id"] = ["a", "b ", "C0FFEE"]
    read = read_frame(frame.iloc[1:])
    assert read.spans == [("b", {"text": "y", "n": 2}), ("c0ffee", {"text": "z", "n": 3})]
    fast = read_frame(pd.DataFrame({"context.span_id": ["a", "b", "a"], "attributes.metadata.n": [1, 2, 3]}))
    assert fast.spans == [("a", {"n": 3}), ("b", {"n": 2})]
