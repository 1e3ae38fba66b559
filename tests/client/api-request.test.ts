import { describe, expect, it } from 'vitest';
import { apiRequest, ApiRequestError } from '@/client/api-request';
import { apiRoutes } from '@/core/api-routes';

interface SentRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/** A fake fetch that answers every request with `reply`, recording what was sent. */
function fakeFetch(reply: () => Response) {
  const sent: SentRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : null,
    });
    return reply();
  };
  return { fetch: fetchImpl as typeof fetch, sent };
}

async function failureOf(call: Promise<unknown>): Promise<ApiRequestError> {
  const error: unknown = await call.catch((caught: unknown) => caught);
  if (!(error instanceof ApiRequestError))
    throw new Error(`expected an ApiRequestError, got ${String(error)}`);
  return error;
}

const okLookup = () => Response.json({ spans: [], missing: ['a'] });

describe('apiRequest', () => {
  it("sends the route's method, path, query, JSON body and headers, and returns the validated answer", async () => {
    const { fetch, sent } = fakeFetch(okLookup);
    const answer = await apiRequest(
      apiRoutes.lookupSpans,
      { params: { project: 'a b/c' }, body: { span_ids: ['a'] }, headers: { 'X-Extra': '1' } },
      { baseUrl: 'http://127.0.0.1:9/', apiKey: 'k', fetch },
    );
    expect(answer).toEqual({ spans: [], missing: ['a'] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe('http://127.0.0.1:9/api/v1/projects/a%20b%2Fc/spans/lookup');
    expect(sent[0]?.body).toBe('{"span_ids":["a"]}');
    expect(sent[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(sent[0]?.headers.get('Authorization')).toBe('Bearer k');
    expect(sent[0]?.headers.get('X-Extra')).toBe('1');

    const page = fakeFetch(() => Response.json({ spans: [], next_cursor: null }));
    await apiRequest(
      apiRoutes.listSpans,
      { params: { project: 'p' }, query: { limit: 5, cursor: null, q: '' } },
      { fetch: page.fetch },
    );
    expect(page.sent[0]?.url).toBe('/api/v1/projects/p/spans?limit=5');
    expect(page.sent[0]?.method).toBe('GET');
    expect(page.sent[0]?.body).toBeNull();
    expect(page.sent[0]?.headers.get('Content-Type')).toBeNull();
  });

  it("carries an error answer's status, code, message and Retry-After", async () => {
    const { fetch } = fakeFetch(() =>
      Response.json(
        { error: { code: 'store_unavailable', message: 'The disk is full' } },
        { status: 503, headers: { 'Retry-After': '7' } },
      ),
    );
    const error = await failureOf(apiRequest(apiRoutes.listProjects, { params: {} }, { fetch }));
    expect(error).toMatchObject({
      status: 503,
      code: 'store_unavailable',
      message: 'The disk is full',
      kind: 'error_answer',
      retryAfterMs: 7_000,
      timedOut: false,
      networkFailure: false,
    });
  });

  it('describes an error answer that is not the API error shape by its status', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await failureOf(apiRequest(apiRoutes.listProjects, { params: {} }, { fetch }));
    expect(error).toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'HTTP 502 Bad Gateway: <html>bad gateway</html>',
      retryAfterMs: null,
    });
  });

  it('fails with invalid_response on an answer that is not JSON or does not match the schema', async () => {
    const notJson = fakeFetch(() => new Response('<html>proxy</html>', { status: 200 }));
    const first = await failureOf(
      apiRequest(apiRoutes.listProjects, { params: {} }, { fetch: notJson.fetch }),
    );
    expect(first).toMatchObject({ status: 200, code: 'invalid_response', kind: 'invalid_answer' });
    expect(first.message).toMatch(/^The server's answer is not JSON \(/);

    const wrongShape = fakeFetch(() => Response.json({ projects: 'many' }));
    const second = await failureOf(
      apiRequest(apiRoutes.listProjects, { params: {} }, { fetch: wrongShape.fetch }),
    );
    expect(second).toMatchObject({ status: 200, code: 'invalid_response', kind: 'invalid_answer' });
    expect(second.message).toMatch(/^The server's answer does not match the API: projects: /);
  });

  it('fails with network_error when fetch cannot reach the server, naming the cause', async () => {
    const refused = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const error = await failureOf(
      apiRequest(apiRoutes.listProjects, { params: {} }, { fetch: refused as typeof fetch }),
    );
    expect(error).toMatchObject({
      status: null,
      code: 'network_error',
      message: 'Could not reach the server: fetch failed: connect ECONNREFUSED 127.0.0.1:9',
      kind: 'network',
      networkFailure: true,
      timedOut: false,
    });
  });
});
