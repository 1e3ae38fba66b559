import { z } from 'zod';

/** The HTTP contract (SPEC §6), shared: the server validates requests with it, the client validates responses. */

/** Most spans in one metadata request. */
export const MAX_SPANS_PER_REQUEST = 10_000;

export const storedValueSchema = z.union([z.string(), z.number(), z.null()]);
export const storedTypeSchema = z.enum(['Utf8', 'Int64', 'Float64']);
export const metadataSchema = z.record(z.string(), storedValueSchema);

/**
 * One span of a metadata request. NOTE: patch_document is any JSON value here, even missing, on purpose:
 * anything wrong with it is that span's `[patch_failure]`, never the request's (SPEC §6), so the server checks
 * it span by span (`prepareSubmittedSpan`). Parsing it as a zod record would also rebuild the object and turn an
 * own `__proto__` key into a prototype, silently dropping it instead of refusing it.
 */
export const spanPatchSchema = z.object({
  span_id: z.string().min(1, 'span_id must not be empty'),
  patch_document: z
    .unknown()
    .optional()
    .meta({
      type: ['object', 'string'],
      description:
        'The metadata to set: a JSON object of keys, or a JSON text of one. Anything else fails that span with [patch_failure].',
    }),
});

export const patchRequestSchema = z.object({
  spans: z
    .array(spanPatchSchema)
    .max(MAX_SPANS_PER_REQUEST, `at most ${MAX_SPANS_PER_REQUEST.toLocaleString('en-US')} spans per request`),
});

export const spanErrorSchema = z.object({ span_id: z.string(), error_message: z.string() });

const count = z.number().int().nonnegative();

export const patchResponseSchema = z.object({
  spans_processed: count,
  spans_updated: count,
  spans_failed: count,
  errors: z.array(spanErrorSchema),
  submission_id: z.string(),
});

export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const projectsResponseSchema = z.object({
  projects: z.array(z.object({ name: z.string(), spans: count })),
});

export const fieldsResponseSchema = z.object({
  fields: z.array(z.object({ key: z.string(), type: storedTypeSchema.nullable(), spans: count })),
});

export const lookupRequestSchema = z.object({
  span_ids: z
    .array(z.string())
    .max(
      MAX_SPANS_PER_REQUEST,
      `at most ${MAX_SPANS_PER_REQUEST.toLocaleString('en-US')} span IDs per request`,
    ),
});

export const lookupResponseSchema = z.object({
  spans: z.array(
    z.object({ span_id: z.string(), metadata: metadataSchema, updated_at: z.string().nullable() }),
  ),
  missing: z.array(z.string()),
});

export const spanSummarySchema = z.object({
  span_id: z.string(),
  trace_id: z.string(),
  name: z.string(),
  kind: z.string(),
  start_time: z.string(),
  metadata: metadataSchema,
});

export const spansPageSchema = z.object({
  spans: z.array(spanSummarySchema),
  next_cursor: z.string().nullable(),
});

export const submissionSchema = z.object({
  id: z.string(),
  project: z.string(),
  created_at: z.string(),
  key_name: z.string().nullable(),
  spans_processed: count,
  spans_updated: count,
  spans_failed: count,
});

export const submissionChangeSchema = z.object({
  span_id: z.string(),
  key: z.string(),
  /** False when the key did not exist on the span before this change. */
  existed_before: z.boolean(),
  before: storedValueSchema,
  after: storedValueSchema,
});

export const submissionsResponseSchema = z.object({ submissions: z.array(submissionSchema) });
export const submissionDetailSchema = submissionSchema.extend({
  changes: z.array(submissionChangeSchema),
  errors: z.array(spanErrorSchema),
});

export type SpanPatch = z.infer<typeof spanPatchSchema>;
export type PatchRequest = z.infer<typeof patchRequestSchema>;
export type SpanError = z.infer<typeof spanErrorSchema>;
export type PatchResponse = z.infer<typeof patchResponseSchema>;
export type ApiError = z.infer<typeof apiErrorSchema>;
export type ProjectsResponse = z.infer<typeof projectsResponseSchema>;
export type FieldsResponse = z.infer<typeof fieldsResponseSchema>;
export type LookupRequest = z.infer<typeof lookupRequestSchema>;
export type LookupResponse = z.infer<typeof lookupResponseSchema>;
export type SpanSummary = z.infer<typeof spanSummarySchema>;
export type SpansPage = z.infer<typeof spansPageSchema>;
export type Submission = z.infer<typeof submissionSchema>;
export type SubmissionChange = z.infer<typeof submissionChangeSchema>;
export type SubmissionDetail = z.infer<typeof submissionDetailSchema>;

/** A submission's combined result across batches, in the format of one response, plus what was not sent. */
export interface AggregatedResponse extends PatchResponse {
  /** Every batch's submission id, in batch order (`submission_id` is the first). */
  submission_ids: string[];
  /** Span IDs not sent because the submission was cancelled: neither updated nor failed. */
  not_sent: string[];
}

/** Combines batch responses into one: counts add up, errors are concatenated in batch order. */
export function aggregateResponses(
  parts: readonly PatchResponse[],
  notSent: readonly string[] = [],
): AggregatedResponse {
  const result: AggregatedResponse = {
    spans_processed: 0,
    spans_updated: 0,
    spans_failed: 0,
    errors: [],
    submission_id: '',
    submission_ids: [],
    not_sent: [...notSent],
  };
  for (const part of parts) {
    result.spans_processed += part.spans_processed;
    result.spans_updated += part.spans_updated;
    result.spans_failed += part.spans_failed;
    for (const error of part.errors) result.errors.push(error);
    if (part.submission_id !== '') result.submission_ids.push(part.submission_id);
  }
  result.submission_id = result.submission_ids[0] ?? '';
  return result;
}

/** Describes where a request body does not match a schema, for a 400 a person can act on. */
export function describeSchemaError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
