import { describe, expect, it } from 'vitest';
import {
  arizeSchemaMetadata,
  identificationHeaders,
  messageToJson,
  metadataDoPutCommand,
  spansExportCommand,
} from '@/server/arize/sdk-requests';
import { decodeMessage, writeMetadataResponseType } from '@/server/arize/protocol';

/*
 * The expected texts and bytes below are what protobuf's Python package (6.33.6) printed and serialized for the
 * Arize SDK's own messages: the SDK's serialized descriptors (`_generated/protocol/flight/flight_pb2.py`,
 * `_generated/protocol/rec/public_pb2.py` of arize 8.42.0) loaded into a descriptor pool, the messages built as
 * `_flight/client.py`, `_exporter/client.py` and `utils/proto.py` build them, then `json_format.MessageToJson` and
 * `SerializeToString`.
 */

describe('the requests as the Arize SDK builds them', () => {
  it('prints the DoPut descriptor as MessageToJson does: indent 2, fields by number, ASCII only', () => {
    expect(metadataDoPutCommand('U3BhY2U6MTIz', 'démo "proj"')).toBe(
      '{\n  "writeSpanAttributesMetadataRequest": {\n    "spaceId": "U3BhY2U6MTIz",\n    "externalModelId": "d\\u00e9mo \\"proj\\""\n  }\n}',
    );
  });

  it('escapes as Python json.dumps(ensure_ascii=True): DEL, astral characters as two units, control characters', () => {
    expect(messageToJson({ a: '\u007f😀\u0001\n' })).toBe('{\n  "a": "\\u007f\\ud83d\\ude00\\u0001\\n"\n}');
    expect(messageToJson({})).toBe('{}');
  });

  it('prints the spans export query as the SDK builds it, times truncated to whole seconds', () => {
    const start = new Date('2026-01-02T03:04:05.678Z');
    const end = new Date('2026-01-02T04:04:05.999Z');
    expect(spansExportCommand('sp', 'demo', start, end)).toBe(
      '{\n  "spaceId": "sp",\n  "modelId": "demo",\n  "environment": "TRACING",\n  "startTime": "2026-01-02T03:04:05Z",\n  "endTime": "2026-01-02T04:04:05Z"\n}',
    );
  });

  it("encodes the arize-schema metadata as the SDK's tracing Schema protobuf, in base64", () => {
    // 0a0a 0a04 "demo" 2005 2807 | 4200: constants { model_id, environment TRACING (5), model_type GENERATIVE_LLM (7) }, arize_spans {}
    expect(arizeSchemaMetadata('demo')).toBe('CgoKBGRlbW8gBSgHQgA=');
    expect(Buffer.from(arizeSchemaMetadata('demo'), 'base64').toString('hex')).toBe(
      '0a0a0a0464656d6f200528074200',
    );
  });

  it('reads the WriteSpanAttributesMetadataResponse protobuf as the SDK serializes it', () => {
    const bytes = Buffer.from('08031002180122160a016112115b747970655f636f6e666c6963745d2078', 'hex');
    expect(decodeMessage(writeMetadataResponseType, bytes)).toEqual({
      spans_processed: 3,
      spans_updated: 2,
      spans_failed: 1,
      errors: [{ span_id: 'a', error_message: '[type_conflict] x' }],
    });
  });

  it('names Spanpatch truthfully in the four identification headers the SDK sends', () => {
    expect(identificationHeaders()).toEqual({
      'sdk-language': 'javascript',
      'language-version': process.versions.node,
      'sdk-version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      'sdk-package-name': 'spanpatch',
    });
  });
});
