import type { Hono } from 'hono';
import { apiRoutes } from '@/core/api-routes';
import { prepareSubmittedSpan } from '@/core/submitted-patch';
import type { AppEnv } from '@/server/http/app-env';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';
import { decodeSpanCursor, encodeSpanCursor } from './span-cursor';

/** Routes about a project's spans (SPEC §6): projects, metadata patch, lookup, fields, browse. */
export function registerSpanRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.listProjects, async (c) => c.json({ projects: await store.listProjects() }));

  register(apiRoutes.patchSpanMetadata, async (c, { params, headers, body, bodyDigest }) => {
    const idempotencyKey = headers['Idempotency-Key'];
    const spans = body.spans.map((span) => ({
      spanId: span.span_id,
      patch: prepareSubmittedSpan(span.span_id, span.patch_document),
    }));
    const outcome = await store.applyPatches({
      project: params.project,
      spans,
      keyName: c.get('keyName'),
      idempotencyKey:
        idempotencyKey === undefined ? null : { key: idempotencyKey, requestDigest: bodyDigest },
      submission: body.submission ?? null,
    });
    if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(outcome.response);
  });

  register(apiRoutes.lookupSpans, async (c, { params, body }) =>
    c.json(await store.lookupSpans(params.project, body.span_ids)),
  );

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
