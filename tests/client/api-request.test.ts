import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiRequest, ApiRequestError } from '@/client/api-request';
import { answerTooLargeMessage, apiRoutes, MAX_ANSWER_BYTES } from '@/core/api';

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

/** What an endless server saw of one request: how many bytes it wrote, and when the client went away. */
interface EndlessAnswer {
  written: number;
  closed: Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that answers every request with `status` and a body that never ends (a JSON
 * beginning, then spaces, as fast as the client reads); `announce` sends a Content-Length first.
 */
async function startEndlessServer(options: { status?: number; announce?: number }) {
  const answers: EndlessAnswer[] = [];
  const server = createServer((_request, response) => {
    const answer: EndlessAnswer = { written: 0, closed: Promise.resolve() };
    answer.closed = new Promise((resolve) => response.once('close', () => resolve()));
    answers.push(answer);
    response.writeHead(options.status ?? 200, {
      'content-type': 'application/json',
      ...(options.announce === undefined ? {} : { 'content-length': String(options.announce) }),
    });
    const spaces = Buffer.alloc(1024 * 1024, ' ');
    let stopped = false;
    response.once('close', () => (stopped = true));
    const pump = () => {
      while (!stopped) {
        answer.written += spaces.length;
        if (!response.write(answer.written === spaces.length ? '{"projects":[' : spaces)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('apiRequest against a server whose answer never ends', () => {
  it(`stops reading above ${MAX_ANSWER_BYTES / 1024 / 1024} MB and says so`, async () => {
    const server = await startEndlessServer({});
    try {
      const error = await failureOf(
        apiRequest(apiRoutes.listProjects, { params: {} }, { baseUrl: server.url, timeoutMs: Infinity }),
      );
      expect(error).toMatchObject({
        status: 200,
        code: 'answer_too_large',
        kind: 'invalid_answer',
        networkFailure: false,
        message: answerTooLargeMessage(),
      });
      expect(error.message).toContain("The server's answer was over 500 MB");
      // The client hung up: the server could not write much past the cap (what the sockets buffer).
      await server.answers[0]?.closed;
      expect(server.answers[0]?.written).toBeLessThan(MAX_ANSWER_BYTES + 64 * 1024 * 1024);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses at once an answer that announces more than the cap, without reading it', async () => {
    const server = await startEndlessServer({ announce: MAX_ANSWER_BYTES + 1 });
    try {
      const error = await failureOf(
        apiRequest(apiRoutes.listProjects, { params: {} }, { baseUrl: server.url, timeoutMs: Infinity }),
      );
      expect(error).toMatchObject({
        status: 200,
        code: 'answer_too_large',
        message: answerTooLargeMessage(),
      });
      await server.answers[0]?.closed;
      expect(server.answers[0]?.written).toBeLessThan(MAX_ANSWER_BYTES / 4);
    } finally {
      await server.close();
    }
  });

  it('reads only the beginning of an error answer that never ends, and reports its status', async () => {
    const server = await startEndlessServer({ status: 502 });
    try {
      const error = await failureOf(
        apiRequest(apiRoutes.listProjects, { params: {} }, { baseUrl: server.url, timeoutMs: Infinity }),
      );
      expect(error).toMatchObject({ status: 502, code: 'http_502', kind: 'error_answer' });
      expect(error.message).toBe('HTTP 502 Bad Gateway: {"projects":[');
      await server.answers[0]?.closed;
      expect(server.answers[0]?.written).toBeLessThan(MAX_ANSWER_BYTES / 4);
    } finally {
      await server.close();
    }
  });
});
