import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '@/client';
import { describeFailedCheck, describeRequestError } from '@/ui/shared/request-error';

const settings = { serverUrl: 'http://127.0.0.1:8787', apiKey: '' };

describe('why a request failed, in the same words in every tab', () => {
  it('says an unreachable server in one sentence, never "Failed to fetch"', () => {
    const error = new ApiRequestError(null, 'network_error', 'Could not reach the server: Failed to fetch');
    const text = describeRequestError(error, settings);
    expect(text).toBe(
      'Cannot reach the server at http://127.0.0.1:8787. Check the address and that the server is running.',
    );
    expect(text).not.toContain('Failed to fetch');
    // A request that ran out of time is no answer either.
    const timeout = new ApiRequestError(null, 'network_error', 'No answer from the server within 30 s', {
      kind: 'timeout',
    });
    expect(describeRequestError(timeout, settings)).toBe(text);
  });

  it('adds the CORS hint for a server on another origin than the page', () => {
    const check = { ok: false as const, reason: 'unreachable' as const, message: 'Failed to fetch' };
    expect(describeFailedCheck(check, { ...settings, pageOrigin: 'http://localhost:5173' }).text).toContain(
      'and accepts requests from this page (CORS).',
    );
    expect(
      describeFailedCheck(check, { ...settings, pageOrigin: 'http://127.0.0.1:8787' }).text,
    ).not.toContain('CORS');
  });

  it('says a missing or refused key, a server that is not Spanpatch, and an error answer', () => {
    const failure = (status: number, code: string, message: string) =>
      describeRequestError(new ApiRequestError(status, code, message), settings);
    expect(failure(401, 'unauthorized', 'Missing key')).toBe(
      'The server at http://127.0.0.1:8787 needs an API key: enter it under "API key".',
    );
    expect(
      describeRequestError(new ApiRequestError(403, 'forbidden', 'no'), { ...settings, apiKey: 'k' }),
    ).toBe('The server at http://127.0.0.1:8787 refused the API key (403): it is wrong or no longer valid.');
    expect(failure(200, 'invalid_response', 'not JSON')).toBe(
      'http://127.0.0.1:8787 answered, but not like a Spanpatch server: check the Server URL. (not JSON)',
    );
    expect(failure(500, 'internal', 'Storage failed')).toBe(
      'The server at http://127.0.0.1:8787 answered with an error: Storage failed',
    );
  });

  it('says any other error as its message', () => {
    expect(describeRequestError(new Error('Something else'), settings)).toBe('Something else');
    expect(describeRequestError('plain', settings)).toBe('plain');
  });
});
