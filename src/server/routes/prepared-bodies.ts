import type { z } from 'zod';
import type { apiRoutes } from '@/core/api';
import { prepareSubmittedSpan } from '@/core/patch';
import type { SubmittedSpan } from '@/server/patch/plan-submission';

type PatchRequest = z.output<typeof apiRoutes.patchSpanMetadata.body.schema.schema>;

/** A metadata write (SPEC §6) once its body is checked: each span's patch_document validated and in stored form. */
export interface PreparedPatchRequest {
  spans: SubmittedSpan[];
  submission: NonNullable<PatchRequest['submission']> | null;
}

/**
 * What a route's checked body becomes before its handler runs, for the routes whose bodies are large: the work is
 * done where the body was parsed, on a parse thread for a large body (see body-parse-pool.ts), so the event loop
 * only reads the result. NOTE: a prepared body is plain JSON (strings, finite numbers, booleans, null), as it
 * crosses threads as JSON text.
 */
export const bodyPreparers = {
  patchSpanMetadata: (body: PatchRequest): PreparedPatchRequest => ({
    spans: body.spans.map((span) => ({
      spanId: span.span_id,
      patch: prepareSubmittedSpan(span.span_id, span.patch_document),
    })),
    submission: body.submission ?? null,
  }),
} as const;

/** The routes whose bodies are prepared before their handler runs. */
export type PreparedRouteId = keyof typeof bodyPreparers;

/** The prepared body of such a route. */
export type PreparedBody<Id extends PreparedRouteId> = ReturnType<(typeof bodyPreparers)[Id]>;

/** Whether a route's body is prepared (and so may be parsed on a parse thread). */
export function isPreparedRoute(id: string): id is PreparedRouteId {
  return Object.hasOwn(bodyPreparers, id);
}
