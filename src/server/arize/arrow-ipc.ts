import {
  Field,
  makeData,
  Message,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Utf8,
} from 'apache-arrow';
import type { FlightData } from './protocol';

/** Column of the span ID in a metadata DoPut (the SDK's `spans/columns.py` `SPAN_SPAN_ID_COL`). */
export const SPAN_ID_COLUMN = 'context.span_id';
/** Column of each span's patch as JSON text (`spans/client.py` `update_metadata`'s `final_patch_column`). */
export const PATCH_DOCUMENT_COLUMN = 'patch_document';
/**
 * Most rows in one record batch of a DoPut: the SDK's `pyarrow_max_chunksize` default (`constants/config.py`
 * `DEFAULT_PYARROW_MAX_CHUNKSIZE`), which `_flight/client.py` `log_arrow_table` passes to `write_table`.
 */
export const MAX_ROWS_PER_RECORD_BATCH = 10_000;

/** One row of a metadata DoPut: a span ID and its patch as JSON text. */
export interface PatchRow {
  spanId: string;
  patchJson: string;
}

/** A string column built in one pass: the UTF-8 bytes of every value in one buffer, and their offsets. */
function utf8Column(values: readonly string[]) {
  const offsets = new Int32Array(values.length + 1);
  let end = 0;
  for (let index = 0; index < values.length; index += 1) {
    end += Buffer.byteLength(values[index] ?? '', 'utf8');
    offsets[index + 1] = end;
  }
  // NOTE: one encoding of the joined text is several times faster than one per value.
  const bytes = Buffer.from(values.join(''), 'utf8');
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: 0,
    valueOffsets: offsets,
    data: bytes,
  });
}

/**
 * The Arrow schema of a metadata DoPut: two nullable string columns, `context.span_id` and `patch_document`, as
 * pyarrow's `Table.from_pandas` types the SDK's two object (text) columns, with the `arize-schema` metadata.
 */
export function patchSchema(arizeSchema: string): Schema {
  return new Schema(
    [new Field(SPAN_ID_COLUMN, new Utf8(), true), new Field(PATCH_DOCUMENT_COLUMN, new Utf8(), true)],
    new Map([['arize-schema', arizeSchema]]),
  );
}

/** Reads one IPC stream message at `offset`: its flatbuffer header and body, or null at the end of the stream. */
function readStreamMessage(stream: Uint8Array, offset: number) {
  if (offset + 8 > stream.length) return null;
  const view = new DataView(stream.buffer, stream.byteOffset + offset);
  let at = offset;
  let headerLength = view.getInt32(0, true);
  at += 4;
  if (headerLength === -1) {
    headerLength = view.getInt32(4, true);
    at += 4;
  }
  if (headerLength === 0) return null;
  const header = stream.subarray(at, at + headerLength);
  const bodyLength = Message.decode(header).bodyLength;
  const bodyStart = at + headerLength;
  return { header, body: stream.subarray(bodyStart, bodyStart + bodyLength), next: bodyStart + bodyLength };
}

/**
 * The Flight messages of a DoPut of patch rows: the schema (with the descriptor), then one record batch of at most
 * 10,000 rows after another, as pyarrow's `FlightStreamWriter.write_table(table, max_chunksize)` sends them. Each
 * FlightData carries one Arrow IPC message: its flatbuffer header and its body.
 */
export function patchFlightData(
  rows: readonly PatchRow[],
  arizeSchema: string,
): Omit<FlightData, 'flight_descriptor'>[] {
  const schema = patchSchema(arizeSchema);
  const batches: RecordBatch[] = [];
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_RECORD_BATCH) {
    const slice = rows.slice(start, start + MAX_ROWS_PER_RECORD_BATCH);
    const spanIds = utf8Column(slice.map((row) => row.spanId));
    const patches = utf8Column(slice.map((row) => row.patchJson));
    const data = makeData({
      type: new Struct(schema.fields),
      length: slice.length,
      nullCount: 0,
      children: [spanIds, patches],
    });
    batches.push(new RecordBatch(schema, data));
  }
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const batch of batches) writer.write(batch);
  writer.finish();
  const stream = writer.toUint8Array(true);
  const messages: Omit<FlightData, 'flight_descriptor'>[] = [];
  let message = readStreamMessage(stream, 0);
  while (message) {
    messages.push({ data_header: message.header, data_body: message.body, app_metadata: new Uint8Array(0) });
    message = readStreamMessage(stream, message.next);
  }
  return messages;
}

/** An Arrow IPC stream message framed from a FlightData: continuation marker, header length, header, body. */
function framedMessage(data: FlightData): Uint8Array {
  const header = data.data_header;
  const padding = (8 - (header.length % 8)) % 8;
  const framed = new Uint8Array(8 + header.length + padding + data.data_body.length);
  const view = new DataView(framed.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, header.length + padding, true);
  framed.set(header, 8);
  framed.set(data.data_body, 8 + header.length + padding);
  return framed;
}

async function* framedStream(messages: AsyncIterable<FlightData>): AsyncGenerator<Uint8Array> {
  for await (const data of messages) {
    if (data.data_header.length === 0) continue;
    yield framedMessage(data);
  }
}

/**
 * The record batches of a DoGet stream, as they arrive: each FlightData's IPC message is framed back into an Arrow
 * IPC stream, which apache-arrow reads (schema, dictionaries, batches). An error of the stream is thrown by the
 * iteration.
 */
export async function* recordBatchesOf(messages: AsyncIterable<FlightData>): AsyncGenerator<RecordBatch> {
  const reader = await RecordBatchReader.from(framedStream(messages));
  for await (const batch of reader) yield batch;
}
