import { vi } from 'vitest';
import type { PatchResponse, SpanError, Submission, SubmissionChange } from '@/core/api';
import { json, refuseKey } from '../shared/fake-fetch';

export { stubUnreachable } from '../shared/fake-fetch';

/** A submission as the fake server keeps it: what the list shows, and its changes and errors. */
export interface FakeSubmission extends Submission {
  changes: SubmissionChange[];
  errors: SpanError[];
}

/** A submission of project `demo` with defaults for every field not given. */
export function fakeSubmission(fields: Partial<FakeSubmission> & Pick<FakeSubmission, 'id'>): FakeSubmission {
  return {
    project: 'demo',
    kind: 'patch',
    label: null,
    reverts: null,
    reverted_by: null,
    created_at: '2025-03-01T09:00:00.000Z',
    finished_at: '2025-03-01T09:00:02.000Z',
    key_name: null,
    batches: 1,
    spans_processed: 0,
    spans_updated: 0,
    spans_unchanged: 0,
    spans_failed: 0,
    changes: [],
    errors: [],
    ...fields,
  };
}

function page<T>(rows: readonly T[], url: URL): { rows: T[]; next_cursor: string | null } {
  const limit = Number(url.searchParams.get('limit') ?? '100');
  const start = Number(url.searchParams.get('cursor') ?? '0');
  const end = start + limit;
  return { rows: rows.slice(start, end), next_cursor: end < rows.length ? String(end) : null };
}

const publicPart = ({ changes: _changes, errors: _errors, ...submission }: FakeSubmission): Submission =>
  submission;

/**
 * Stubs the global fetch with a server that answers the history routes as SPEC §9 says, from `submissions` (newest
 * first, as the server lists them): the list of a project, page by page (`cursor` is a position); one submission;
 * its changes and errors, paged and searched (`q`: start of a span ID, or part of the key or message); and revert.
 * `person` lists only the submissions whose author has that subject. A revert fails the spans `conflicts` names for
 * that submission (and reverts the other spans it changed), writes a new submission of kind `revert` at the top and
 * links the two; a dry run answers the same and writes nothing. 401/403 when `apiKey` is set and not sent right;
 * 403 `read_only_key` on a revert when `readOnly`.
 */
export function stubHistoryServer({
  submissions,
  apiKey,
  conflicts = {},
  readOnly = false,
  now = () => '2025-03-03T10:00:00.000Z',
}: {
  submissions: FakeSubmission[];
  apiKey?: string;
  conflicts?: Record<string, SpanError[]>;
  readOnly?: boolean;
  now?: () => string;
}) {
  const records = submissions.map((submission) => ({ ...submission }));
  let reverts = 0;

  const revert = (original: FakeSubmission, dryRun: boolean): Response => {
    if (original.reverted_by !== null) {
      return json(422, {
        error: {
          code: 'already_reverted',
          message: `The submission '${original.id}' was reverted already, by '${original.reverted_by}'`,
        },
      });
    }
    const failed = conflicts[original.id] ?? [];
    const failedIds = new Set(failed.map((error) => error.span_id));
    const spans = [...new Set(original.changes.map((change) => change.span_id))];
    const back = original.changes.filter((change) => !failedIds.has(change.span_id));
    const answer: PatchResponse = {
      spans_processed: spans.length,
      spans_updated: spans.filter((spanId) => !failedIds.has(spanId)).length,
      spans_unchanged: 0,
      spans_failed: failed.length,
      errors: failed,
      submission_id: '',
    };
    if (dryRun) return json(200, answer);
    reverts++;
    const at = now();
    const revertRecord = fakeSubmission({
      id: `revert-${reverts}`,
      project: original.project,
      kind: 'revert',
      label: `Revert of ${original.label ?? original.id}`,
      reverts: original.id,
      created_at: at,
      finished_at: at,
      spans_processed: answer.spans_processed,
      spans_updated: answer.spans_updated,
      spans_failed: answer.spans_failed,
      changes: back.map((change) => ({
        span_id: change.span_id,
        key: change.key,
        existed_before: !change.removed,
        before: change.after,
        after: change.existed_before ? change.before : null,
        removed: !change.existed_before,
      })),
      errors: failed,
    });
    original.reverted_by = revertRecord.id;
    records.unshift(revertRecord);
    return json(200, { ...answer, submission_id: revertRecord.id });
  };

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const refused = refuseKey(init, apiKey);
    if (refused) return refused;
    if (url.pathname === '/api/v1/submissions') {
      const project = url.searchParams.get('project');
      const person = url.searchParams.get('person');
      const listed = records.filter(
        (record) =>
          (project === null || record.project === project) &&
          (person === null || record.author?.subject === person),
      );
      const { rows, next_cursor } = page(listed, url);
      return json(200, { submissions: rows.map(publicPart), next_cursor });
    }
    const match = /^\/api\/v1\/submissions\/([^/]+)(?:\/(changes|errors|revert))?$/.exec(url.pathname);
    const record = match
      ? records.find((entry) => entry.id === decodeURIComponent(match[1] ?? ''))
      : undefined;
    if (!match || !record) {
      return json(404, {
        error: { code: 'submission_not_found', message: `No submission at ${url.pathname}` },
      });
    }
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    switch (match[2]) {
      case undefined:
        return json(200, publicPart(record));
      case 'changes': {
        const found = record.changes.filter(
          (change) => change.span_id.toLowerCase().startsWith(q) || change.key.toLowerCase().includes(q),
        );
        const { rows, next_cursor } = page(found, url);
        return json(200, { changes: rows, total: found.length, next_cursor });
      }
      case 'errors': {
        const found = record.errors.filter(
          (error) =>
            error.span_id.toLowerCase().startsWith(q) || error.error_message.toLowerCase().includes(q),
        );
        const { rows, next_cursor } = page(found, url);
        return json(200, { errors: rows, total: found.length, next_cursor });
      }
      default: {
        if (init?.method !== 'POST') return json(405, { error: { code: 'method_not_allowed', message: '' } });
        if (readOnly) {
          return json(403, {
            error: {
              code: 'read_only_key',
              message: "The API key 'viewer' is read-only: it cannot change spans. Use a key without ':read'",
            },
          });
        }
        const body = JSON.parse(String(init.body ?? '{}')) as { dry_run?: boolean };
        return revert(record, body.dry_run === true);
      }
    }
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
