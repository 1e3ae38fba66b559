"""``get_spans`` (pull spans with their metadata into a DataFrame), the notebook loop "pull, tag in pandas, send
back", ``history`` and ``revert``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from helpers import WRITE_KEY, ingest, span_id, stored_metadata

from spanpatch import Client, RequestRejectedError, SubmissionNotFoundError


def test_get_spans_gives_the_spans_with_their_metadata_as_columns(server_url: str, project: str) -> None:
    ingest(
        server_url,
        project,
        [(span_id(1), {"quality": 2, "reviewer": "ana"}), (span_id(2), {"quality": 4}), span_id(3)],
    )
    frame = Client(url=server_url).get_spans(project)
    assert list(frame.columns) == [
        "context.span_id",
        "context.trace_id",
        "parent_id",
        "name",
        "span_kind",
        "start_time",
        "attributes.metadata.quality",
        "attributes.metadata.reviewer",
    ]
    assert list(frame["context.span_id"]) == [span_id(3), span_id(2), span_id(1)]  # newest first
    assert list(frame["span_kind"]) == ["LLM", "LLM", "LLM"]
    assert frame["attributes.metadata.quality"].tolist()[1:] == [4, 2]
    assert np.isnan(frame["attributes.metadata.quality"].tolist()[0])
    assert frame["attributes.metadata.reviewer"].tolist()[2] == "ana"


def test_get_spans_by_id_keeps_their_order_and_names_those_missing(
    server_url: str, project: str, caplog: pytest.LogCaptureFixture
) -> None:
    ingest(server_url, project, [span_id(n) for n in range(1, 6)])
    wanted = pd.Series([span_id(4), "ffffffffffffffff", span_id(1), span_id(4)])
    frame = Client(url=server_url).get_spans(project, span_ids=wanted)
    assert list(frame["context.span_id"]) == [span_id(4), span_id(1)]
    assert frame.attrs["missing_span_ids"] == ["ffffffffffffffff"]
    assert f"1 of the 3 span IDs asked for are not in project '{project}': ffffffffffffffff" in caplog.messages


def test_get_spans_by_a_filter_page_after_page(server_url: str, project: str) -> None:
    ingest(server_url, project, [(span_id(n), {"quality": n % 5}) for n in range(1, 2_501)])
    client = Client(url=server_url)
    low = client.get_spans(project, filter={"metadata": [{"key": "quality", "op": "lt", "value": np.int64(2)}]})
    assert len(low) == 1_000
    assert set(low["attributes.metadata.quality"]) == {0, 1}
    assert len(client.get_spans(project)) == 2_500
    assert len(client.get_spans(project, limit=1_500)) == 1_500
    by_text = client.get_spans(project, filter={"text": span_id(7)})
    assert list(by_text["context.span_id"]) == [span_id(7)]


def test_the_notebook_loop_pull_tag_send_back(server_url: str, project: str) -> None:
    ingest(server_url, project, [(span_id(n), {"quality": n}) for n in range(1, 6)])
    client = Client(url=server_url)

    df = client.get_spans(project, filter={"metadata": [{"key": "quality", "op": "gt", "value": 2}]})
    df["attributes.metadata.reviewed"] = df["attributes.metadata.quality"] >= 4
    response = client.log_metadata(dataframe=df, project_name=project)

    assert (response.spans_processed, response.spans_updated, response.spans_failed) == (3, 3, 0)
    assert stored_metadata(server_url, project, [span_id(n) for n in range(1, 6)]) == {
        span_id(1): {"quality": 1},
        span_id(2): {"quality": 2},
        span_id(3): {"quality": 3, "reviewed": "false"},
        span_id(4): {"quality": 4, "reviewed": "true"},
        span_id(5): {"quality": 5, "reviewed": "true"},
    }
    # The frame sent back as it is changes nothing more.
    again = client.log_metadata(dataframe=client.get_spans(project), project_name=project)
    assert (again.spans_updated, again.spans_unchanged) == (5, 5)


def test_history_and_revert(server_url: str, project: str) -> None:
    ids = [span_id(1), span_id(2)]
    ingest(server_url, project, [(ids[0], {"status": "open"}), ids[1]])
    client = Client(url=server_url)
    sent = client.log_metadata(
        dataframe=pd.DataFrame({"context.span_id": ids, "attributes.metadata.status": ["closed", "closed"]}),
        project_name=project,
        label="closing",
    )
    history = client.history(project)
    assert list(history["id"]) == [sent.submission_id]
    assert list(history["label"]) == ["closing"]
    assert list(history["kind"]) == ["patch"]

    dry = client.revert(str(sent.submission_id), dry_run=True)
    assert (dry.spans_processed, dry.spans_updated, dry.spans_failed) == (2, 2, 0)
    assert stored_metadata(server_url, project, ids) == {ids[0]: {"status": "closed"}, ids[1]: {"status": "closed"}}

    reverted = client.revert(str(sent.submission_id))
    assert (reverted.spans_updated, reverted.spans_failed) == (2, 0)
    assert stored_metadata(server_url, project, ids) == {ids[0]: {"status": "open"}, ids[1]: {}}
    history = client.history(project)
    assert list(history["kind"]) == ["revert", "patch"]
    assert list(history["reverted_by"])[1] == reverted.submission_id

    with pytest.raises(RequestRejectedError, match="answered 422"):
        client.revert(str(sent.submission_id))
    with pytest.raises(SubmissionNotFoundError, match="has no such submission"):
        client.revert("no-such-submission")


def test_a_span_changed_since_is_left_as_it_is_by_a_revert(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1), span_id(2)])
    client = Client(url=server_url)
    frame = pd.DataFrame({"context.span_id": [span_id(1), span_id(2)], "attributes.metadata.tag": ["a", "a"]})
    first = client.log_metadata(dataframe=frame, project_name=project)
    client.log_metadata(
        dataframe=pd.DataFrame({"context.span_id": [span_id(1)], "attributes.metadata.tag": ["b"]}),
        project_name=project,
    )
    reverted = client.revert(str(first.submission_id))
    assert (reverted.spans_updated, reverted.spans_failed) == (1, 1)
    assert reverted.errors[0].error_type == "revert_conflict"
    assert stored_metadata(server_url, project, [span_id(1), span_id(2)]) == {
        span_id(1): {"tag": "b"},
        span_id(2): {},
    }


def test_without_pandas_it_reads_a_dict_of_columns_and_gives_lists_of_dicts(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["pandas"] = None  # pandas cannot be imported
        sys.modules["numpy"] = None
        from spanpatch import Client
        client = Client(url={server_url!r})
        response = client.log_metadata(
            dataframe={{"context.span_id": [{span_id(1)!r}], "attributes.metadata.tag": ["plain"]}},
            project_name={project!r},
        )
        assert response.spans_updated == 1, response
        spans = client.get_spans({project!r})
        assert isinstance(spans, list), type(spans)
        assert spans[0]["attributes.metadata.tag"] == "plain", spans
        assert isinstance(client.history({project!r}), list)
        print("ok")
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_verbose_shows_its_lines_when_logging_is_not_set_up(server_url: str, project: str) -> None:
    ingest(server_url, project, [span_id(1)])
    script = textwrap.dedent(
        f"""
        import pandas as pd
        from spanpatch import Client
        Client(url={server_url!r}).log_metadata(
            dataframe=pd.DataFrame({{"context.span_id": [{span_id(1)!r}], "attributes.metadata.tag": ["v"]}}),
            project_name={project!r},
            verbose=True,
        )
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[0] == "spanpatch: read 1 row: 1 span to send"
    assert lines[2] == "spanpatch: batch 1/1 (1 span): 1 updated, 0 failed"
    assert lines[3].startswith("spanpatch: done: 1 span processed, 1 updated, 0 failed; submission ")


def test_history_of_one_person(keyed_server_url: str, project: str) -> None:
    ids = [span_id(1)]
    ingest(keyed_server_url, project, [ids[0]], headers={"Authorization": f"Bearer {WRITE_KEY}"})
    client = Client(url=keyed_server_url, api_key=WRITE_KEY)
    sent = client.log_metadata(
        dataframe=pd.DataFrame({"context.span_id": ids, "attributes.metadata.status": ["closed"]}),
        project_name=project,
    )
    assert list(client.history(project)["id"]) == [sent.submission_id]
    # Sent with a service key, the submission is no person's: the server asked for one person's answers none.
    assert len(client.history(project, person="ana")) == 0
