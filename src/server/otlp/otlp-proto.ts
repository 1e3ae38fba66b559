import protobuf from 'protobufjs';

/**
 * The OTLP trace protobuf schema (opentelemetry-proto: common/v1/common.proto, resource/v1/resource.proto,
 * trace/v1/trace.proto, collector/trace/v1/trace_service.proto), the messages and field numbers ingest needs,
 * inline so that nothing is fetched at build or run time. Fields not listed here are skipped when decoding.
 */
const otlpTraceProto = `
syntax = "proto3";

package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
}
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
`;

/**
 * The same request with each span left as its bytes (the envelope package): decoding it builds the resources and
 * scopes but no span, so spans can then be decoded one at a time. Names and field numbers are those above, so
 * messages about the envelope read the same.
 */
const otlpEnvelopeProto = `
syntax = "proto3";

package envelope;

message ScopeSpans {
  opentelemetry.proto.InstrumentationScope scope = 1;
  repeated bytes spans = 2;
  string schema_url = 3;
}
message ResourceSpans {
  opentelemetry.proto.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const root = protobuf.parse(otlpTraceProto, { keepCase: false }).root;
protobuf.parse(otlpEnvelopeProto, root, { keepCase: false });

/** The OTLP `ExportTraceServiceRequest` message type. */
export const exportTraceRequestType = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
/** The OTLP `Resource` message type. */
export const resourceType = root.lookupType('opentelemetry.proto.Resource');
/** The OTLP `Span` message type. */
export const spanType = root.lookupType('opentelemetry.proto.Span');
/** `ExportTraceServiceRequest` with each span as its bytes, to decode spans one at a time. */
export const exportEnvelopeType = root.lookupType('envelope.ExportTraceServiceRequest');
/** The OTLP `ExportTraceServiceResponse` message type. */
export const exportTraceResponseType = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');
