import type { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { parseQuery } from './validate-request';
import type { RouteDeps } from './route-deps';

const submissionsQuerySchema = z.object({
  project: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The history of submissions: what was applied, with each key's value before and after (SPEC §6). */
export function registerSubmissionRoutes(app: Hono<AppEnv>, { store }: RouteDeps): void {
  app.get('/api/v1/submissions', async (c) => {
    const query = parseQuery(submissionsQuerySchema, c.req.query());
    const submissions = await store.listSubmissions({ project: query.project ?? null, limit: query.limit });
    return c.json({ submissions });
  });

  app.get('/api/v1/submissions/:id', async (c) => {
    const submission = await store.getSubmission(c.req.param('id'));
    if (!submission) {
      throw new HttpError(404, 'submission_not_found', `No submission with ID '${c.req.param('id')}'`);
    }
    return c.json(submission);
  });
}
