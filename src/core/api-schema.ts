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

const SUBMISSION_ID_RULE = 'submission.id must be 1 to 100 letters, digits or . _ : - (a UUID fits)';

/** The submission a batch belongs to (SPEC §9): batches with the same `id` are kept as one submission. */
export const submissionRefSchema = z.object({
  id: z
    .string()
    .min(1, SUBMISSION_ID_RULE)
    .max(100, SUBMISSION_ID_RULE)
    .regex(/^[A-Za-z0-9._:-]+$/, SUBMISSION_ID_RULE),
  label: z.string().max(500, 'submission.label must be at most 500 characters').optional(),
});

export const patchRequestSchema = z.object({
  spans: z
    .array(spanPatchSchema)
    .max(MAX_SPANS_PER_REQUEST, `at most ${MAX_SPANS_PER_REQUEST.toLocaleString('en-US')} spans per request`),
  submission: submissionRefSchema.optional(),
});

export const spanErrorSchema = z.object({ span_id: z.string(), error_message: z.string() });

const count = z.number().int().nonnegative();

export const patchResponseSchema = z.object({
  spans_processed: count,
  spans_updated: count,
  /** Updated spans whose stored values were already what the patch asked (within `spans_updated`). */
  spans_unchanged: count.default(0),
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
  /** The parent span's ID; null for a root span. */
  parent_span_id: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  start_time: z.string(),
  metadata: metadataSchema,
});

/** Most span IDs a query answers at once with `ids_only` (to select every match across pages, SPEC §10). */
export const MAX_QUERY_IDS = 100_000;
/** Most spans a query answers at once with their fields. */
export const MAX_QUERY_SPANS = 1_000;

const noControlCharacters = (what: string) =>
  z.string().regex(/^[^\p{Cc}]*$/u, `${what} must not contain control characters`);

/** A condition on a metadata key (SPEC §10). `value` is compared as the key's stored type. */
export const metadataConditionSchema = z
  .object({
    key: noControlCharacters('key').min(1, 'key must not be empty').max(256),
    op: z.enum(['eq', 'ne', 'lt', 'gt', 'contains', 'exists', 'missing']),
    value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]).optional(),
  })
  .refine((condition) => ['exists', 'missing'].includes(condition.op) || condition.value !== undefined, {
    message: 'value is needed for eq, ne, lt, gt and contains',
    path: ['value'],
  })
  // NOTE: lt and gt order values, and null has no place in that order (SPEC §10: a null field means absent).
  .refine((condition) => !['lt', 'gt'].includes(condition.op) || condition.value !== null, {
    message: 'value is needed for lt and gt: a number or a text to compare with, not null',
    path: ['value'],
  });

const isoTime = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO 8601 time such as 2025-05-01T12:00:00Z');

/** What spans to find (SPEC §10); every field optional, all combined with AND. */
export const spanFilterSchema = z.object({
  text: noControlCharacters('text').max(256).optional(),
  span_ids: z.array(z.string().max(256)).max(MAX_QUERY_IDS).optional(),
  trace_ids: z.array(z.string().max(256)).max(10_000).optional(),
  kinds: z.array(z.string().max(64)).max(50).optional(),
  roots_only: z.boolean().optional(),
  start: z.object({ from: isoTime.optional(), to: isoTime.optional() }).optional(),
  metadata: z.array(metadataConditionSchema).max(20).optional(),
});

/** `POST /api/v1/projects/{project}/spans/query` (SPEC §10). */
export const spanQueryRequestSchema = z
  .object({
    filter: spanFilterSchema.default({}),
    limit: z.number().int().min(1).max(MAX_QUERY_IDS).default(100),
    cursor: z.string().min(1).max(500).optional(),
    count: z.boolean().optional(),
    ids_only: z.boolean().optional(),
  })
  .refine((query) => query.ids_only === true || query.limit <= MAX_QUERY_SPANS, {
    message: `limit is at most ${MAX_QUERY_SPANS.toLocaleString('en-US')} (${MAX_QUERY_IDS.toLocaleString('en-US')} with ids_only)`,
    path: ['limit'],
  });

/** The spans found, newest first, where the next page starts, and (with `count`) how many match in all. */
export const spanQueryResponseSchema = z.object({
  spans: z.array(spanSummarySchema),
  /** With `ids_only`: the span IDs of the page, and `spans` is empty. */
  span_ids: z.array(z.string()).optional(),
  next_cursor: z.string().nullable(),
  total: count.optional(),
});

/** One span with its trace, metadata and every change ever made to it. */
export const spanDetailSchema = z.object({
  span: spanSummarySchema.extend({ end_time: z.string().nullable(), updated_at: z.string().nullable() }),
  /** The spans of its trace (itself included), in start order: ID, parent, name, kind. */
  trace: z.array(
    z.object({
      span_id: z.string(),
      parent_span_id: z.string().nullable(),
      name: z.string(),
      kind: z.string(),
      start_time: z.string(),
    }),
  ),
  /** True when the trace has more spans than `trace` lists. */
  trace_truncated: z.boolean(),
  /** Every change made to the span, oldest first, with its submission. */
  changes: z.array(
    z.object({
      submission_id: z.string(),
      submission_label: z.string().nullable(),
      submission_kind: z.enum(['patch', 'revert']),
      at: z.string(),
      key: z.string(),
      existed_before: z.boolean(),
      before: storedValueSchema,
      after: storedValueSchema,
      removed: z.boolean(),
    }),
  ),
});

export const spansPageSchema = z.object({
  spans: z.array(spanSummarySchema),
  next_cursor: z.string().nullable(),
});

export const submissionSchema = z.object({
  id: z.string(),
  project: z.string(),
  /** `patch` for a Submit (or a CLI run), `revert` for the undoing of another submission. */
  kind: z.enum(['patch', 'revert']),
  /** The file name, "Edited sheet", or what the user typed. */
  label: z.string().nullable(),
  /** The submission this one reverts (kind `revert`). */
  reverts: z.string().nullable(),
  /** The revert that undid this submission, if any. */
  reverted_by: z.string().nullable(),
  /** When its first batch arrived. */
  created_at: z.string(),
  /** When its last batch was applied. */
  finished_at: z.string(),
  key_name: z.string().nullable(),
  batches: count,
  spans_processed: count,
  spans_updated: count,
  spans_unchanged: count,
  spans_failed: count,
});

export const submissionChangeSchema = z.object({
  span_id: z.string(),
  key: z.string(),
  /** False when the key did not exist on the span before this change. */
  existed_before: z.boolean(),
  before: storedValueSchema,
  after: storedValueSchema,
  /** True when the change removed the key (a revert of a key that did not exist before); `after` is null. */
  removed: z.boolean(),
});

export const submissionsResponseSchema = z.object({
  submissions: z.array(submissionSchema),
  next_cursor: z.string().nullable(),
});
export const submissionDetailSchema = submissionSchema;

/** A page of a submission's changes (each key's value before and after), oldest first. */
export const submissionChangesPageSchema = z.object({
  changes: z.array(submissionChangeSchema),
  /** How many changes match the search, over all pages. */
  total: count,
  next_cursor: z.string().nullable(),
});

/** A page of a submission's per-span errors, in the order they happened. */
export const submissionErrorsPageSchema = z.object({
  errors: z.array(spanErrorSchema),
  total: count,
  next_cursor: z.string().nullable(),
});

/** `POST /api/v1/submissions/{id}/revert`: `dry_run` answers what a revert would do, and writes nothing. */
export const revertRequestSchema = z.object({ dry_run: z.boolean().default(false) });

const IDEMPOTENCY_KEY_RULE = 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID fits)';

/** The optional `Idempotency-Key` header of a metadata request (SPEC §6); a malformed one is a 400. */
export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(1, IDEMPOTENCY_KEY_RULE)
  .max(255, IDEMPOTENCY_KEY_RULE)
  .regex(/^[\x21-\x7e]+$/, IDEMPOTENCY_KEY_RULE)
  .meta({
    description:
      'Scoped to the API key: a repeat with the same key and body returns the first response and applies nothing again; the same key with another body is a 422',
  });

/** The headers of a metadata request that the server reads, besides auth. */
export const patchHeadersSchema = z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() });

const pageLimit = z.coerce.number().int().min(1).max(1000).default(100);

/** Query parameters of a page of spans: `GET /api/v1/projects/{project}/spans`. */
export const spansQuerySchema = z.object({
  limit: pageLimit.meta({ description: 'Spans per page' }),
  cursor: z.string().min(1).optional().meta({ description: 'next_cursor of a page' }),
  q: z
    .string()
    .max(256)
    .regex(/^[^\p{Cc}]*$/u, 'q must not contain control characters (such as %00)')
    .optional()
    .meta({ description: 'Start of a span or trace ID, or part of a span name' }),
});

const cursorParameter = z.string().min(1).max(200).optional().meta({ description: 'next_cursor of a page' });

/** Query parameters of the list of submissions: `GET /api/v1/submissions`. */
export const submissionsQuerySchema = z.object({
  project: z.string().min(1).optional().meta({ description: 'Only the submissions to this project' }),
  limit: pageLimit.meta({ description: 'Submissions per page' }),
  cursor: cursorParameter,
});

/** Query parameters of a page of a submission's changes or errors. */
export const submissionPageQuerySchema = z.object({
  limit: pageLimit.meta({ description: 'Rows per page' }),
  cursor: cursorParameter,
  q: z
    .string()
    .max(256)
    .regex(/^[^\p{Cc}]*$/u, 'q must not contain control characters (such as %00)')
    .optional()
    .meta({ description: 'Start of a span ID, or part of a key (changes) or of a message (errors)' }),
});

/** What `/healthz` answers: 200 with `ok` when the store can write, 503 with `degraded` and why otherwise. */
export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  store: z.object({ writable: z.boolean(), message: z.string().optional() }),
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
export type MetadataCondition = z.infer<typeof metadataConditionSchema>;
export type SpanFilter = z.infer<typeof spanFilterSchema>;
export type SpanQueryRequest = z.input<typeof spanQueryRequestSchema>;
export type SpanQueryResponse = z.infer<typeof spanQueryResponseSchema>;
export type SpanDetail = z.infer<typeof spanDetailSchema>;
export type Submission = z.infer<typeof submissionSchema>;
export type SubmissionChange = z.infer<typeof submissionChangeSchema>;
export type SubmissionDetail = z.infer<typeof submissionDetailSchema>;
export type SubmissionRef = z.infer<typeof submissionRefSchema>;
export type SubmissionChangesPage = z.infer<typeof submissionChangesPageSchema>;
export type SubmissionErrorsPage = z.infer<typeof submissionErrorsPageSchema>;
export type SubmissionsResponse = z.infer<typeof submissionsResponseSchema>;
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** A submission's combined result across batches, in the format of one response, plus what was not sent. */
export interface AggregatedResponse extends PatchResponse {
  /** Span IDs not sent because the submission was cancelled: neither updated nor failed. */
  not_sent: string[];
  /**
   * The batches that could not be delivered (their spans fail with connection_failure), each with the
   * Idempotency-Key it was sent with: Retry sends each again as it was, so the server applies it at most once.
   */
  undelivered_batches: { idempotency_key: string; span_ids: string[] }[];
}

/**
 * Combines batch responses into one: counts add up, errors are concatenated in batch order, and the submission's
 * one ID is kept (SPEC §7).
 */
export function aggregateResponses(
  parts: readonly PatchResponse[],
  extra: {
    submissionId?: string;
    notSent?: readonly string[];
    undelivered?: AggregatedResponse['undelivered_batches'];
  } = {},
): AggregatedResponse {
  const result: AggregatedResponse = {
    spans_processed: 0,
    spans_updated: 0,
    spans_unchanged: 0,
    spans_failed: 0,
    errors: [],
    submission_id: extra.submissionId ?? '',
    not_sent: [...(extra.notSent ?? [])],
    undelivered_batches: [...(extra.undelivered ?? [])],
  };
  for (const part of parts) {
    result.spans_processed += part.spans_processed;
    result.spans_updated += part.spans_updated;
    result.spans_unchanged += part.spans_unchanged;
    result.spans_failed += part.spans_failed;
    for (const error of part.errors) result.errors.push(error);
    if (result.submission_id === '') result.submission_id = part.submission_id;
  }
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
