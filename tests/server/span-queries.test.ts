import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetadata } from '@/client/log-metadata';
import { apiErrorSchema, type SpanFilter } from '@/core/api';
import {
  projectsResponseSchema,
  spanDetailSchema,
  spansFoundSchema,
  spansPageSchema,
} from '@/core/api/api-schema';
import { nameMatches } from '@/core/text/search-text';
import { getJson, ingestSpans, postJson, spanId, startTestServer, type TestServer } from './test-server';

let server: TestServer;
const project = 'search';
const trace = (n: number) => n.toString(16).padStart(32, '0');
const at = (second: number) => String(1_746_432_000_000_000_000n + BigInt(second) * 1_000_000_000n);

/** Twelve spans over three traces: roots are LLM chains, children retrievers and tools, each with metadata. */
beforeAll(async () => {
  server = await startTestServer();
  const spans = Array.from({ length: 12 }, (_, i) => ({
    spanId: spanId(0xa00 + i),
    traceId: trace(Math.floor(i / 4) + 1),
    name: ['chat completion', 'retrieve documents', 'call weather tool', 'summarize answer'][i % 4] ?? '',
    kind: ['CHAIN', 'RETRIEVER', 'TOOL', 'LLM'][i % 4] ?? '',
    startTimeUnixNano: at(i),
    metadata: {
      user_tier: i % 3 === 0 ? 'pro' : 'free',
      model: i % 2 === 0 ? 'gpt-4o' : 'claude',
      turn: i,
      ...(i === 5 ? { reviewed: 'true' } : {}),
    },
  }));
  await ingestSpans(server, project, spans);
});

afterAll(() => server.stop());

async function query(body: object) {
  const response = await postJson(`${server.url}/api/v1/projects/${project}/spans/query`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body).not.toHaveProperty('span_ids');
  return spansFoundSchema.parse(response.body);
}

async function idsOf(filter: SpanFilter): Promise<number[]> {
  const result = await query({ filter, limit: 1000 });
  return result.spans.map((span) => Number.parseInt(span.span_id, 16) - 0xa00);
}

describe('POST /spans/query (SPEC §10)', () => {
  it('finds by span ID or trace ID, whole or prefix, in any case, and by part of a name', async () => {
    expect(await idsOf({ text: spanId(0xa03) })).toEqual([3]);
    expect(await idsOf({ text: spanId(0xa03).toUpperCase() })).toEqual([3]);
    expect(await idsOf({ text: spanId(0xa0a).slice(0, 15) })).toHaveLength(12);
    expect(await idsOf({ text: '00000000000000b' })).toEqual([]);
    expect(await idsOf({ text: trace(2) })).toEqual([7, 6, 5, 4]);
    expect(await idsOf({ text: 'WEATHER' })).toEqual([10, 6, 2]);
    expect(await idsOf({ text: 'th' })).toEqual([10, 6, 2]);
    expect(await idsOf({ text: 'nothing like this' })).toEqual([]);
  });

  it('filters by listed IDs, kinds, roots only and start time', async () => {
    expect(await idsOf({ span_ids: [spanId(0xa01), spanId(0xa09), 'missing'] })).toEqual([9, 1]);
    expect(await idsOf({ trace_ids: [trace(3)] })).toEqual([11, 10, 9, 8]);
    expect(await idsOf({ kinds: ['llm', 'TOOL'] })).toEqual([11, 10, 7, 6, 3, 2]);
    expect(await idsOf({ roots_only: true })).toHaveLength(12);
    const from = new Date(Number(BigInt(at(4)) / 1_000_000n)).toISOString();
    const to = new Date(Number(BigInt(at(6)) / 1_000_000n)).toISOString();
    expect(await idsOf({ start: { from, to } })).toEqual([5, 4]);
  });

  it('applies every metadata operator, typed as the key is stored', async () => {
    expect(await idsOf({ metadata: [{ key: 'user_tier', op: 'eq', value: 'pro' }] })).toEqual([9, 6, 3, 0]);
    expect(await idsOf({ metadata: [{ key: 'turn', op: 'eq', value: '7' }] })).toEqual([7]);
    expect(await idsOf({ metadata: [{ key: 'turn', op: 'lt', value: 2 }] })).toEqual([1, 0]);
    expect(await idsOf({ metadata: [{ key: 'turn', op: 'gt', value: 9 }] })).toEqual([11, 10]);
    // contains ignores case, as a person searching expects.
    expect(await idsOf({ metadata: [{ key: 'model', op: 'contains', value: 'GPT-4' }] })).toEqual([
      10, 8, 6, 4, 2, 0,
    ]);
    expect(await idsOf({ metadata: [{ key: 'model', op: 'contains', value: '%' }] })).toEqual([]);
    expect(await idsOf({ metadata: [{ key: 'reviewed', op: 'exists' }] })).toEqual([5]);
    expect(await idsOf({ metadata: [{ key: 'reviewed', op: 'missing' }] })).toHaveLength(11);
    expect(await idsOf({ metadata: [{ key: 'user_tier', op: 'ne', value: 'free' }] })).toEqual([9, 6, 3, 0]);
  });

  it('combines filters with AND: the analyst tagging pro users of gpt-4o', async () => {
    expect(
      await idsOf({
        metadata: [
          { key: 'user_tier', op: 'eq', value: 'pro' },
          { key: 'model', op: 'eq', value: 'gpt-4o' },
        ],
      }),
    ).toEqual([6, 0]);
    expect(
      await idsOf({ text: 'chat', kinds: ['CHAIN'], metadata: [{ key: 'turn', op: 'gt', value: 3 }] }),
    ).toEqual([8, 4]);
  });

  it('counts, pages with cursors (also while spans arrive), and lists only IDs', async () => {
    const first = await query({ filter: { kinds: ['CHAIN', 'LLM'] }, limit: 2, count: true });
    expect(first.total).toBe(6);
    expect(first.spans.map((span) => span.span_id)).toEqual([spanId(0xa0b), spanId(0xa08)]);
    // A newer span arrives between pages: the cursor goes on where it was, with nothing skipped or repeated.
    await ingestSpans(server, project, [
      { spanId: spanId(0xb00), kind: 'LLM', startTimeUnixNano: at(100), metadata: { turn: 99 } },
    ]);
    const seen = first.spans.map((span) => span.span_id);
    let cursor = first.next_cursor;
    while (cursor !== null) {
      const page = await query({ filter: { kinds: ['CHAIN', 'LLM'] }, limit: 2, cursor });
      seen.push(...page.spans.map((span) => span.span_id));
      cursor = page.next_cursor;
    }
    expect(seen.map((id) => Number.parseInt(id, 16) - 0xa00)).toEqual([11, 8, 7, 4, 3, 0]);
    // With ids_only the answer is one shape: the IDs, where the next page starts and the count; no spans.
    const ids = await postJson(`${server.url}/api/v1/projects/${project}/spans/query`, {
      filter: {},
      ids_only: true,
      limit: 100_000,
      count: true,
    });
    expect(ids.status).toBe(200);
    expect(ids.body).not.toHaveProperty('spans');
    expect(Object.keys(ids.body as object).sort()).toEqual(['next_cursor', 'span_ids', 'total']);
    expect(ids.body).toMatchObject({ next_cursor: null, total: 13 });
    expect((ids.body as { span_ids: string[] }).span_ids).toHaveLength(13);
    const projects = projectsResponseSchema.parse((await getJson(`${server.url}/api/v1/projects`)).body);
    expect(projects.projects).toContainEqual({ name: project, spans: 13, target: { kind: 'local' } });
  });

  it('answers 400 for a limit over 1,000 without ids_only, a bad time or operator, and 404 for a project', async () => {
    const url = `${server.url}/api/v1/projects/${project}/spans/query`;
    for (const body of [
      { limit: 5000 },
      { filter: { start: { from: 'yesterday' } } },
      { filter: { metadata: [{ key: 'a', op: 'like', value: 'x' }] } },
      { filter: { metadata: [{ key: 'a', op: 'eq' }] } },
      { cursor: 'not-a-cursor' },
    ]) {
      const response = await postJson(url, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    // The limit over 1,000 says how to get more; a condition that compares needs its value.
    expect(await errorOf({ limit: 5000 })).toBe('limit: limit is at most 1,000 (100,000 with ids_only)');
    expect(await errorOf({ filter: { metadata: [{ key: 'a', op: 'eq' }] } })).toBe(
      'filter.metadata.0.value: value is needed for eq and ne (text, a number, true/false or null)',
    );
    expect(await errorOf({ filter: { metadata: [{ key: 'a', op: 'gt', value: null }] } })).toBe(
      'filter.metadata.0.value: value is needed for lt, gt and contains (text, a number or true/false)',
    );
    const missing = await postJson(`${server.url}/api/v1/projects/nope/spans/query`, {});
    expect(missing.status).toBe(404);
    expect(apiErrorSchema.parse(missing.body).error.code).toBe('project_not_found');
  });
});

/** The 400 of a query body, without the words every such message starts with. */
async function errorOf(body: unknown): Promise<string> {
  const response = await postJson(`${server.url}/api/v1/projects/${project}/spans/query`, body);
  expect(response.status, JSON.stringify(body)).toBe(400);
  const { error } = apiErrorSchema.parse(response.body);
  expect(error.code).toBe('invalid_body');
  return error.message.replace(/^The request body does not match the API: /, '');
}

describe('POST /spans/query: the shape of a request (SPEC §10)', () => {
  it('takes an optional field sent as null as absent, as Python sends None and the API answers next_cursor', async () => {
    const everyFieldNull = {
      filter: {
        text: null,
        span_ids: null,
        trace_ids: null,
        kinds: null,
        roots_only: null,
        start: { from: null, to: null },
        metadata: null,
      },
      limit: null,
      cursor: null,
      count: null,
      ids_only: null,
    };
    const all = await query(everyFieldNull);
    expect(all.spans.length).toBeGreaterThanOrEqual(12);
    expect(all.total).toBeUndefined();
    expect((await query({ filter: null, cursor: null })).spans).toEqual(all.spans);
    expect((await query({ filter: { start: null } })).spans).toEqual(all.spans);
    // A page's next_cursor goes back as it came, null on the last page included.
    let page = await query({ filter: { kinds: ['TOOL'] }, limit: 2, cursor: null });
    const seen = page.spans.map((span) => span.span_id);
    while (page.next_cursor !== null) {
      page = await query({ filter: { kinds: ['TOOL'] }, limit: 2, cursor: page.next_cursor });
      seen.push(...page.spans.map((span) => span.span_id));
    }
    expect(seen.map((id) => Number.parseInt(id, 16) - 0xa00)).toEqual([10, 6, 2]);
    // A condition without a value may send it as null; exists and missing take no other.
    const reviewed = await query({ filter: { metadata: [{ key: 'reviewed', op: 'exists', value: null }] } });
    expect(reviewed.spans.map((span) => span.span_id)).toEqual([spanId(0xa05)]);
    expect(
      await errorOf({ filter: { metadata: [{ key: 'reviewed', op: 'exists', value: 'true' }] } }),
    ).toMatch(/^filter\.metadata\.0\.value: exists and missing take no value/);
  });

  it('refuses an unknown field in the body or in filter with a 400 naming it, rather than matching every span', async () => {
    expect(await errorOf({ filter: { txt: 'weather' } })).toBe('filter: unknown field "txt"');
    expect(await errorOf({ limt: 5 })).toBe('body: unknown field "limt"');
    expect(await errorOf({ filter: { kind: ['LLM'], root_only: true } })).toBe(
      'filter: unknown fields "kind", "root_only"',
    );
    expect(await errorOf({ filter: { start: { form: '2025-05-01T00:00:00Z' } } })).toBe(
      'filter.start: unknown field "form"',
    );
    expect(
      await errorOf({ filter: { metadata: [{ key: 'model', op: 'eq', value: 'claude', vaule: 'x' }] } }),
    ).toBe('filter.metadata.0: unknown field "vaule"');
    expect(await errorOf({ ids_only: true, spans: [] })).toBe('body: unknown field "spans"');
  });
});

describe('text search, the same on both stores (src/core/text/search-text.ts)', () => {
  it('finds names in any case and script, accents however typed, by long and short searches alike', async () => {
    const names = [
      'ÉCOLE normale',
      'école',
      'Étape 2',
      'ΟΔΟΣ',
      'Поиск документов',
      'Straße',
      'cafe\u0301 au lait',
      'ﬁle upload',
      'plain ascii',
    ];
    await ingestSpans(
      server,
      'names',
      names.map((name, i) => ({ spanId: spanId(0xc00 + i), name, startTimeUnixNano: at(i) })),
    );
    const searches = [
      'école',
      'ÉCOLE',
      'é',
      'É',
      'ét',
      'οδος',
      'ПОИСК',
      'strasse',
      'CAFÉ',
      'file',
      'ﬁ',
      'ecole',
      'p',
    ];
    for (const text of searches) {
      // Newest first, as every list.
      const expected = names
        .map((name, i) => ({ name, id: spanId(0xc00 + i) }))
        .filter(({ name }) => nameMatches(name, text))
        .map(({ id }) => id)
        .reverse();
      const found = await postJson(`${server.url}/api/v1/projects/names/spans/query`, { filter: { text } });
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      const ids = spansFoundSchema.parse(found.body).spans.map((span) => span.span_id);
      expect(ids, text).toEqual(expected);
      const page = await getJson(`${server.url}/api/v1/projects/names/spans?q=${encodeURIComponent(text)}`);
      expect(
        spansPageSchema.parse(page.body).spans.map((span) => span.span_id),
        text,
      ).toEqual(expected);
    }
    // The rule itself: these are the cases the stores used to disagree on.
    expect(nameMatches('ÉCOLE normale', 'école')).toBe(true);
    expect(nameMatches('Étape 2', 'é')).toBe(true);
  });
});

describe('GET /spans/{span_id}', () => {
  it('gives the span, its trace and every change made to it, with submission, time, key, before and after', async () => {
    const id = spanId(0xa05);
    const first = await logMetadata(project, [{ span_id: id, patch_document: { label: 'good' } }], {
      baseUrl: server.url,
      submission: { label: 'first.csv' },
    });
    const second = await logMetadata(project, [{ span_id: id, patch_document: { label: 'better' } }], {
      baseUrl: server.url,
      submission: { label: 'second.csv' },
    });
    const response = await getJson(`${server.url}/api/v1/projects/${project}/spans/${id}`);
    expect(response.status).toBe(200);
    const detail = spanDetailSchema.parse(response.body);
    expect(detail.span).toMatchObject({
      span_id: id,
      trace_id: trace(2),
      name: 'retrieve documents',
      kind: 'RETRIEVER',
      metadata: { label: 'better', reviewed: 'true', turn: 5 },
    });
    expect(detail.trace.map((span) => span.span_id)).toEqual([4, 5, 6, 7].map((i) => spanId(0xa00 + i)));
    expect(detail.changes).toEqual([
      expect.objectContaining({
        submission_id: first.submission_id,
        submission_label: 'first.csv',
        key: 'label',
        existed_before: false,
        before: null,
        after: 'good',
      }),
      expect.objectContaining({
        submission_id: second.submission_id,
        submission_label: 'second.csv',
        key: 'label',
        existed_before: true,
        before: 'good',
        after: 'better',
      }),
    ]);
    const missing = await getJson(`${server.url}/api/v1/projects/${project}/spans/ffffffffffffffff`);
    expect(missing.status).toBe(404);
    // The metadata index follows the patch: the new value is found, the old one not.
    expect(await idsOf({ metadata: [{ key: 'label', op: 'eq', value: 'better' }] })).toEqual([5]);
    expect(await idsOf({ metadata: [{ key: 'label', op: 'eq', value: 'good' }] })).toEqual([]);
  });
});
