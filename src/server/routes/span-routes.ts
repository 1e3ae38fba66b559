import type { Hono } from 'hono';
import {
  apiRoutes,
  authorOfCaller,
  type SpanCountResponse,
  type SpanQueryResponse,
  submitterOf,
} from '@/core/api';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { requestLog } from '@/server/http/request-context';
import { UnknownProjectError } from '@/server/store';
import { patchInArize, projectsWithTargets } from './arize-writes';
import { changesWithAuthors } from './authors';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';
import { decodeSpanCursor, encodeSpanCursor } from './span-cursor';

/** Routes about a project's spans (SPEC §6): projects, metadata patch, lookup, fields, browse. */
export function registerSpanRoutes(
  app: Hono<AppEnv>,
  { store, maxBodyBytes, metrics, arize, access, bodyParsePool }: RouteDeps,
): void {
  const register = routeRegistrar(app, maxBodyBytes, { pool: bodyParsePool, metrics });
  register(apiRoutes.listProjects, async (c) =>
    c.json({ projects: projectsWithTargets(await store.listProjects(), arize) }),
  );

  register(apiRoutes.patchSpanMetadata, async (c, { params, headers, body, bodyDigest }) => {
    const idempotencyKey = headers['Idempotency-Key'];
    // NOTE: each span's patch_document was validated and put in stored form with the body (prepared-bodies.ts).
    const { spans } = body;
    const caller = c.get('caller');
    const submission = {
      project: params.project,
      spans,
      keyName: submitterOf(caller),
      idempotencyKey:
        idempotencyKey === undefined ? null : { key: idempotencyKey, requestDigest: bodyDigest },
      submission: body.submission,
    };
    const arizeProject = arize?.config.links.get(params.project);
    let outcome;
    if (arize && arizeProject !== undefined) {
      const sent = await patchInArize(store, arize, arizeProject, submission, c.req.raw.signal);
      if (sent.failure) {
        requestLog(c).warn(
          { arize: sent.failure.kind, grpc: sent.failure.grpcStatus },
          `Arize AX: ${sent.failure.reason}`,
        );
      }
      outcome = sent;
    } else {
      outcome = await store.applyPatches(submission);
    }
    if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
    else metrics.recordBatch('patch', outcome.response);
    // Who sent it, with the name and email the provider gave (a service key is known by its name alone).
    if (access !== null && (caller.kind === 'session' || caller.kind === 'personal_key')) {
      await access.recordAuthor(outcome.response.submission_id, authorOfCaller(caller));
    }
    return c.json(outcome.response);
  });

  register(apiRoutes.lookupSpans, async (c, { params, body }) =>
    c.json(await store.lookupSpans(params.project, body.span_ids)),
  );

  register(apiRoutes.querySpans, async (c, { params, body }) => {
    const idsOnly = body.ids_only === true;
    const result = await store.searchSpans(params.project, {
      filter: body.filter,
      limit: body.limit,
      after: body.cursor === undefined ? null : decodeSpanCursor(body.cursor),
      count: body.count === true,
      idsOnly,
    });
    const page = {
      next_cursor: result.next ? encodeSpanCursor(result.next) : null,
      ...(result.total === null ? {} : { total: result.total }),
    };
    // One shape per request (SPEC §10): the spans, or with ids_only their IDs alone.
    const answer: SpanQueryResponse = idsOnly
      ? { span_ids: result.spanIds ?? result.spans.map((span) => span.span_id), ...page }
      : { spans: result.spans, ...page };
    return c.json(answer);
  });

  register(apiRoutes.countSpans, async (c, { body }) => {
    const counted: SpanCountResponse['projects'] = [];
    for (const project of await store.listProjects()) {
      if (project.spans === 0) continue;
      try {
        const result = await store.searchSpans(project.name, {
          filter: body.filter,
          limit: 1,
          after: null,
          count: true,
          idsOnly: true,
        });
        if (result.total !== null && result.total > 0)
          counted.push({ project: project.name, total: result.total });
      } catch (error) {
        // A project deleted since it was listed has nothing to count.
        if (!(error instanceof UnknownProjectError)) throw error;
      }
    }
    counted.sort((a, b) => b.total - a.total || (a.project < b.project ? -1 : 1));
    return c.json({ projects: counted });
  });

  register(apiRoutes.getSpan, async (c, { params }) => {
    const detail = await store.getSpan(params.project, params.span_id);
    if (!detail) {
      throw new HttpError(
        404,
        'span_not_found',
        `No span with ID '${params.span_id.slice(0, 100)}' in project '${params.project}'`,
      );
    }
    return c.json(await changesWithAuthors(store, access, detail));
  });

  register(apiRoutes.getFields, async (c, { params }) =>
    c.json({ fields: await store.getFields(params.project) }),
  );

  register(apiRoutes.listSpans, async (c, { params, query }) => {
    const search = query.q?.trim();
    const page = await store.listSpans(params.project, {
      limit: query.limit,
      after: query.cursor === undefined ? null : decodeSpanCursor(query.cursor),
      search: search ? search : null,
    });
    return c.json({ spans: page.spans, next_cursor: page.next ? encodeSpanCursor(page.next) : null });
  });
}
