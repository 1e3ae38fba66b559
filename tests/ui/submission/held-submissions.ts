import { vi } from 'vitest';

/** What the test does with a held batch: let it reach the server, or answer 503 (Retry-After: 0) in its place. */
export type Release = 'deliver' | 'busy';

/**
 * Stubs the global fetch: every request reaches the real server as it was sent and is recorded as `METHOD /path`,
 * except the batches of a submission (POST …/spans/metadata), each held until the test releases it. A `busy`
 * answer makes the client report a retry and send the batch again, so each release is one progress report.
 */
export function holdSubmissions() {
  const requests: string[] = [];
  const held: ((release: Release) => void)[] = [];
  const arrivals: (() => void)[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    requests.push(`${init?.method ?? 'GET'} ${path}`);
    if (!path.endsWith('/spans/metadata')) return realFetch(input, init);
    const release = await new Promise<Release>((resolve) => {
      held.push(resolve);
      arrivals.shift()?.();
    });
    if (release === 'deliver') return realFetch(input, init);
    return new Response(JSON.stringify({ error: { code: 'unavailable', message: 'Busy' } }), {
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '0' },
    });
  });

  /** Resolves once a batch is held (at once if one is). */
  const nextBatch = (): Promise<void> =>
    held.length > 0 ? Promise.resolve() : new Promise((resolve) => arrivals.push(resolve));

  return {
    /** Every request sent since, as `METHOD /path`. */
    requests,
    /** How many lookups of spans were sent. */
    lookups: () => requests.filter((request) => request.endsWith('/spans/lookup')).length,
    nextBatch,
    /** Releases the batch held longest; throws when none is held. */
    release(release: Release): void {
      const next = held.shift();
      if (next === undefined) throw new Error('No batch of the submission is held');
      next(release);
    },
  };
}
