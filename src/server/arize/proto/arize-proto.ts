/**
 * The two protobuf messages of Arize's Flight protocol that travel as protobuf bytes (the others travel as JSON,
 * see ../sdk-requests.ts), with the names and field numbers of the Arize SDK's generated code (arize 8.42.0,
 * read from its serialized descriptors, not copied):
 * - `Schema` from `src/arize/_generated/protocol/rec/public_pb2.py` (file `public.proto`, package `public`), the
 *   fields `utils/proto.py` `get_pb_schema_tracing` sets: `constants` (1) with `model_id` (1), `environment` (4),
 *   `model_type` (5), and the `arize_spans` (8) member of the `schema` oneof. NOTE: Schema.Environment.TRACING is
 *   5 here, while RecordQueryDescriptor.Environment.TRACING is 4 (two different enums in the SDK).
 * - `WriteSpanAttributesMetadataResponse` from `src/arize/_generated/protocol/flight/flight_pb2.py` (file
 *   `flight.proto`, package `public`): what the first `PutResult.app_metadata` of a metadata DoPut holds.
 * Fields of these messages that Spanpatch never sets or reads are left out; protobuf skips them when decoding.
 */
export const arizeProtoText = `
syntax = "proto3";

package public;

message Schema {
  enum Environment {
    UNKNOWN_ENVIRONMENT = 0;
    TRAINING = 1;
    VALIDATION = 2;
    PRODUCTION = 3;
    CORPUS = 4;
    TRACING = 5;
  }
  enum ModelType {
    UNKNOWN_MODELTYPE = 0;
    BINARY = 1;
    NUMERIC = 2;
    CATEGORICAL = 3;
    SCORE_CATEGORICAL = 4;
    RANKING = 5;
    OBJECT_DETECTION = 6;
    GENERATIVE_LLM = 7;
    MULTI_CLASS = 8;
  }
  message Constants {
    string model_id = 1;
    string model_version = 2;
    string batch_id = 3;
    Environment environment = 4;
    ModelType model_type = 5;
  }
  message ArizeSpans {}

  Constants constants = 1;
  oneof schema {
    ArizeSpans arize_spans = 8;
  }
}

message WriteSpanAttributesMetadataResponse {
  message SpanError {
    string span_id = 1;
    string error_message = 2;
  }
  int64 spans_processed = 1;
  int64 spans_updated = 2;
  int64 spans_failed = 3;
  repeated SpanError errors = 4;
}
`;
