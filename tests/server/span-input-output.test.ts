import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanCountResponseSchema, spanDetailSchema, spansFoundSchema } from '@/core/api/api-schema';
import { ingestSpans, postJson, getJson, spanId, startTestServer, type TestServer } from './test-server';

let server: TestServer;
const longInput = `Where is order 4417?\n${'and more '.repeat(2_000)}`;

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });

beforeAll(async () => {
  server = await startTestServer();
  await ingestSpans(server, 'demo', [
    {
      spanId: spanId(1),
      name: 'chat gpt-4o',
      kind: 'LLM',
      attributes: [
        text('input.value', longInput),
        text('output.value', 'It shipped on Monday.'),
        text('llm.model_name', 'gpt-4o'),
        { key: 'llm.token_count.total', value: { intValue: '9007199254740993' } },
        { key: 'retrieval.documents', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
      ],
    },
    {
      spanId: spanId(2),
      name: 'chat gpt-4o',
      kind: 'LLM',
      attributes: [{ key: 'input.value', value: { kvlistValue: { values: [text('question', 'refund?')] } } }],
    },
    { spanId: spanId(3), name: 'lookup 4417', kind: 'TOOL' },
  ]);
  await ingestSpans(server, 'staging', [
    { spanId: spanId(11), name: 'lookup 4417', kind: 'TOOL' },
    { spanId: spanId(12), name: 'lookup 4417 again', kind: 'TOOL' },
    { spanId: spanId(13), name: 'unrelated', kind: 'TOOL' },
  ]);
  await ingestSpans(server, 'empty-match', [{ spanId: spanId(21), name: 'nothing here' }]);
});

afterAll(async () => {
  await server.stop();
});

describe("a span's input, output and attributes", () => {
  it('are in its detail: input and output whole, the other attributes as plain values', async () => {
    const { status, body } = await getJson(`${server.url}/api/v1/projects/demo/spans/${spanId(1)}`);
    expect(status).toBe(200);
    const { span } = spanDetailSchema.parse(body);
    expect(span.input).toBe(longInput);
    expect(span.output).toBe('It shipped on Monday.');
    expect(span.attributes).toEqual({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.token_count.total': '9007199254740993',
      'retrieval.documents': ['a'],
    });
    expect(span.input_preview).toBe('Where is order 4417?');
  });

  it('give an input that is not text as JSON text, and none as null', async () => {
    const second = spanDetailSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/demo/spans/${spanId(2)}`)).body,
    );
    expect(JSON.parse(second.span.input ?? '')).toEqual({ question: 'refund?' });
    expect(second.span.output).toBeNull();
    const third = spanDetailSchema.parse(
      (await getJson(`${server.url}/api/v1/projects/demo/spans/${spanId(3)}`)).body,
    );
    expect(third.span).toMatchObject({ input: null, output: null, input_preview: null });
    expect(third.span.attributes).toEqual({ 'openinference.span.kind': 'TOOL' });
  });

  it("list the first line of each span's input, to tell spans of one name apart", async () => {
    const response = await postJson(`${server.url}/api/v1/projects/demo/spans/query`, {
      filter: { text: 'chat' },
    });
    expect(response.status).toBe(200);
    const previews = spansFoundSchema.parse(response.body).spans.map((span) => span.input_preview);
    expect(previews.sort()).toEqual(['Where is order 4417?', '{"question":"refund?"}']);
  });
});

describe('POST /api/v1/spans/count', () => {
  it('counts the matches of a filter in each project, most first, leaving out projects without one', async () => {
    const response = await postJson(`${server.url}/api/v1/spans/count`, { filter: { text: '4417' } });
    expect(response.status).toBe(200);
    expect(spanCountResponseSchema.parse(response.body).projects).toEqual([
      { project: 'staging', total: 2 },
      { project: 'demo', total: 1 },
    ]);
  });

  it('answers no projects when nothing matches anywhere', async () => {
    const response = await postJson(`${server.url}/api/v1/spans/count`, { filter: { text: 'zzz-none' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ projects: [] });
  });

  it('refuses an unknown filter field with a 400 naming it', async () => {
    const response = await postJson(`${server.url}/api/v1/spans/count`, { filter: { colour: 'red' } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('colour');
  });
});
