"""Protobuf wire format for the two Arize messages that travel as protobuf bytes, written by hand so that the
emulator and the reference client need pyarrow and pandas only (no protobuf package).

Field numbers are those of the Arize SDK's generated code (arize 8.42.0), read from its serialized descriptors:
- `Schema` (`src/arize/_generated/protocol/rec/public_pb2.py`): constants = 1 { model_id = 1, model_version = 2,
  batch_id = 3, environment = 4 (enum Schema.Environment, TRACING = 5), model_type = 5 (enum Schema.ModelType,
  GENERATIVE_LLM = 7) }, arize_spans = 8 (an empty message, a member of the `schema` oneof).
- `WriteSpanAttributesMetadataResponse` (`src/arize/_generated/protocol/flight/flight_pb2.py`): spans_processed = 1,
  spans_updated = 2, spans_failed = 3 (int64), errors = 4 (repeated SpanError { span_id = 1, error_message = 2 }).
"""

from __future__ import annotations

SCHEMA_ENVIRONMENTS = {0: "UNKNOWN_ENVIRONMENT", 1: "TRAINING", 2: "VALIDATION", 3: "PRODUCTION", 4: "CORPUS", 5: "TRACING"}
SCHEMA_MODEL_TYPES = {
    0: "UNKNOWN_MODELTYPE",
    1: "BINARY",
    2: "NUMERIC",
    3: "CATEGORICAL",
    4: "SCORE_CATEGORICAL",
    5: "RANKING",
    6: "OBJECT_DETECTION",
    7: "GENERATIVE_LLM",
    8: "MULTI_CLASS",
}
SCHEMA_ONEOF_MEMBERS = {
    2: "arize_conclusions",
    3: "arize_explanations",
    4: "arrow_schema",
    5: "generic_schema",
    6: "arize_conclusion_pointers",
    7: "arize_explanation_pointers",
    8: "arize_spans",
    9: "arize_evaluations_update_pointers",
}


class WireError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    shift = 0
    value = 0
    while True:
        if at >= len(data):
            raise WireError("truncated varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def fields(data: bytes) -> list[tuple[int, int, int | bytes]]:
    """The (field number, wire type, value) of each field, in order; varints as ints, length-delimited as bytes."""
    out: list[tuple[int, int, int | bytes]] = []
    at = 0
    while at < len(data):
        key, at = _read_varint(data, at)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire_type == 0:
            value, at = _read_varint(data, at)
            out.append((number, 0, value))
        elif wire_type == 2:
            length, at = _read_varint(data, at)
            if at + length > len(data):
                raise WireError("truncated field")
            out.append((number, 2, data[at : at + length]))
            at += length
        elif wire_type == 1:
            at += 8
            out.append((number, 1, 0))
        elif wire_type == 5:
            at += 4
            out.append((number, 5, 0))
        else:
            raise WireError(f"wire type {wire_type}")
        if at > len(data):
            raise WireError("truncated field")
    return out


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def encode_tracing_schema(model_id: str) -> bytes:
    """The SDK's `get_pb_schema_tracing(project_name)` (`utils/proto.py`), serialized as protobuf does it: fields
    in field-number order, defaults left out."""
    constants = b""
    if model_id:
        constants += _length_delimited(1, model_id.encode("utf-8"))
    constants += _varint_field(4, 5) + _varint_field(5, 7)
    return _length_delimited(1, constants) + _length_delimited(8, b"")


def decode_schema(data: bytes) -> dict:
    """A `Schema` as a dict of the fields the SDK sets for tracing (and the name of any other oneof member)."""
    out: dict = {}
    for number, wire_type, value in fields(data):
        if number == 1 and wire_type == 2:
            constants: dict = {}
            for inner, inner_type, inner_value in fields(value):  # type: ignore[arg-type]
                if inner in (1, 2, 3) and inner_type == 2:
                    constants[{1: "model_id", 2: "model_version", 3: "batch_id"}[inner]] = inner_value.decode("utf-8")  # type: ignore[union-attr]
                elif inner == 4 and inner_type == 0:
                    constants["environment"] = SCHEMA_ENVIRONMENTS.get(inner_value, inner_value)  # type: ignore[arg-type]
                elif inner == 5 and inner_type == 0:
                    constants["model_type"] = SCHEMA_MODEL_TYPES.get(inner_value, inner_value)  # type: ignore[arg-type]
                else:
                    constants[f"field_{inner}"] = inner_value if isinstance(inner_value, int) else inner_value.hex()
            out["constants"] = constants
        elif number in SCHEMA_ONEOF_MEMBERS and wire_type == 2:
            out[SCHEMA_ONEOF_MEMBERS[number]] = {} if value == b"" else {"bytes": value.hex()}  # type: ignore[union-attr]
        else:
            out[f"field_{number}"] = value if isinstance(value, int) else value.hex()
    return out


def encode_metadata_response(processed: int, updated: int, failed: int, errors: list[tuple[str, str]]) -> bytes:
    """A `WriteSpanAttributesMetadataResponse`, as Arize's answer to a metadata DoPut."""
    out = b""
    for number, value in ((1, processed), (2, updated), (3, failed)):
        if value:
            out += _varint_field(number, value)
    for span_id, message in errors:
        error = b""
        if span_id:
            error += _length_delimited(1, span_id.encode("utf-8"))
        if message:
            error += _length_delimited(2, message.encode("utf-8"))
        out += _length_delimited(4, error)
    return out


def decode_metadata_response(data: bytes) -> dict:
    """A `WriteSpanAttributesMetadataResponse` as the SDK's `_message_to_dict` gives it (proto field names)."""
    out: dict = {"spans_processed": 0, "spans_updated": 0, "spans_failed": 0, "errors": []}
    names = {1: "spans_processed", 2: "spans_updated", 3: "spans_failed"}
    for number, wire_type, value in fields(data):
        if number in names and wire_type == 0:
            out[names[number]] = value
        elif number == 4 and wire_type == 2:
            error = {"span_id": "", "error_message": ""}
            for inner, inner_type, inner_value in fields(value):  # type: ignore[arg-type]
                if inner == 1 and inner_type == 2:
                    error["span_id"] = inner_value.decode("utf-8")  # type: ignore[union-attr]
                elif inner == 2 and inner_type == 2:
                    error["error_message"] = inner_value.decode("utf-8")  # type: ignore[union-attr]
            out["errors"].append(error)
    return out
