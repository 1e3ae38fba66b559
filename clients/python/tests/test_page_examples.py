"""The page Spanpatch is built around ("Logging Latent Metadata", Arize AX), run against Spanpatch.

Its Step 1, its three example dataframes (Method 1, 2, 3) and its Step 3 are copied here as printed there; the one
line changed is the import. The page's Step 3 cannot run as printed (see test_the_printed_step_3_needs_two_repairs),
so its two misprints are repaired, and nothing else.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import seed_spans, start_server, stop_server, stored_metadata

STEP_1 = """\
import os
import pandas as pd
from arize.pandas.logger import Client

# Replace these with your actual values
API_KEY = os.environ.get("ARIZE_API_KEY")       # Found in the Arize UI
SPACE_ID = os.environ.get("ARIZE_SPACE_ID")     # Found in the Arize UI
PROJECT_NAME = "YOUR_PROJECT_NAME"

arize_client = Client(
    space_id=SPACE_ID,
    api_key=API_KEY
    )
"""

METHOD_1 = """\
# Method 1: Using patch_document
metadata_df = pd.DataFrame({
    "context.span_id": ["span1"],
    "patch_document": [{"status": "reviewed"}],
})
"""

METHOD_2 = """\
# Method 2: Using metadata-prefixed columns
metadata_df = pd.DataFrame({
    "context.span_id": ["span1"],
    "attributes.metadata.status": ["reviewed"],
    "attributes.metadata.tag": ["important"]
})
"""

METHOD_3 = """\
# Method 3: Combining both
metadata_df = pd.DataFrame({
    "context.span_id": ["span1"],
    "attributes.metadata.tag": ["important"],
    "patch_document": [{"status": "reviewed"}],  # This takes precedence
})
"""

STEP_3 = """\
try:
    response = arize_client.log_metadata(
        dataframe=metadata_data,
        project_name=PROJECT_NAME,
        validate=True,
        verbose=True
    )

if response:
    print("✅ Metadata logged!")
    print(f"Spans updated: {response.spans_updated}")
else:
    print("⚠️ No response returned. Check logs or UI.")
except Exception as e:
    print(f"❌ Error logging metadata: {e}")
"""

SDK_IMPORT = "from arize.pandas.logger import Client"
SPANPATCH_IMPORT = "from spanpatch import Client"


def step_1_for_spanpatch() -> str:
    """Step 1 with the one line that changes: the import."""
    assert STEP_1.count(SDK_IMPORT) == 1
    return STEP_1.replace(SDK_IMPORT, SPANPATCH_IMPORT)


def runnable_step_3() -> str:
    """Step 3 with its two misprints repaired: the ``if``/``else`` block moved into the ``try`` (as printed it
    stands between ``try:`` and ``except``), and the dataframe the methods build, ``metadata_df``, passed under the
    name Step 3 uses, ``metadata_data``."""
    lines = STEP_3.splitlines()
    start, end = lines.index("if response:"), lines.index("except Exception as e:")
    indented = [f"    {line}" if line else line for line in lines[start:end]]
    return "metadata_data = metadata_df\n" + "\n".join([*lines[:start], *indented, *lines[end:]]) + "\n"


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose project YOUR_PROJECT_NAME holds the page's span, span1."""
    folder: Path = tmp_path_factory.mktemp("page-server")
    seed_spans(folder / "spans.db", "YOUR_PROJECT_NAME", ["span1"])
    server = start_server(folder)
    try:
        yield server.url
    finally:
        stop_server(server)


def run_page(method: str) -> str:
    """Runs Step 1, the method and Step 3 as one notebook cell would; what it prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(step_1_for_spanpatch() + method + runnable_step_3(), "<the page>", "exec"), {})
    return printed.getvalue()


def test_the_printed_step_3_needs_two_repairs() -> None:
    with pytest.raises(SyntaxError):
        compile(STEP_3, "<step 3 as printed>", "exec")
    assert "metadata_data" in STEP_3
    assert "metadata_data =" not in STEP_1 + METHOD_1 + METHOD_2 + METHOD_3
    compile(runnable_step_3(), "<step 3 repaired>", "exec")


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (METHOD_1, {"status": "reviewed"}),
        (METHOD_2, {"status": "reviewed", "tag": "important"}),
        (METHOD_3, {"status": "reviewed", "tag": "important"}),
    ],
    ids=["method 1: patch_document", "method 2: metadata columns", "method 3: both"],
)
def test_the_page_examples_run_against_spanpatch_with_only_the_import_changed(
    page_server: str, monkeypatch: pytest.MonkeyPatch, method: str, expected: dict[str, str]
) -> None:
    monkeypatch.setenv("SPANPATCH_URL", page_server)
    printed = run_page(method)
    assert printed.splitlines() == ["✅ Metadata logged!", "Spans updated: 1"]
    metadata = stored_metadata(page_server, "YOUR_PROJECT_NAME", ["span1"])["span1"]
    assert {key: metadata[key] for key in expected} == expected


def test_method_3_patch_document_takes_precedence(page_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPANPATCH_URL", page_server)
    conflicting = METHOD_3.replace('"attributes.metadata.tag"', '"attributes.metadata.status"').replace(
        '"important"', '"pending"'
    )
    assert run_page(conflicting).splitlines()[0] == "✅ Metadata logged!"
    assert stored_metadata(page_server, "YOUR_PROJECT_NAME", ["span1"])["span1"]["status"] == "reviewed"


def test_the_page_example_prints_the_error_when_the_server_is_not_there(
    monkeypatch: pytest.MonkeyPatch, unused_url: str
) -> None:
    monkeypatch.setenv("SPANPATCH_URL", unused_url)
    printed = io.StringIO()
    source = step_1_for_spanpatch().replace("api_key=API_KEY\n", "api_key=API_KEY, retry_base_delay=0.01\n")
    with contextlib.redirect_stdout(printed):
        exec(compile(source + METHOD_1 + runnable_step_3(), "<the page>", "exec"), {})
    assert printed.getvalue().startswith(
        "❌ Error logging metadata: Sending the metadata failed: could not reach the Spanpatch server at "
        f"{unused_url}"
    )
