import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStoredForm, type StoredValue } from '@/core/patch';
import { type ArizeClient, createArizeClient } from '@/server/arize';
import {
  type ArizeEmulator,
  type RecordedPut,
  runReferenceClient,
  startArizeEmulator,
} from './arize-emulator';

/*
 * The same dataframe sent by the reference client (the Arize SDK's request construction, reproduced in Python) and
 * by Spanpatch's Flight client, to the same emulator; the two requests it recorded are compared field by field.
 */

const SPACE = 'U3BhY2U6OTg3NjU0';
const KEY = 'ak-compare-5e8c1a7f';
const PROJECT = 'Démo "support" ✓';

/** A dataframe as {column: values}; `quality` is an object column (ints and None), as pandas keeps such input. */
const dataframe = {
  columns: {
    'context.span_id': [
      'b000000000000001',
      'b000000000000002',
      'b000000000000003',
      'b000000000000004',
      'b000000000000005',
      'b0000000000000ff',
    ],
    'attributes.metadata.reviewer': [
      'Ana',
      'Zoë ✓',
      'quote "x" and back\\slash',
      '😀 emoji',
      '',
      'tab\there',
    ],
    'attributes.metadata.quality': [1, 2, 3, null, 5, 6],
    'attributes.metadata.score': [0.5, 1.25, -3.75, 1e-7, 123456.789, 2.5],
    patch_document: [
      '{"priority": "high"}',
      null,
      '{"reviewer": "override", "extra": 7}',
      '{}',
      null,
      '{"tags": "a,b"}',
    ],
  },
  dtypes: { 'attributes.metadata.quality': 'object' },
};

/**
 * The same rows as Spanpatch's merged patches in stored form (SPEC §3, §4): the field columns left to right, then
 * the row's patch_document over them, every value in stored form.
 */
function spanpatchBatch() {
  const { columns } = dataframe;
  return columns['context.span_id'].map((spanId, row) => {
    const merged: Record<string, unknown> = {
      reviewer: columns['attributes.metadata.reviewer'][row],
      quality: columns['attributes.metadata.quality'][row],
      score: columns['attributes.metadata.score'][row],
      ...(JSON.parse(columns.patch_document[row] ?? '{}') as Record<string, unknown>),
    };
    const patch: Record<string, StoredValue> = {};
    for (const [key, value] of Object.entries(merged)) {
      const stored = toStoredForm(value);
      if (!stored.ok) throw new Error(`${key} cannot be stored`);
      patch[key] = stored.stored;
    }
    return { span_id: spanId, patch_document: patch };
  });
}

let emulator: ArizeEmulator;
let client: ArizeClient;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'spanpatch-arize-compare-'));
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [PROJECT] });
  await emulator.seed(
    PROJECT,
    dataframe.columns['context.span_id'].slice(0, 5).map((span_id) => ({ span_id })),
  );
  client = createArizeClient({
    spaceId: SPACE,
    apiKey: KEY,
    flight: { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
  });
});

afterAll(async () => {
  client?.close();
  await emulator?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("Spanpatch's DoPut against the Arize SDK's, for the same dataframe", () => {
  it('matches field by field: descriptor, headers, schema, arize-schema, batches, and the answer', async () => {
    const input = join(folder, 'dataframe.json');
    writeFileSync(input, JSON.stringify(dataframe));
    const reference = await runReferenceClient({
      port: emulator.port,
      spaceId: SPACE,
      apiKey: KEY,
      project: PROJECT,
      input,
    });
    const ours = await client.writeSpanMetadata({ arizeProject: PROJECT, spans: spanpatchBatch() });

    const [sdk, spanpatch] = (await emulator.requests()) as RecordedPut[];
    if (!sdk || !spanpatch) throw new Error('the emulator did not record both requests');
    expect(sdk.problems).toEqual([]);
    expect(spanpatch.problems).toEqual([]);

    // The descriptor: the same command, byte for byte.
    expect(spanpatch.descriptor).toEqual(sdk.descriptor);
    expect(sdk.descriptor.command).toContain('"externalModelId": "D\\u00e9mo \\"support\\" \\u2713"');

    // The headers: origin and the key the same; the four identification headers present in both, naming each.
    const identification = ['sdk-language', 'language-version', 'sdk-version', 'sdk-package-name'];
    expect(Object.keys(spanpatch.headers).sort()).toEqual(Object.keys(sdk.headers).sort());
    expect(spanpatch.headers.origin).toEqual(sdk.headers.origin);
    expect(spanpatch.headers['auth-token-bin']).toEqual(sdk.headers['auth-token-bin']);
    for (const name of identification) expect(spanpatch.headers[name]).toHaveLength(1);
    expect(sdk.headers['sdk-package-name']).toEqual(['arize']);
    expect(spanpatch.headers['sdk-package-name']).toEqual(['spanpatch']);

    // The schema: the same columns with the same types. NOTE: the SDK's column order is that of a Python set
    // (`utils/dataframe.py` remove_extraneous_columns), so it differs between runs; Spanpatch's is fixed.
    const byName = (fields: RecordedPut['schema']['fields']) =>
      [...fields].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(spanpatch.schema.fields)).toEqual(byName(sdk.schema.fields));
    expect(spanpatch.schema.fields.map((field) => field.name)).toEqual(['context.span_id', 'patch_document']);

    // The schema metadata: the same arize-schema, raw and decoded. NOTE: the SDK's also carries `pandas`, which
    // pyarrow's Table.from_pandas adds to describe the dataframe; Spanpatch has no dataframe.
    expect(spanpatch.schema.metadata['arize-schema']).toBe(sdk.schema.metadata['arize-schema']);
    expect(spanpatch.schema.arize_schema).toEqual(sdk.schema.arize_schema);
    expect(Object.keys(sdk.schema.metadata).sort()).toEqual(['arize-schema', 'pandas']);
    expect(Object.keys(spanpatch.schema.metadata)).toEqual(['arize-schema']);

    // The batches: as many, as many rows, the same span IDs, the same patch JSON. NOTE: the SDK writes each patch
    // with Python's json.dumps (", " and ": ", non-ASCII escaped); Spanpatch writes compact JSON (SPEC §14).
    expect(spanpatch.batches.map((batch) => batch.num_rows)).toEqual(
      sdk.batches.map((batch) => batch.num_rows),
    );
    spanpatch.batches.forEach((batch, index) => {
      const sdkBatch = sdk.batches[index];
      expect(batch.columns?.['context.span_id']).toEqual(sdkBatch?.columns?.['context.span_id']);
      const sdkPatches = sdkBatch?.columns?.patch_document ?? [];
      const ourPatches = batch.columns?.patch_document ?? [];
      expect(ourPatches.map((text) => JSON.parse(text ?? 'null') as unknown)).toEqual(
        sdkPatches.map((text) => JSON.parse(text ?? 'null') as unknown),
      );
      expect(ourPatches).toEqual(sdkPatches.map((text) => JSON.stringify(JSON.parse(text ?? 'null'))));
    });

    // The answer: the same outcome for both, read the same way.
    expect(reference.response).toEqual({
      spans_processed: 6,
      spans_updated: 5,
      spans_failed: 1,
      errors: [
        {
          span_id: 'b0000000000000ff',
          error_message: `[segment_not_found] No span with ID 'b0000000000000ff' in project '${PROJECT}'`,
        },
      ],
    });
    expect(ours).toEqual({ ok: true, response: { ...(reference.response as object), spans_unchanged: 0 } });
  });
});
