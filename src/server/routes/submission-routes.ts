import type { Hono } from 'hono';
import {
  apiRoutes,
  authorOfCaller,
  authorOfSubmission,
  mayRevert,
  submitterOf,
  submitterOfPerson,
  whyNotAllowed,
  identityOfCaller,
} from '@/core/api';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import type { SubmissionPageQuery } from '@/server/store';
import { requestLog } from '@/server/http/request-context';
import { revertInArize } from './arize-writes';
import { withAuthors } from './authors';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';
import { decodePositionCursor, encodePositionCursor } from './span-cursor';

function notFound(id: string): HttpError {
  return new HttpError(404, 'submission_not_found', `No submission with ID '${id.slice(0, 100)}'`);
}

function pageQuery(query: {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}): SubmissionPageQuery {
  const search = query.q?.trim();
  return {
    limit: query.limit,
    after: query.cursor === undefined ? null : decodePositionCursor(query.cursor),
    search: search ? search : null,
  };
}

const cursorOf = (next: number | null) => (next === null ? null : encodePositionCursor(next));

/**
 * The history of submissions (SPEC §9): submissions newest first, paged; one submission; its changes (each key's
 * value before and after) and errors, paged and searchable; and revert.
 */
export function registerSubmissionRoutes(
  app: Hono<AppEnv>,
  { store, maxBodyBytes, metrics, arize, access, clientAddress }: RouteDeps,
): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.listSubmissions, async (c, { query }) => {
    const list = await store.listSubmissions({
      project: query.project ?? null,
      submitter: query.person === undefined ? null : submitterOfPerson(query.person),
      limit: query.limit,
      before: query.cursor === undefined ? null : decodePositionCursor(query.cursor),
    });
    return c.json({
      submissions: await withAuthors(access, list.submissions),
      next_cursor: cursorOf(list.next),
    });
  });

  register(apiRoutes.getSubmission, async (c, { params }) => {
    const submission = await store.getSubmission(params.id);
    if (!submission) throw notFound(params.id);
    const [withAuthor] = await withAuthors(access, [submission]);
    return c.json(withAuthor ?? submission);
  });

  register(apiRoutes.listSubmissionChanges, async (c, { params, query }) => {
    const page = await store.listSubmissionChanges(params.id, pageQuery(query));
    if (!page) throw notFound(params.id);
    return c.json({ changes: page.rows, total: page.total, next_cursor: cursorOf(page.next) });
  });

  register(apiRoutes.listSubmissionErrors, async (c, { params, query }) => {
    const page = await store.listSubmissionErrors(params.id, pageQuery(query));
    if (!page) throw notFound(params.id);
    return c.json({ errors: page.rows, total: page.total, next_cursor: cursorOf(page.next) });
  });

  register(apiRoutes.revertSubmission, async (c, { params, body }) => {
    const caller = c.get('caller');
    const keyName = submitterOf(caller);
    if (!body.dry_run) {
      // An editor reverts their own submissions, an admin anyone's (SPEC §16).
      const submission = await store.getSubmission(params.id);
      if (!submission) throw notFound(params.id);
      const author = authorOfSubmission(
        submission.key_name,
        access === null ? undefined : (await access.authorsOf([submission.id])).get(submission.id),
      );
      if (!mayRevert(caller, author)) {
        const why =
          whyNotAllowed(identityOfCaller(caller), 'revert', author) ?? 'You may not revert this submission.';
        throw new HttpError(403, 'not_your_submission', why);
      }
    }
    const project = arize === null ? null : ((await store.getSubmission(params.id))?.project ?? null);
    const arizeProject = project === null ? undefined : arize?.config.links.get(project);
    let response;
    if (arize && project !== null && arizeProject !== undefined && !body.dry_run) {
      const sent = await revertInArize(store, arize, arizeProject, {
        submissionId: params.id,
        project,
        keyName,
        signal: c.req.raw.signal,
      });
      if (sent.failure) {
        requestLog(c).warn(
          { arize: sent.failure.kind, grpc: sent.failure.grpcStatus },
          `Arize AX: ${sent.failure.reason}`,
        );
      }
      response = sent.response;
    } else {
      response = await store.revertSubmission({
        submissionId: params.id,
        dryRun: body.dry_run,
        keyName,
        ...(arizeProject === undefined ? {} : { arize: { decided: null } }),
      });
    }
    if (!response) throw notFound(params.id);
    if (!body.dry_run) {
      metrics.recordBatch('revert', response);
      if (access !== null) {
        const actor = authorOfCaller(caller);
        if (caller.kind === 'session' || caller.kind === 'personal_key') {
          await access.recordAuthor(response.submission_id, actor);
        }
        await access.recordAudit({
          at: new Date().toISOString(),
          action: 'revert',
          actor,
          address: clientAddress(c),
          detail: { submission_id: params.id, revert_id: response.submission_id },
        });
      }
    }
    return c.json(response);
  });
}
