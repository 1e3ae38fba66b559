import { vi } from 'vitest';
import { json, refuseKey } from '../shared/fake-fetch';

export { stubUnreachable } from '../shared/fake-fetch';

/** A project as `GET /api/v1/projects` lists it. */
export interface FakeProject {
  name: string;
  spans: number;
}

/**
 * Stubs the global fetch with a Spanpatch server that answers `GET /api/v1/projects`: 401 without a key and 403
 * with a wrong one when `apiKey` is set. Returns the mock, to inspect the requests.
 */
export function stubServer({ projects, apiKey }: { projects: FakeProject[]; apiKey?: string }) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname !== '/api/v1/projects')
      return json(404, { error: { code: 'not_found', message: 'No route' } });
    const refused = refuseKey(init, apiKey);
    if (refused) return refused;
    return json(200, { projects });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
