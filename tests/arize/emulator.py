"""An emulator of Arize AX's Arrow Flight endpoint, for Spanpatch's tests (a real Flight peer on loopback).

    python tests/arize/emulator.py --space-id SPACE --api-key KEY [--project NAME ...] [--delay SECONDS]
                                   [--refuse-key] [--export-chunk ROWS]

Prints one line `{"port": N}` on standard output once it listens on 127.0.0.1:N, and serves until it is killed or
its standard input closes (so it never outlives the test run that started it).

What it does, call by call:
- DoPut (a metadata write, `spans.update_metadata` in the SDK): checks the request against what the Arize SDK sends
  (the descriptor's JSON and its MessageToJson format, the call headers, the Arrow schema, its `arize-schema`
  metadata decoded, the column types, the batch sizes); a request that differs is refused with INVALID_ARGUMENT
  naming each difference. Then applies each row's patch to the span held in memory with Arize's documented
  semantics: values are strings, integers or floats; booleans become "true"/"false"; objects and arrays become
  JSON text; null sets the key to null (it is not removed); a key's type is set by its first non-null value and an
  integer widens into a float key, anything else conflicts; each span atomically; an unknown span fails. It answers
  one PutResult whose app_metadata is the `WriteSpanAttributesMetadataResponse` protobuf.
- GetFlightInfo + DoGet: the spans export (`export_to_df`): checks the `RecordQueryDescriptor` JSON, answers the
  spans whose start time is in [start, end) with a ticket, and streams them in record batches.
- DoAction `emulator.*` (control calls, no key needed): `configure` (`delay`, `refuse_key`, `answer`: normal |
  garbage | none | contradict | error, `record_rows`), `seed` (spans for a project), `requests` (every DoPut and
  export query received, as JSON), `spans` (a project's spans), `reset`.
Every other call needs the API key in the `auth-token-bin` header; a wrong or missing key, or `refuse_key`, is
UNAUTHENTICATED.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import sys
import threading

import pyarrow as pa
import pyarrow.flight as flight

from arize_wire import decode_schema, encode_metadata_response, encode_tracing_schema

# The SDK's largest record batch (`constants/pyarrow.py` MAX_CHUNKSIZE; ARIZE_MAX_CHUNKSIZE may not exceed it).
MAX_CHUNKSIZE = 100_000
SDK_HEADERS = ("sdk-language", "language-version", "sdk-version", "sdk-package-name")
STRING_TYPES = (pa.string(), pa.large_string())
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def message_to_json(value: object) -> str:
    """How protobuf's `json_format.MessageToJson` prints a message: json.dumps, indent 2, ASCII only."""
    return json.dumps(value, indent=2, ensure_ascii=True)


class HeadersMiddleware(flight.ServerMiddleware):
    def __init__(self, headers: dict):
        self.headers = headers


class HeadersMiddlewareFactory(flight.ServerMiddlewareFactory):
    def start_call(self, info, headers):
        return HeadersMiddleware(headers)


def header_text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Project:
    def __init__(self) -> None:
        self.spans: dict[str, dict] = {}
        self.types: dict[str, str] = {}


def value_type(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Utf8"
    if isinstance(value, int):
        return "Int64"
    if isinstance(value, float):
        return "Float64"
    return "Utf8"


def stored_value(value: object) -> object:
    """A metadata value as Arize keeps it: booleans as text, objects and arrays as JSON text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


class ArizeEmulator(flight.FlightServerBase):
    def __init__(self, location: str, space_id: str, api_key: str, projects: list[str], export_chunk: int):
        super().__init__(location, middleware={"headers": HeadersMiddlewareFactory()})
        self.space_id = space_id
        self.api_key = api_key.encode("utf-8")
        self.export_chunk = export_chunk
        self.lock = threading.Lock()
        self.projects: dict[str, Project] = {name: Project() for name in projects}
        self.requests: list[dict] = []
        self.delay = 0.0
        self.refuse_key = False
        self.answer = "normal"
        self.record_rows = True
        self.release = threading.Event()

    # ----- helpers -----

    def headers_of(self, context) -> dict:
        middleware = context.get_middleware("headers")
        return middleware.headers if middleware is not None else {}

    def check_key(self, context) -> None:
        values = self.headers_of(context).get("auth-token-bin", [])
        if self.refuse_key or len(values) != 1 or values[0] != self.api_key:
            # NOTE: echoes the key it was given, as a careless server might: the client must keep it out of
            # every message it makes of this answer.
            given = ", ".join(header_text(value) for value in values)
            raise flight.FlightUnauthenticatedError(f"invalid API key '{given}'")

    def wait(self) -> None:
        """Waits `delay` seconds before answering; a reset ends the wait and the call, which then applies nothing."""
        if self.delay > 0 and self.release.wait(self.delay):
            raise flight.FlightCancelledError("the emulator was reset while this call waited")

    # ----- DoPut: metadata writes -----

    def check_descriptor(self, descriptor, problems: list[str]) -> dict | None:
        if descriptor.descriptor_type != flight.DescriptorType.CMD:
            problems.append("descriptor: not a command (CMD) descriptor")
            return None
        try:
            text = descriptor.command.decode("utf-8")
            parsed = json.loads(text)
        except (UnicodeDecodeError, ValueError) as error:
            problems.append(f"descriptor: the command is not JSON text ({error})")
            return None
        if text != message_to_json(parsed):
            problems.append("descriptor: the command is not printed as MessageToJson prints it (indent 2, ASCII)")
        request = parsed.get("writeSpanAttributesMetadataRequest") if isinstance(parsed, dict) else None
        if not isinstance(parsed, dict) or list(parsed) != ["writeSpanAttributesMetadataRequest"] or not isinstance(request, dict):
            problems.append("descriptor: expected {writeSpanAttributesMetadataRequest: {...}} and nothing else")
            return None
        if list(request) != ["spaceId", "externalModelId"]:
            problems.append(f"descriptor: expected the fields spaceId, externalModelId in that order, got {list(request)}")
        if request.get("spaceId") != self.space_id:
            problems.append(f"descriptor: spaceId {request.get('spaceId')!r} is not this space")
        if not isinstance(request.get("externalModelId"), str) or not request.get("externalModelId"):
            problems.append("descriptor: externalModelId (the project) is missing")
            return None
        return request

    def check_headers(self, headers: dict, problems: list[str]) -> None:
        if headers.get("origin") != ["arize-logging-client"]:
            problems.append(f"headers: origin is {headers.get('origin')!r}, not arize-logging-client")
        for name in SDK_HEADERS:
            values = headers.get(name, [])
            if len(values) != 1 or not header_text(values[0]):
                problems.append(f"headers: {name} is missing")

    def check_schema(self, schema: pa.Schema, project: str | None, problems: list[str]) -> dict:
        names = sorted(schema.names)
        if names != ["context.span_id", "patch_document"]:
            problems.append(f"schema: expected the columns context.span_id and patch_document, got {schema.names}")
        for field in schema:
            if field.type not in STRING_TYPES:
                problems.append(f"schema: column {field.name} is {field.type}, not a string")
        metadata = schema.metadata or {}
        raw = metadata.get(b"arize-schema")
        decoded: dict = {}
        if raw is None:
            problems.append("schema: no arize-schema metadata")
        else:
            try:
                decoded = decode_schema(base64.b64decode(raw, validate=True))
            except ValueError as error:
                problems.append(f"schema: arize-schema is not base64 of a Schema protobuf ({error})")
            expected = {
                "constants": {"model_id": project, "environment": "TRACING", "model_type": "GENERATIVE_LLM"},
                "arize_spans": {},
            }
            if decoded != expected:
                problems.append(f"schema: arize-schema is {decoded}, expected {expected}")
            elif project is not None and raw != base64.b64encode(encode_tracing_schema(project)):
                problems.append("schema: arize-schema is not serialized as protobuf serializes it")
        return decoded

    def apply_patch(self, project: Project | None, project_name: str, span_id: str, text: str) -> str | None:
        """Applies one span's patch; None when it is updated, else the error message."""
        try:
            patch = json.loads(text, parse_constant=reject_constant)
        except ValueError as error:
            return f"[parse_failure] patch_document is not JSON: {error}"
        if not isinstance(patch, dict):
            return f"[patch_failure] patch_document is a JSON {type(patch).__name__}, not an object"
        span = project.spans.get(span_id) if project is not None else None
        if span is None:
            return f"[segment_not_found] No span with ID '{span_id}' in project '{project_name}'"
        writes: dict[str, object] = {}
        new_types: dict[str, str] = {}
        for key, value in patch.items():
            if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
                return f"[patch_failure] '{key}' is an integer beyond 64 bits"
            if isinstance(value, float) and not math.isfinite(value):
                return f"[patch_failure] '{key}' is not a finite number"
            value_kind = value_type(value)
            stored_kind = project.types.get(key) or new_types.get(key)
            if value_kind is not None and stored_kind is not None and value_kind != stored_kind:
                if not (stored_kind == "Float64" and value_kind == "Int64"):
                    return f"[type_conflict] Type conflict on '{key}': stored {stored_kind}, patch has {value_kind}"
            if value_kind is not None and stored_kind is None:
                new_types[key] = value_kind
            stored = stored_value(value)
            if stored_kind == "Float64" and isinstance(stored, int) and not isinstance(stored, bool):
                stored = float(stored)
            writes[key] = stored
        project.types.update(new_types)
        span["metadata"].update(writes)
        return None

    def do_put(self, context, descriptor, reader, writer):
        self.check_key(context)
        headers = self.headers_of(context)
        problems: list[str] = []
        request = self.check_descriptor(descriptor, problems)
        project_name = request.get("externalModelId") if request else None
        self.check_headers(headers, problems)
        decoded_schema = self.check_schema(reader.schema, project_name, problems)
        batches = []
        for chunk in reader:
            batch = chunk.data
            if batch is None:
                continue
            if batch.num_rows > MAX_CHUNKSIZE:
                problems.append(f"data: a record batch of {batch.num_rows} rows (the SDK sends at most {MAX_CHUNKSIZE})")
            batches.append(batch)
        span_ids: list = []
        patches: list = []
        for batch in batches:
            if "context.span_id" in batch.schema.names and "patch_document" in batch.schema.names:
                span_ids.extend(batch.column("context.span_id").to_pylist())
                patches.extend(batch.column("patch_document").to_pylist())
        if any(not isinstance(value, str) or value == "" for value in span_ids):
            problems.append("data: a span ID is null or empty")
        if any(not isinstance(value, str) for value in patches):
            problems.append("data: a patch_document is null")
        record = {
            "kind": "do_put",
            "descriptor": {
                "type": "CMD" if descriptor.descriptor_type == flight.DescriptorType.CMD else "PATH",
                "command": descriptor.command.decode("utf-8", "replace") if descriptor.command else None,
            },
            "headers": {
                name: [header_text(value) for value in values]
                for name, values in headers.items()
                if name in ("origin", "auth-token-bin", *SDK_HEADERS)
            },
            "schema": {
                "fields": [{"name": field.name, "type": str(field.type), "nullable": field.nullable} for field in reader.schema],
                "metadata": {key.decode(): value.decode("utf-8", "replace") for key, value in (reader.schema.metadata or {}).items()},
                "arize_schema": decoded_schema,
            },
            "batches": [
                {
                    "num_rows": batch.num_rows,
                    **(
                        {"columns": {name: batch.column(name).to_pylist() for name in batch.schema.names}}
                        if self.record_rows
                        else {}
                    ),
                }
                for batch in batches
            ],
            "problems": problems,
        }
        with self.lock:
            self.requests.append(record)
        if problems:
            raise pa.ArrowInvalid("The request differs from what the Arize SDK sends: " + "; ".join(problems))
        self.wait()
        if self.answer == "error":
            raise flight.FlightInternalError("internal error in the emulated Arize AX")
        if self.answer == "none":
            return
        if self.answer == "garbage":
            writer.write(pa.py_buffer(b"\x0fthis is not a protobuf message"))
            return
        errors: list[tuple[str, str]] = []
        updated = 0
        with self.lock:
            project = self.projects.get(project_name)
            for span_id, text in zip(span_ids, patches):
                error = self.apply_patch(project, project_name, span_id, text)
                if error is None:
                    updated += 1
                else:
                    errors.append((span_id, error))
        processed = len(span_ids)
        if self.answer == "contradict":
            processed += 1
        record["response"] = {
            "spans_processed": processed,
            "spans_updated": updated,
            "spans_failed": len(errors),
            "errors": [{"span_id": span_id, "error_message": message} for span_id, message in errors],
        }
        writer.write(pa.py_buffer(encode_metadata_response(processed, updated, len(errors), errors)))

    # ----- GetFlightInfo + DoGet: the spans export -----

    def export_query(self, command: bytes) -> dict:
        problems: list[str] = []
        try:
            text = command.decode("utf-8")
            query = json.loads(text)
        except (UnicodeDecodeError, ValueError) as error:
            raise pa.ArrowInvalid(f"The export query is not JSON text ({error})")
        if not isinstance(query, dict):
            raise pa.ArrowInvalid("The export query is not a RecordQueryDescriptor")
        if text != message_to_json(query):
            problems.append("the command is not printed as MessageToJson prints it (indent 2, ASCII)")
        order = ["spaceId", "modelId", "environment", "modelVersion", "batchId", "startTime", "endTime", "includeActuals",
                 "filterExpression", "similaritySearchParams", "projectedColumns", "streamChunkSize"]
        keys = list(query)
        if any(key not in order for key in keys) or keys != sorted(keys, key=order.index):
            problems.append(f"unexpected fields or field order {keys}")
        if query.get("spaceId") != self.space_id:
            problems.append(f"spaceId {query.get('spaceId')!r} is not this space")
        if query.get("environment") != "TRACING":
            problems.append(f"environment {query.get('environment')!r} is not TRACING")
        for key in ("startTime", "endTime"):
            value = query.get(key)
            if not isinstance(value, str) or not value.endswith("Z") or "." in value:
                problems.append(f"{key} {value!r} is not a protobuf Timestamp of whole seconds")
        with self.lock:
            self.requests.append({"kind": "export", "command": text, "problems": problems})
        if problems:
            raise pa.ArrowInvalid("The export query differs from what the Arize SDK sends: " + "; ".join(problems))
        if query.get("modelId") not in self.projects:
            raise KeyError(f"model {query.get('modelId')!r} not found in this space")
        return query

    def exported_spans(self, query: dict) -> pa.Table:
        def nanos(text: str) -> int:
            from datetime import datetime

            return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()) * 1_000_000_000

        start, end = nanos(query["startTime"]), nanos(query["endTime"])
        with self.lock:
            spans = [
                span
                for span in self.projects[query["modelId"]].spans.values()
                if start <= span["start_ns"] < end
            ]
        spans.sort(key=lambda span: span["start_ns"])
        return pa.table(
            {
                "context.span_id": pa.array([span["span_id"] for span in spans], pa.string()),
                "context.trace_id": pa.array([span["trace_id"] for span in spans], pa.string()),
                "parent_id": pa.array([span["parent_id"] for span in spans], pa.string()),
                "name": pa.array([span["name"] for span in spans], pa.string()),
                "span_kind": pa.array([span["kind"] for span in spans], pa.string()),
                "attributes.openinference.span.kind": pa.array([span["kind"] for span in spans], pa.string()),
                "start_time": pa.array([span["start_ns"] for span in spans], pa.int64()),
                "end_time": pa.array([span["end_ns"] for span in spans], pa.int64()),
                "status_code": pa.array(["OK" for _ in spans], pa.string()),
                "attributes.metadata": pa.array(
                    [json.dumps(span["metadata"]) if span["metadata"] else "" for span in spans], pa.string()
                ),
            }
        )

    def get_flight_info(self, context, descriptor):
        self.check_key(context)
        if descriptor.descriptor_type != flight.DescriptorType.CMD:
            raise pa.ArrowInvalid("The export query must be a command descriptor")
        query = self.export_query(descriptor.command)
        self.wait()
        table = self.exported_spans(query)
        ticket = flight.Ticket(descriptor.command)
        return flight.FlightInfo(table.schema, descriptor, [flight.FlightEndpoint(ticket, [])], table.num_rows, -1)

    def do_get(self, context, ticket):
        self.check_key(context)
        query = self.export_query(ticket.ticket)
        self.wait()
        table = self.exported_spans(query)
        return flight.RecordBatchStream(table, options=None) if table.num_rows == 0 else flight.GeneratorStream(
            table.schema, iter(table.to_batches(max_chunksize=self.export_chunk))
        )

    # ----- DoAction: control calls of the tests -----

    def do_action(self, context, action):
        body = json.loads(action.body.to_pybytes() or b"{}")
        kind = action.type
        if kind == "emulator.configure":
            with self.lock:
                if "delay" in body:
                    self.delay = float(body["delay"])
                    self.release.clear()
                if "refuse_key" in body:
                    self.refuse_key = bool(body["refuse_key"])
                if "answer" in body:
                    self.answer = str(body["answer"])
                if "record_rows" in body:
                    self.record_rows = bool(body["record_rows"])
            return [b"{}"]
        if kind == "emulator.seed":
            with self.lock:
                project = self.projects.setdefault(body["project"], Project())
                for index in range(int(body.get("generate", 0))):
                    span_id = f"{index:016x}"
                    project.spans[span_id] = {
                        "span_id": span_id,
                        "trace_id": f"{index // 10:032x}",
                        "parent_id": None,
                        "name": "generated",
                        "kind": "LLM",
                        "start_ns": 1_700_000_000_000_000_000 + index * 1_000_000,
                        "end_ns": 1_700_000_000_000_000_000 + index * 1_000_000 + 500_000,
                        "metadata": {},
                    }
                for span in body.get("spans", []):
                    project.spans[span["span_id"]] = {
                        "span_id": span["span_id"],
                        "trace_id": span.get("trace_id", "0" * 31 + "1"),
                        "parent_id": span.get("parent_id"),
                        "name": span.get("name", "span"),
                        "kind": span.get("kind", "CHAIN"),
                        "start_ns": int(span.get("start_ns", 1_700_000_000_000_000_000)),
                        "end_ns": int(span.get("end_ns", span.get("start_ns", 1_700_000_000_000_000_000))),
                        "metadata": dict(span.get("metadata", {})),
                    }
                    for key, value in span.get("metadata", {}).items():
                        if value_type(value) is not None:
                            project.types.setdefault(key, value_type(value))  # type: ignore[arg-type]
            return [b"{}"]
        if kind == "emulator.requests":
            with self.lock:
                return [json.dumps(self.requests).encode("utf-8")]
        if kind == "emulator.spans":
            with self.lock:
                project = self.projects.get(body["project"])
                spans = list(project.spans.values()) if project else []
                return [json.dumps({"spans": spans, "types": project.types if project else {}}).encode("utf-8")]
        if kind == "emulator.reset":
            with self.lock:
                self.requests.clear()
                self.delay = 0.0
                self.refuse_key = False
                self.answer = "normal"
                self.record_rows = True
                self.release.set()
            return [b"{}"]
        raise pa.ArrowInvalid(f"unknown action {kind!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description="An emulator of Arize AX's Flight endpoint, for tests.")
    parser.add_argument("--space-id", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--project", action="append", default=[], help="a project the space holds (repeatable)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument("--refuse-key", action="store_true", help="refuse every key (UNAUTHENTICATED)")
    parser.add_argument("--export-chunk", type=int, default=5000, help="rows per exported record batch")
    args = parser.parse_args()
    server = ArizeEmulator("grpc://127.0.0.1:0", args.space_id, args.api_key, args.project, args.export_chunk)
    server.delay = args.delay
    server.refuse_key = args.refuse_key
    print(json.dumps({"port": server.port}), flush=True)

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.release.set()
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.serve()


if __name__ == "__main__":
    main()
