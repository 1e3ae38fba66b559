"""``Client.log_metadata`` and ``client.spans.update_metadata`` against a real server: what the server ends up
holding, the response, batches and submissions."""

from __future__ import annotations

import json
import logging
import re

import numpy as np
import pandas as pd
import pytest
from helpers import ingest, span_id, stored_metadata, submission_record

from spanpatch import Client, MetadataResponse, ValidationError


def test_values_of_every_kind_are_stored_as_the_server_converts_them(server_url: str, project: str) -> None:
    ids = [span_id(n) for n in range(1, 4)]
    ingest(server_url, project, [(ids[0], {"kept": "old"}), ids[1], ids[2]])
    frame = pd.DataFrame(
        {
            "context.span_id": ids,
            "attributes.metadata.count": np.array([1, 2, 3], dtype="int64"),
            "attributes.metadata.score": np.array([0.25, 0.5, 0.75], dtype="float64"),
            "attributes.metadata.reviewed": np.array([True, False, True]),
            "attributes.metadata.detail": [{"a": {"b": [1, 2]}}, [1, "two"], None],
            "attributes.metadata.a.b": ["flat", "flat", "flat"],
            "attributes.metadata.kept": [np.nan, pd.NA, "null"],
        }
    )
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert response.spans_updated == 3
    assert stored_metadata(server_url, project, ids) == {
        ids[0]: {
            "kept": "old",
            "count": 1,
            "score": 0.25,
            "reviewed": "true",
            "detail": '{"a":{"b":[1,2]}}',
            "a.b": "flat",
        },
        ids[1]: {"count": 2, "score": 0.5, "reviewed": "false", "detail": '[1,"two"]', "a.b": "flat"},
        ids[2]: {"count": 3, "score": 0.75, "reviewed": "true", "a.b": "flat", "kept": None},
    }


def test_missing_values_leave_what_the_span_holds(server_url: str, project: str) -> None:
    ids = [span_id(n) for n in range(1, 6)]
    ingest(server_url, project, [(span, {"tag": "old", "n": 1}) for span in ids])
    frame = pd.DataFrame(
        {
            "context.span_id": ids,
            "attributes.metadata.tag": pd.Series([np.nan, None, pd.NA, "", "new"], dtype=object),
            "attributes.metadata.n": pd.Series([pd.NA, pd.NA, 5, pd.NA, pd.NA], dtype="Int64"),
            "attributes.metadata.when": pd.Series([pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.NaT]),
        }
    )
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert (response.spans_processed, response.spans_updated, response.not_sent) == (2, 2, [ids[0], ids[1], ids[3]])
    assert stored_metadata(server_url, project, ids) == {
        ids[0]: {"tag": "old", "n": 1},
        ids[1]: {"tag": "old", "n": 1},
        ids[2]: {"tag": "old", "n": 5},
        ids[3]: {"tag": "old", "n": 1},
        ids[4]: {"tag": "new", "n": 1},
    }


def test_the_response_reads_as_attributes_and_as_a_dict(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    frame = pd.DataFrame({"context.span_id": [span_id(1), span_id(2)], "attributes.metadata.tag": ["a", "b"]})
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert isinstance(response, MetadataResponse) and isinstance(response, dict)
    assert response.spans_processed == response["spans_processed"] == 2
    assert response.spans_updated == response["spans_updated"] == 1
    assert response.spans_failed == response["spans_failed"] == 1
    assert response.errors == response["errors"]
    assert response.errors[0].span_id == response["errors"][0]["span_id"] == span_id(2)
    assert response.errors[0].error_type == "segment_not_found"
    assert response.submission_id == response["submission_id"]
    assert json.loads(json.dumps(response)) == dict(response)
    assert set(response) == {
        "spans_processed",
        "spans_updated",
        "spans_unchanged",
        "spans_failed",
        "errors",
        "submission_id",
        "not_sent",
    }


def test_unknown_spans_fail_one_by_one_and_the_rest_apply(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1), span_id(2)])
    frame = pd.DataFrame(
        {"context.span_id": [span_id(1), "ffffffffffffffff", span_id(2)], "attributes.metadata.tag": ["a", "b", "c"]}
    )
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (3, 2, 1)
    assert response.errors == [
        {
            "span_id": "ffffffffffffffff",
            "error_message": f"[segment_not_found] No span with ID 'ffffffffffffffff' in project '{project}'",
        }
    ]


def test_a_type_conflict_fails_that_span_only(server_url: str, project: str) -> None:
    ingest(server_url, project, [(span_id(1), {"score": 1}), span_id(2)])
    frame = pd.DataFrame({"context.span_id": [span_id(1), span_id(2)], "attributes.metadata.score": ["high", 3]})
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert response.spans_updated == 1
    assert [error.span_id for error in response.errors] == [span_id(1)]
    assert response.errors[0].error_message.startswith("[type_conflict] ")
    assert stored_metadata(server_url, project, [span_id(1), span_id(2)]) == {
        span_id(1): {"score": 1},
        span_id(2): {"score": 3},
    }


def test_patch_document_wins_over_the_columns_and_rows_of_a_span_merge(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    frame = pd.DataFrame(
        {
            "context.span_id": [span_id(1), span_id(1).upper()],
            "attributes.metadata.status": ["pending", np.nan],
            "attributes.metadata.reviewer": ["ana", "sam"],
            "patch_document": [{"status": "reviewed"}, '{"tags": ["refund"]}'],
        }
    )
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert (response.spans_processed, response.spans_updated) == (1, 1)
    assert stored_metadata(server_url, project, [span_id(1)])[span_id(1)] == {
        "status": "reviewed",
        "reviewer": "sam",
        "tags": '["refund"]',
    }


def test_twelve_thousand_rows_go_in_three_batches_as_one_submission(
    server_url: str, project: str, caplog: pytest.LogCaptureFixture
) -> None:
    ids = [span_id(n) for n in range(1, 12_001)]
    ingest(server_url, project, ids)
    frame = pd.DataFrame(
        {
            "context.span_id": ids,
            "attributes.metadata.reviewed": True,
            "attributes.metadata.quality": np.arange(12_000) % 5,
        }
    )
    caplog.set_level(logging.INFO, logger="spanpatch")
    response = Client(url=server_url).log_metadata(
        dataframe=frame, project_name=project, verbose=True, label="review of May"
    )
    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (12_000, 12_000, 0)
    record = submission_record(server_url, str(response.submission_id))
    assert (record["batches"], record["spans_updated"], record["label"]) == (3, 12_000, "review of May")
    assert len(record["changes"]) == 24_000
    batch_lines = sorted(message for message in caplog.messages if message.startswith("batch "))
    assert batch_lines == [
        "batch 1/3 (5,000 spans): 5,000 updated, 0 failed",
        "batch 2/3 (5,000 spans): 5,000 updated, 0 failed",
        "batch 3/3 (2,000 spans): 2,000 updated, 0 failed",
    ]
    assert caplog.messages[-1].startswith("done: 12,000 spans processed, 12,000 updated, 0 failed; submission ")
    history = Client(url=server_url).history(project)
    assert list(history["id"]) == [response.submission_id]


def test_sending_the_same_frame_again_changes_nothing(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1), span_id(2)])
    frame = pd.DataFrame({"context.span_id": [span_id(1), span_id(2)], "attributes.metadata.tag": ["a", "b"]})
    client = Client(url=server_url)
    client.log_metadata(dataframe=frame, project_name=project)
    again = client.log_metadata(dataframe=frame, project_name=project)
    assert (again.spans_updated, again.spans_unchanged) == (2, 2)
    assert submission_record(server_url, str(again.submission_id))["changes"] == []


def test_the_sdk_v8_form_spans_update_metadata(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    client = Client(space_id="U3BhY2U6MTIzNA==", url=server_url)
    response = client.spans.update_metadata(
        space_id="U3BhY2U6MTIzNA==",
        project_name=project,
        dataframe=pd.DataFrame({"context.span_id": [span_id(1)], "patch": [{"tag": "v8"}]}),
        patch_document_column_name="patch",
        validate=True,
    )
    assert response["spans_updated"] == 1
    assert stored_metadata(server_url, project, [span_id(1)])[span_id(1)] == {"tag": "v8"}


def test_value_errors_send_nothing(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    client = Client(url=server_url)
    with pytest.raises(ValueError, match=r"^No metadata fields found"):
        client.log_metadata(dataframe=pd.DataFrame({"context.span_id": [span_id(1)]}), project_name=project)
    with pytest.raises(ValidationError, match=re.escape("Row 1, column 'context.span_id': the span ID is blank")):
        client.log_metadata(
            dataframe=pd.DataFrame({"context.span_id": [span_id(1), None], "attributes.metadata.x": [1, 2]}),
            project_name=project,
        )
    with pytest.raises(ValueError, match="project_name must be a non-empty string"):
        client.log_metadata(
            dataframe=pd.DataFrame({"context.span_id": ["a"], "patch_document": [{}]}), project_name=""
        )
    assert stored_metadata(server_url, project, [span_id(1)])[span_id(1)] == {}
    assert len(client.history(project)) == 0


def test_without_validate_the_server_judges_each_span(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(n) for n in range(1, 6)])
    deep: object = 1
    for _ in range(10):
        deep = [deep]
    frame = pd.DataFrame(
        {
            "context.span_id": [span_id(1), span_id(2), span_id(3), span_id(4), None, span_id(5)],
            "attributes.metadata.score": [1.0, np.inf, 2.0, 3.0, 4.0, 5.0],
            "patch_document": ["{not json", None, {"text": "x" * 1_000_000}, {"deep": deep}, None, None],
        }
    )
    with pytest.raises(ValidationError) as raised:
        Client(url=server_url).log_metadata(dataframe=frame, project_name=project)
    assert "Row 2: the span's patch is 1,000,021 characters of JSON as stored" in str(raised.value)
    assert raised.value.rows == [0, 1, 2, 3, 4]
    response = Client(url=server_url).log_metadata(dataframe=frame, project_name=project, validate=False)
    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (6, 1, 5)
    by_span = {error.span_id: error.error_message for error in response.errors}
    assert by_span[""] == "[patch_failure] Row 4: the span ID is blank"
    assert by_span[span_id(1)].startswith("[parse_failure] patch_document is not valid JSON")
    assert by_span[span_id(2)].startswith("[patch_failure] Row 1, column 'attributes.metadata.score': inf is not")
    assert by_span[span_id(3)] == (
        "[patch_failure] patch_document is 1000021 characters of JSON; the limit is 1000000"
    )
    assert by_span[span_id(4)].startswith("[patch_failure] patch_document nests 12 levels deep; the limit is 10")
    assert stored_metadata(server_url, project, [span_id(5)])[span_id(5)] == {"score": 5.0}
