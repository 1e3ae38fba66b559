import { vi } from 'vitest';
import type { MetadataCondition, SpanCountResponse, SpanDetail, SpanFilter, SpanSummary } from '@/core/api';
import { spanCountRequestSchema, type SpanQueryRequest, spanQueryRequestSchema } from '@/core/api/api-schema';
import type { StoredValue } from '@/core/patch';
import { json } from '../shared/fake-fetch';

export { stubUnreachable } from '../shared/fake-fetch';

/** A request the fake server received: its path, its JSON body, and its signal (to see it was cancelled). */
export interface ReceivedRequest {
  method: string;
  path: string;
  body: unknown;
  signal: AbortSignal | null;
}

/** `count` spans in traces of three (a CHAIN root, an LLM and a TOOL child), newest first a minute apart. */
export function makeSpans(count: number): SpanSummary[] {
  const spans: SpanSummary[] = [];
  for (let index = 0; index < count; index++) {
    const trace = Math.floor(index / 3);
    const position = index % 3;
    const rootId = `${(trace * 3).toString(16).padStart(16, '0')}`;
    const metadata: Record<string, StoredValue> = {};
    if (position === 0) {
      metadata.user_id = `user_${String(trace % 7).padStart(4, '0')}`;
      metadata.turn = (trace % 5) + 1;
    }
    if (position === 1 && trace % 2 === 0) metadata.score = 0.5;
    spans.push({
      span_id: index.toString(16).padStart(16, '0'),
      trace_id: `7${trace.toString(16).padStart(31, '0')}`,
      parent_span_id: position === 0 ? null : rootId,
      name: position === 0 ? 'support_agent.run' : position === 1 ? 'chat gpt-4o' : 'lookup_order',
      kind: position === 0 ? 'CHAIN' : position === 1 ? 'LLM' : 'TOOL',
      start_time: new Date(Date.UTC(2025, 4, 5, 8) + (count - index) * 60_000 + position).toISOString(),
      metadata,
      input_preview: position === 1 ? `Where is order ${4400 + trace}?` : null,
    });
  }
  return spans;
}

function matchesCondition(span: SpanSummary, condition: MetadataCondition): boolean {
  const has = Object.hasOwn(span.metadata, condition.key);
  const value = span.metadata[condition.key];
  const wanted = String(condition.value ?? '');
  switch (condition.op) {
    case 'exists':
      return has;
    case 'missing':
      return !has;
    case 'eq':
      return has && String(value) === wanted;
    case 'ne':
      return !has || String(value) !== wanted;
    case 'contains':
      return has && String(value).includes(wanted);
    case 'lt':
      return has && Number(value) < Number(wanted);
    case 'gt':
      return has && Number(value) > Number(wanted);
  }
}

/** The spans a filter finds, as SPEC §10 says (a simple reading of it, for the UI's tests). */
export function filterSpans(spans: readonly SpanSummary[], filter: SpanFilter): SpanSummary[] {
  const text = filter.text?.trim().toLowerCase();
  return spans.filter(
    (span) =>
      (text === undefined ||
        span.span_id.startsWith(text) ||
        span.trace_id.startsWith(text) ||
        span.name.toLowerCase().includes(text)) &&
      (filter.span_ids === undefined || filter.span_ids.includes(span.span_id)) &&
      (filter.trace_ids === undefined || filter.trace_ids.includes(span.trace_id)) &&
      (filter.kinds === undefined || filter.kinds.includes(span.kind)) &&
      (!filter.roots_only || span.parent_span_id === null) &&
      (filter.start?.from === undefined || span.start_time >= filter.start.from) &&
      (filter.start?.to === undefined || span.start_time < filter.start.to) &&
      (filter.metadata ?? []).every((condition) => matchesCondition(span, condition)),
  );
}

/**
 * Stubs the global fetch with a server that holds `spans` of project `demo` and answers the routes the Spans tab
 * uses: the query (filters, newest first, cursors, `count`, `ids_only`), one span with `changes`, lookups and the
 * project's fields. `hold` may return a promise that keeps a query from being answered until it settles.
 */
export function stubSpansServer({
  spans,
  changes = {},
  hold,
  elsewhere = [],
}: {
  spans: SpanSummary[];
  changes?: Record<string, SpanDetail['changes']>;
  hold?: (query: SpanQueryRequest) => Promise<void> | undefined;
  /** What `POST /api/v1/spans/count` answers for the other projects, whatever the filter. */
  elsewhere?: SpanCountResponse['projects'];
}) {
  const requests: ReceivedRequest[] = [];
  const newestFirst = [...spans].sort((a, b) =>
    a.start_time === b.start_time ? (a.span_id < b.span_id ? 1 : -1) : a.start_time < b.start_time ? 1 : -1,
  );
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const method = init?.method ?? 'GET';
    requests.push({ method, path: url.pathname, body, signal: init?.signal ?? null });
    if (url.pathname === '/api/v1/spans/count' && method === 'POST') {
      const { filter } = spanCountRequestSchema.parse(body);
      const here = filterSpans(newestFirst, filter).length;
      const projects = [...elsewhere, ...(here > 0 ? [{ project: 'demo', total: here }] : [])];
      return json(200, { projects: projects.sort((a, b) => b.total - a.total) });
    }
    const prefix = '/api/v1/projects/demo';
    if (!url.pathname.startsWith(`${prefix}/`)) {
      return json(404, { error: { code: 'project_not_found', message: `No project at ${url.pathname}` } });
    }
    const route = url.pathname.slice(prefix.length);
    if (route === '/metadata/fields') {
      const fields = new Map<string, { type: 'Utf8' | 'Int64' | 'Float64'; spans: number }>();
      for (const span of spans) {
        for (const [key, value] of Object.entries(span.metadata)) {
          const type = typeof value === 'string' ? 'Utf8' : Number.isInteger(value) ? 'Int64' : 'Float64';
          const field = fields.get(key) ?? { type, spans: 0 };
          field.spans++;
          fields.set(key, field);
        }
      }
      return json(200, { fields: [...fields].map(([key, field]) => ({ key, ...field })) });
    }
    if (route === '/spans/query' && method === 'POST') {
      // Checked as the real server checks it: the UI's tests fail on a body the server would refuse.
      const query = spanQueryRequestSchema.parse(body);
      const held = hold?.(query);
      if (held) await held;
      if (init?.signal?.aborted) throw new DOMException('The request was cancelled', 'AbortError');
      const found = filterSpans(newestFirst, query.filter);
      const start = query.cursor === undefined ? 0 : Number(query.cursor);
      const { limit } = query;
      const page = found.slice(start, start + limit);
      const next = start + limit < found.length ? String(start + limit) : null;
      return json(200, {
        ...(query.ids_only ? { span_ids: page.map((span) => span.span_id) } : { spans: page }),
        next_cursor: next,
        ...(query.count ? { total: found.length } : {}),
      });
    }
    if (route === '/spans/lookup' && method === 'POST') {
      const ids = (body as { span_ids: string[] }).span_ids;
      const byId = new Map(spans.map((span) => [span.span_id, span]));
      return json(200, {
        spans: ids.flatMap((id) => {
          const span = byId.get(id);
          return span ? [{ span_id: id, metadata: span.metadata, updated_at: null }] : [];
        }),
        missing: ids.filter((id) => !byId.has(id)),
      });
    }
    const one = /^\/spans\/([^/]+)$/.exec(route);
    const span = one
      ? spans.find((candidate) => candidate.span_id === decodeURIComponent(one[1] ?? ''))
      : undefined;
    if (span) {
      const detail: SpanDetail = {
        span: {
          ...span,
          end_time: null,
          updated_at: changes[span.span_id]?.at(-1)?.at ?? null,
          input:
            span.input_preview === null ? null : `${span.input_preview}\n${'Order details. '.repeat(100)}`,
          output: span.input_preview === null ? null : `Order of ${span.span_id} shipped.`,
          attributes: { 'openinference.span.kind': span.kind, 'llm.model_name': 'gpt-4o' },
        },
        trace: spans
          .filter((candidate) => candidate.trace_id === span.trace_id)
          .map(({ span_id, parent_span_id, name, kind, start_time }) => ({
            span_id,
            parent_span_id,
            name,
            kind,
            start_time,
          })),
        trace_truncated: false,
        changes: changes[span.span_id] ?? [],
      };
      return json(200, detail);
    }
    return json(404, { error: { code: 'span_not_found', message: `No span at ${url.pathname}` } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    requests,
    /** The bodies of the span queries received, in order. */
    queries: () =>
      requests
        .filter((request) => request.path.endsWith('/spans/query'))
        .map((request) => ({ ...(request.body as SpanQueryRequest), signal: request.signal })),
  };
}
