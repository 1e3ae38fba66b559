import { vi } from 'vitest';
import { json, refuseKey } from '../shared/fake-fetch';

export { stubUnreachable } from '../shared/fake-fetch';
import type { Submission, SubmissionDetail } from '@/core/api-schema';

/**
 * Stubs the global fetch with a server that answers the history routes from `details`: the list (filtered by
 * `project`, in the order given) and each submission by ID; 401/403 when `apiKey` is set and not sent right.
 */
export function stubHistoryServer({ details, apiKey }: { details: SubmissionDetail[]; apiKey?: string }) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const refused = refuseKey(init, apiKey);
    if (refused) return refused;
    if (url.pathname === '/api/v1/submissions') {
      const project = url.searchParams.get('project');
      const submissions: Submission[] = details
        .filter((detail) => project === null || detail.project === project)
        .map(({ changes: _changes, errors: _errors, ...submission }) => submission);
      return json(200, { submissions });
    }
    const match = /^\/api\/v1\/submissions\/([^/]+)$/.exec(url.pathname);
    const detail = match
      ? details.find((entry) => entry.id === decodeURIComponent(match[1] ?? ''))
      : undefined;
    if (detail) return json(200, detail);
    return json(404, {
      error: { code: 'submission_not_found', message: `No submission at ${url.pathname}` },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
