import { readFileSync } from 'node:fs';
import { arizeSchemaType, encodeMessage } from './protocol';

/*
 * The parts of a request to Arize's Flight endpoint, built as the Arize Python SDK (arize 8.42.0) builds them. Each
 * function names the SDK file and function it mirrors.
 */

/** The SDK's Flight call header announcing a logging client (`_headers.py` `_builtin_flight_headers`). */
export const ORIGIN_HEADER = 'arize-logging-client';

/**
 * JSON text as protobuf's Python `json_format.MessageToJson` prints a message with its defaults: `json.dumps` with
 * `indent=2` (so separators `,` and `: `), keys in the order given (the SDK's messages list fields by field
 * number, as `ListFields()` does), and `ensure_ascii=True`, so every character outside printable ASCII is a
 * `\uXXXX` escape (astral characters as two, one per UTF-16 unit, as Python writes them).
 */
export function messageToJson(message: object): string {
  return JSON.stringify(message, null, 2).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The FlightDescriptor command of a metadata DoPut: the SDK's `DoPutRequest` with its
 * `write_span_attributes_metadata_request` (field 7) `{ space_id (1), external_model_id (2) }`, as
 * `_flight/client.py` `_get_pb_flight_doput_request(space_id, FlightRequestType.METADATA, model_id=project_name)`
 * builds it and `log_arrow_table` prints it (`json_format.MessageToJson(doput_request).encode("utf-8")`).
 */
export function metadataDoPutCommand(spaceId: string, arizeProject: string): string {
  return messageToJson({
    writeSpanAttributesMetadataRequest: { spaceId, externalModelId: arizeProject },
  });
}

/**
 * The `arize-schema` schema metadata of a metadata DoPut: base64 of the SDK's `Schema` protobuf
 * `{ constants { model_id, environment: TRACING, model_type: GENERATIVE_LLM }, arize_spans {} }`, as
 * `utils/proto.py` `get_pb_schema_tracing(project_name)` builds it and `_flight/client.py` `log_arrow_table`
 * encodes it (`base64.b64encode(proto_schema.SerializeToString())`).
 */
export function arizeSchemaMetadata(arizeProject: string): string {
  const bytes = encodeMessage(arizeSchemaType, {
    constants: { model_id: arizeProject, environment: 'TRACING', model_type: 'GENERATIVE_LLM' },
    arize_spans: {},
  });
  return Buffer.from(bytes).toString('base64');
}

/** RFC 3339 text of a protobuf Timestamp with whole seconds, as `MessageToJson` prints one: no fraction. */
function timestampJson(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The FlightDescriptor command of the spans export: the SDK's `RecordQueryDescriptor` as
 * `_exporter/client.py` `ArizeExportClient._get_stream_reader` builds it for `spans/client.py` `export_to_df`
 * (`environment=Environments.TRACING.name`, `start_time=Timestamp(seconds=int(start_time.timestamp()))`, the same
 * for the end, no filter, no columns, no chunk size) and prints it with `json_format.MessageToJson`. The fields
 * left at their defaults (`model_version`, `batch_id`, `include_actuals`, `filter_expression`,
 * `projected_columns`) are not printed; those set come in field order: `space_id` (1), `model_id` (2),
 * `environment` (3), `start_time` (6), `end_time` (7).
 */
export function spansExportCommand(spaceId: string, arizeProject: string, start: Date, end: Date): string {
  return messageToJson({
    spaceId,
    modelId: arizeProject,
    environment: 'TRACING',
    startTime: timestampJson(Math.trunc(start.getTime() / 1000)),
    endTime: timestampJson(Math.trunc(end.getTime() / 1000)),
  });
}

/** Spanpatch's version, from package.json (two folders up from src/server/arize and from dist/cli alike). */
function spanpatchVersion(): string {
  for (const path of ['../../../package.json', '../../package.json']) {
    try {
      const text = readFileSync(new URL(path, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (parsed.name === 'spanpatch' && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // NOTE: not there in this layout; try the next.
    }
  }
  return '0.0.0';
}

/**
 * The identification headers of a Flight call, the four the SDK sends (`_headers.py` `_builtin_sdk_metadata`:
 * `sdk-language`, `language-version`, `sdk-version`, `sdk-package-name`), naming Spanpatch truthfully: the
 * language it runs as (JavaScript, on Node.js, whose version is the language version), its version and its
 * package name.
 */
export function identificationHeaders(): Record<string, string> {
  return {
    'sdk-language': 'javascript',
    'language-version': process.versions.node,
    'sdk-version': spanpatchVersion(),
    'sdk-package-name': 'spanpatch',
  };
}
