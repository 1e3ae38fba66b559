import type { Hono } from 'hono';
import { z } from 'zod';
import { lookupRequestSchema, patchRequestSchema } from '@/core/api-schema';
import { prepareSubmittedSpan } from '@/core/apply-patch';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { requireWriteAccess } from '@/server/http/auth';
import { readJsonBody } from '@/server/http/read-body';
import { parseBody, parseQuery } from './validate-request';
import type { RouteDeps } from './route-deps';
import { decodeSpanCursor, encodeSpanCursor } from './span-cursor';

const spansQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
  q: z
    .string()
    .max(256)
    .regex(/^[^\p{Cc}]*$/u, 'q must not contain control characters (such as %00)')
    .optional(),
});

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/);

/** Reads the optional Idempotency-Key header; a malformed one is a 400 rather than silently ignored. */
function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const result = idempotencyKeySchema.safeParse(header.trim());
  if (!result.success) {
    throw new HttpError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID fits)',
    );
  }
  return result.data;
}

/** Routes about a project's spans (SPEC §6): projects, metadata patch, lookup, fields, browse. */
export function registerSpanRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  app.get('/api/v1/projects', async (c) => c.json({ projects: await store.listProjects() }));

  app.post('/api/v1/projects/:project/spans/metadata', requireWriteAccess(), async (c) => {
    const idempotencyKey = idempotencyKeyOf(c.req.header('Idempotency-Key'));
    const body = await readJsonBody(c, maxBodyBytes);
    const request = parseBody(patchRequestSchema, body.value);
    const spans = request.spans.map((span) => ({
      spanId: span.span_id,
      patch: prepareSubmittedSpan(span.span_id, span.patch_document),
    }));
    const outcome = await store.applyPatches({
      project: c.req.param('project'),
      spans,
      keyName: c.get('keyName'),
      idempotencyKey: idempotencyKey === null ? null : { key: idempotencyKey, requestDigest: body.sha256 },
    });
    if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(outcome.response);
  });

  app.post('/api/v1/projects/:project/spans/lookup', async (c) => {
    const request = parseBody(lookupRequestSchema, (await readJsonBody(c, maxBodyBytes)).value);
    return c.json(await store.lookupSpans(c.req.param('project'), request.span_ids));
  });

  app.get('/api/v1/projects/:project/metadata/fields', async (c) =>
    c.json({ fields: await store.getFields(c.req.param('project')) }),
  );

  app.get('/api/v1/projects/:project/spans', async (c) => {
    const query = parseQuery(spansQuerySchema, c.req.query());
    const search = query.q?.trim();
    const page = await store.listSpans(c.req.param('project'), {
      limit: query.limit,
      after: query.cursor === undefined ? null : decodeSpanCursor(query.cursor),
      search: search ? search : null,
    });
    return c.json({ spans: page.spans, next_cursor: page.next ? encodeSpanCursor(page.next) : null });
  });
}
