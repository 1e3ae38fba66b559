"""A reference client: sends a metadata DoPut from a pandas dataframe exactly as the Arize SDK does, so that a test
can compare Spanpatch's request with the SDK's, field by field, on the emulator.

The SDK cannot be installed here, so its request construction is reproduced from its source (arize 8.42.0); each
step names the file and function it mirrors. The SDK's validations (`validate=True`) are left out: they refuse
input, they do not change what is sent.

    ARIZE_API_KEY=KEY python tests/arize/reference_client.py --space-id SPACE --project PROJECT --port N \
        (--input DATAFRAME.json | --generate ROWS)

--input reads {"columns": {name: [values]}, "dtypes": {name: "object"}} into a DataFrame. --generate builds ROWS
rows of five metadata columns (as the benchmark sends). Prints one JSON line: the SDK's response dict and timings.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.flight as flight

from arize_wire import decode_metadata_response, encode_tracing_schema

# NOTE: the SDK requires pandas < 3 (pyproject.toml), where text columns are `object` columns that pyarrow types as
# `string`. pandas 3 infers its own string dtype, which pyarrow types as `large_string`; this switch gives pandas 2's
# behaviour, so the request is the one the SDK sends.
if int(pd.__version__.split(".")[0]) >= 3:
    pd.set_option("future.infer_string", False)

SDK_VERSION = "8.42.0"  # src/arize/version.py of the SDK source this mirrors
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"  # _headers.py
DEFAULT_PYARROW_MAX_CHUNKSIZE = 10_000  # constants/config.py
SPAN_SPAN_ID_COL = "context.span_id"  # spans/columns.py


def reset_dataframe_index(dataframe: pd.DataFrame) -> None:
    """utils/dataframe.py reset_dataframe_index."""
    if not isinstance(dataframe.index, pd.RangeIndex):
        drop = dataframe.index.name in dataframe.columns
        dataframe.reset_index(inplace=True, drop=drop)


def remove_extraneous_columns(df: pd.DataFrame, column_list: list[str]) -> pd.DataFrame:
    """utils/dataframe.py remove_extraneous_columns (column_list only): NOTE the column order is a set's order."""
    relevant_columns = set(column_list)
    final_columns = list(set(df.columns) & relevant_columns)
    return df.filter(items=final_columns)


def build_patch_document(row: pd.Series) -> dict[str, object]:
    """spans/client.py _build_patch_document (its two branches, for iterables and scalars, do the same)."""
    patch = {}
    for key in row.index:
        if key.startswith("attributes.metadata."):
            field_name = key.replace("attributes.metadata.", "")
            patch[field_name] = row[key]
    return patch


def process_patch_document(metadata_df, patch_document_column_name, field_patches, row_idx) -> dict[str, object]:
    """spans/client.py _process_patch_document."""
    field_patch = field_patches.iloc[row_idx]
    patch_doc = metadata_df.loc[row_idx, patch_document_column_name]
    if patch_doc is None:
        explicit_patch = {}
    elif isinstance(patch_doc, float) and np.isnan(patch_doc):
        explicit_patch = {}
    elif isinstance(patch_doc, dict):
        explicit_patch = patch_doc
    elif isinstance(patch_doc, str):
        try:
            explicit_patch = json.loads(patch_doc)
            if not isinstance(explicit_patch, dict):
                explicit_patch = {}
        except json.JSONDecodeError:
            explicit_patch = {}
    else:
        explicit_patch = {}
    return {**field_patch, **explicit_patch}


def ensure_dict_patch(metadata_df, final_patch_column, row_idx) -> dict[str, object]:
    """spans/client.py _ensure_dict_patch (its validation errors left out)."""
    patch = metadata_df.loc[row_idx, final_patch_column]
    if patch is None:
        return {}
    if isinstance(patch, float) and np.isnan(patch):
        return {}
    if isinstance(patch, dict):
        return patch
    if isinstance(patch, str):
        try:
            parsed = json.loads(patch)
            if isinstance(parsed, dict):
                return parsed
        except json.JSONDecodeError:
            return {}
    return {}


def metadata_table(dataframe: pd.DataFrame, patch_document_column_name: str = "patch_document") -> pa.Table:
    """spans/client.py SpansClient.update_metadata, from its dataframe to the Arrow table it sends."""
    metadata_df = dataframe.copy()
    reset_dataframe_index(dataframe=metadata_df)
    metadata_prefix = "attributes.metadata."
    metadata_fields = [col for col in metadata_df.columns if col.startswith(metadata_prefix)]
    has_metadata_fields = len(metadata_fields) > 0
    has_patch_document = patch_document_column_name in metadata_df.columns
    if not has_metadata_fields and not has_patch_document:
        raise ValueError(
            f"No metadata fields found. Either provide columns with prefix '{metadata_prefix}' "
            f"or a '{patch_document_column_name}' column with JSON patch documents."
        )
    final_patch_column = "patch_document"
    if final_patch_column not in metadata_df.columns:
        metadata_df[final_patch_column] = None
    if has_metadata_fields:
        field_patches = metadata_df.apply(build_patch_document, axis=1)
        if has_patch_document:
            merged_patches = [
                process_patch_document(metadata_df, patch_document_column_name, field_patches, idx)
                for idx in range(len(metadata_df))
            ]
            metadata_df[final_patch_column] = merged_patches
        else:
            metadata_df[final_patch_column] = field_patches
    elif has_patch_document and patch_document_column_name != final_patch_column:
        metadata_df[final_patch_column] = metadata_df[patch_document_column_name]
    processed_patches = []
    for idx in range(len(metadata_df)):
        patch = ensure_dict_patch(metadata_df, final_patch_column, idx)
        if patch:
            processed_patches.append(patch)
    metadata_df[final_patch_column] = processed_patches
    metadata_df = remove_extraneous_columns(df=metadata_df, column_list=[SPAN_SPAN_ID_COL, final_patch_column])
    metadata_df[final_patch_column] = metadata_df[final_patch_column].apply(
        lambda p: (json.dumps(p) if not isinstance(p, float) or not np.isnan(p) else json.dumps({}))
    )
    return pa.Table.from_pandas(metadata_df, preserve_index=False)


def flight_headers(api_key: str) -> list[tuple[bytes, bytes]]:
    """_headers.py _builtin_flight_headers, byte-encoded as _flight/client.py ArizeFlightClient.headers does."""
    headers = {
        "origin": "arize-logging-client",
        "auth-token-bin": api_key,
        "sdk-language": "python",
        "language-version": PYTHON_VERSION,
        "sdk-version": SDK_VERSION,
        "sdk-package-name": "arize",
    }
    return [(key.encode("utf-8"), value.encode("utf-8")) for key, value in headers.items()]


def log_arrow_table(
    scheme: str, host: str, port: int, api_key: str, space_id: str, project_name: str, pa_table: pa.Table
) -> dict:
    """_flight/client.py ArizeFlightClient.log_arrow_table (request type METADATA), then the SDK's
    _message_to_dict of the response (spans/client.py)."""
    proto_schema = encode_tracing_schema(project_name)  # utils/proto.py get_pb_schema_tracing
    base64_schema = base64.b64encode(proto_schema)
    metadata = pa_table.schema.metadata or {}  # append_to_pyarrow_metadata
    updated_metadata = dict(metadata)
    updated_metadata.update({"arize-schema": base64_schema})
    pa_schema = pa_table.schema.with_metadata(updated_metadata)
    # _get_pb_flight_doput_request + json_format.MessageToJson (indent 2, ensure_ascii, fields by number)
    doput_request = {"writeSpanAttributesMetadataRequest": {"spaceId": space_id, "externalModelId": project_name}}
    descriptor = flight.FlightDescriptor.for_command(json.dumps(doput_request, indent=2, ensure_ascii=True).encode("utf-8"))
    # _flight/client.py ArizeFlightClient._ensure_client
    client = flight.FlightClient(
        location=f"{scheme}://{host}:{port}", disable_server_verification=host.lower() == "localhost"
    )
    try:
        options = flight.FlightCallOptions(headers=flight_headers(api_key))
        flight_writer, flight_metadata_reader = client.do_put(descriptor, pa_schema, options=options)
        with flight_writer:
            flight_writer.write_table(pa_table, DEFAULT_PYARROW_MAX_CHUNKSIZE)
            flight_writer.done_writing()
            flight_response = flight_metadata_reader.read()
            if flight_response is None:
                raise RuntimeError("No response received from flight server during update")
    finally:
        client.close()
    return decode_metadata_response(flight_response.to_pybytes())


def generated_dataframe(rows: int) -> pd.DataFrame:
    """The benchmark's rows: span IDs 0…, five metadata keys of the store's three types."""
    index = np.arange(rows)
    return pd.DataFrame(
        {
            "context.span_id": [f"{i:016x}" for i in range(rows)],
            "attributes.metadata.reviewed": ["yes" if i % 2 == 0 else "no" for i in range(rows)],
            "attributes.metadata.reviewer": [f"analyst-{i % 7}" for i in range(rows)],
            "attributes.metadata.quality": (index % 5 + 1).astype(object),
            "attributes.metadata.score": (index % 100 + 0.5).astype(object),
            "attributes.metadata.label": [f"label {i % 13}" for i in range(rows)],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Send a metadata DoPut as the Arize SDK does.")
    parser.add_argument("--space-id", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scheme", default="grpc")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", help="a JSON file: {columns: {name: [values]}, dtypes: {name: dtype}}")
    source.add_argument("--generate", type=int, help="rows of generated metadata")
    args = parser.parse_args()
    api_key = os.environ.get("ARIZE_API_KEY", "")
    if args.input:
        with open(args.input, encoding="utf-8") as file:
            spec = json.load(file)
        dtypes = spec.get("dtypes", {})
        dataframe = pd.DataFrame(
            {name: pd.Series(values, dtype=dtypes.get(name)) for name, values in spec["columns"].items()}
        )
    else:
        dataframe = generated_dataframe(args.generate)
    started = time.perf_counter()
    table = metadata_table(dataframe)
    built = time.perf_counter()
    response = log_arrow_table(args.scheme, args.host, args.port, api_key, args.space_id, args.project, table)
    done = time.perf_counter()
    print(json.dumps({"response": response, "seconds": {"table": built - started, "do_put": done - built, "total": done - started}}))


if __name__ == "__main__":
    main()
