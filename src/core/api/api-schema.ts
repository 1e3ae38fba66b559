import { z } from 'zod';

/** The HTTP contract (SPEC §6), shared: the server validates requests with it, the client validates responses. */

/**
 * An optional field of a request: left out, or sent as `null`, which means left out too (SPEC §10, on every
 * route): Python sends `None` as `null`, and the API itself answers `next_cursor: null`.
 */
function optional<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((value) => value ?? undefined)
    .optional();
}

/** An optional field of a request with a default: left out or `null`, it is `fallback`. */
function optionalOr<T extends z.ZodType>(schema: T, fallback: z.util.NoUndefined<z.output<T>>) {
  return schema
    .nullish()
    .default(fallback)
    .transform((value) => value ?? fallback);
}

/** "unknown field \"txt\"": what a request object says of the fields it does not know. */
const unknownFields = (issue: z.core.$ZodRawIssue) =>
  issue.code === 'unrecognized_keys'
    ? `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
    : undefined;

/**
 * An object of a request whose unknown fields are refused, each named (SPEC §10), rather than ignored: a typo in
 * a filter would otherwise match every span, and one in a revert would revert for real.
 */
function requestObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: unknownFields });
}

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
  label: optional(z.string().max(500, 'submission.label must be at most 500 characters')),
});

export const patchRequestSchema = z.object({
  spans: z
    .array(spanPatchSchema)
    .max(MAX_SPANS_PER_REQUEST, `at most ${MAX_SPANS_PER_REQUEST.toLocaleString('en-US')} spans per request`),
  submission: optional(submissionRefSchema),
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

/**
 * Where a project's patches go (SPEC §14): Spanpatch's own store, or an Arize AX project (Arize is then the system
 * of record and Spanpatch keeps a copy).
 */
export const projectTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('arize'), space_id: z.string(), project: z.string() }),
]);

export const projectsResponseSchema = z.object({
  projects: z.array(
    z.object({
      name: z.string(),
      spans: count,
      /** Where the project writes; a server from before linked projects leaves it out: local. */
      target: projectTargetSchema.default({ kind: 'local' }),
    }),
  ),
});

/** `POST /api/v1/projects/{project}/arize/load`: a window of at most 31 days, ISO 8601 (SPEC §14). */
export const arizeLoadRequestSchema = requestObject({
  start: z.iso.datetime({ offset: true, error: 'start must be an ISO 8601 time, e.g. 2026-03-01T00:00:00Z' }),
  end: z.iso.datetime({ offset: true, error: 'end must be an ISO 8601 time, e.g. 2026-03-02T00:00:00Z' }),
});

/**
 * What a load from Arize did to Spanpatch's copy: the spans it read from Arize, of which new to the copy, held with
 * other metadata (now Arize's), and held as Arize has them (nothing written). The last three are left out by a
 * server older than upserting loads.
 */
export const arizeLoadResponseSchema = z.object({
  spans_loaded: count,
  spans_new: count.optional(),
  spans_updated: count.optional(),
  spans_unchanged: count.optional(),
});

/** Whether Arize answers and takes the key, per linked project (Settings' Test connection). */
export const arizeStatusResponseSchema = z.object({
  projects: z.array(
    z.object({
      project: z.string(),
      arize_project: z.string(),
      status: z.enum(['ok', 'unreachable', 'key_refused', 'project_unknown', 'error']),
      message: z.string(),
    }),
  ),
});

export const fieldsResponseSchema = z.object({
  fields: z.array(z.object({ key: z.string(), type: storedTypeSchema.nullable(), spans: count })),
});

export const lookupRequestSchema = requestObject({
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
  /**
   * The first line of the span's OpenInference `input.value` (at most 120 characters, spaces collapsed), to tell
   * spans of one name apart in a list; null when the span has no input.
   */
  input_preview: z.string().nullable(),
});

/** Most span IDs a query answers at once with `ids_only` (to select every match across pages, SPEC §10). */
export const MAX_QUERY_IDS = 100_000;
/** Most spans a query answers at once with their fields. */
export const MAX_QUERY_SPANS = 1_000;

const noControlCharacters = (what: string) =>
  z.string().regex(/^[^\p{Cc}]*$/u, `${what} must not contain control characters`);

const conditionKey = noControlCharacters('key').min(1, 'key must not be empty').max(256);
const conditionText = z.string().max(10_000);

/**
 * A condition on a metadata key (SPEC §10), one shape per `op`: `eq` and `ne` need a value (null finds the spans
 * whose key holds null), `lt`, `gt` and `contains` a value that is not null, `exists` and `missing` none. `value`
 * is compared as the key's stored type.
 */
export const metadataConditionSchema = z.discriminatedUnion(
  'op',
  [
    requestObject({
      key: conditionKey,
      op: z.enum(['eq', 'ne']),
      value: z.union([conditionText, z.number(), z.boolean(), z.null()], {
        error: (issue) =>
          issue.input === undefined
            ? 'value is needed for eq and ne (text, a number, true/false or null)'
            : 'value must be text, a number, true/false or null',
      }),
    }),
    requestObject({
      key: conditionKey,
      op: z.enum(['lt', 'gt', 'contains']),
      value: z.union([conditionText, z.number(), z.boolean()], {
        error: (issue) =>
          issue.input === undefined || issue.input === null
            ? 'value is needed for lt, gt and contains (text, a number or true/false)'
            : 'value must be text, a number or true/false',
      }),
    }),
    requestObject({
      key: conditionKey,
      op: z.enum(['exists', 'missing']),
      value: optional(z.null({ error: 'exists and missing take no value: leave value out' })),
    }),
  ],
  { error: 'op must be one of eq, ne, lt, gt, contains, exists, missing' },
);

/**
 * A time of a filter: ISO 8601, a date and time (with `Z` or an offset; without one, the server's local time) or
 * a date. NOTE: a pattern rather than a parse, so the OpenAPI document says exactly what the server takes.
 */
const isoTime = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()], {
  error: 'must be an ISO 8601 time such as 2025-05-01T12:00:00Z',
});

/** What spans to find (SPEC §10); every field optional, all combined with AND. */
export const spanFilterSchema = requestObject({
  text: optional(noControlCharacters('text').max(256)),
  span_ids: optional(z.array(z.string().max(256)).max(MAX_QUERY_IDS)),
  trace_ids: optional(z.array(z.string().max(256)).max(10_000)),
  kinds: optional(z.array(z.string().max(64)).max(50)),
  roots_only: optional(z.boolean()),
  start: optional(requestObject({ from: optional(isoTime), to: optional(isoTime) })),
  metadata: optional(z.array(metadataConditionSchema).max(20)),
});

/** The fields of a query of spans besides its limit and `ids_only`. */
const spanQueryFields = {
  filter: optionalOr(spanFilterSchema, {}),
  cursor: optional(z.string().min(1).max(500)),
  count: optional(z.boolean()),
};

/** A query answered with the spans and their fields: at most 1,000 a page. */
export const findSpansRequestSchema = requestObject({
  ...spanQueryFields,
  limit: optionalOr(
    z
      .number()
      .int()
      .min(1)
      .max(
        MAX_QUERY_SPANS,
        `limit is at most ${MAX_QUERY_SPANS.toLocaleString('en-US')} (${MAX_QUERY_IDS.toLocaleString('en-US')} with ids_only)`,
      ),
    100,
  ),
  ids_only: optional(z.literal(false)),
}).meta({
  description: 'Spans with their fields, at most 1,000 a page; answers { spans, next_cursor, total? }',
});

/** A query answered with the span IDs alone (to select every match across pages): at most 100,000 a page. */
export const findSpanIdsRequestSchema = requestObject({
  ...spanQueryFields,
  limit: optionalOr(z.number().int().min(1).max(MAX_QUERY_IDS), 100),
  ids_only: z.literal(true),
}).meta({ description: 'Span IDs alone, at most 100,000 a page; answers { span_ids, next_cursor, total? }' });

/**
 * `POST /api/v1/projects/{project}/spans/query` (SPEC §10), one shape per `ids_only`, so the OpenAPI document
 * says which limit goes with which.
 */
export const spanQueryRequestSchema = z
  .discriminatedUnion('ids_only', [findSpanIdsRequestSchema, findSpansRequestSchema], {
    error: 'ids_only must be true or false',
  })
  .meta({
    description:
      'Finding spans. An optional field sent as null means left out; an unknown field, here or in filter, is a 400 naming it.',
  });

const spanQueryAnswerFields = {
  /** Where the next page starts; null on the last page. */
  next_cursor: z.string().nullable(),
  /** With `count`: how many spans match in all. */
  total: count.optional(),
};

/** The spans of a page, newest first. */
export const spansFoundSchema = z.object({ spans: z.array(spanSummarySchema), ...spanQueryAnswerFields });

/** With `ids_only`: the span IDs of a page, newest first, and no spans. */
export const spanIdsFoundSchema = z.object({ span_ids: z.array(z.string()), ...spanQueryAnswerFields });

/** What a query of spans answers: `{ spans, next_cursor, total? }`, or with `ids_only` `{ span_ids, … }`. */
export const spanQueryResponseSchema = z.union([spansFoundSchema, spanIdsFoundSchema]);

/**
 * Who made a submission (SPEC §16): a person who signed in (or used their own key), with the name and email the
 * identity provider gave and their `subject` (the provider's stable ID of them), or a service API key by name. Null
 * on a server without keys or sign-in, and for what was sent before Spanpatch recorded who.
 */
export const authorSchema = z
  .object({
    kind: z.enum(['person', 'key']),
    name: z.string(),
    email: z.string().nullable(),
    /** The person's subject at the identity provider; null for a key. History filters by it (`person=`). */
    subject: z.string().nullable(),
  })
  .nullable();

/** `POST /api/v1/spans/count`: how many spans a filter finds in each project (to say where else a search matches). */
export const spanCountRequestSchema = requestObject({ filter: optionalOr(spanFilterSchema, {}) });

/** The projects where the filter finds spans, most matches first; projects without a match are left out. */
export const spanCountResponseSchema = z.object({
  projects: z.array(z.object({ project: z.string(), total: count })),
});

/** One span with its trace, metadata and every change ever made to it. */
export const spanDetailSchema = z.object({
  span: spanSummarySchema.extend({
    end_time: z.string().nullable(),
    updated_at: z.string().nullable(),
    /** The OpenInference `input.value` attribute as the tracer sent it (as JSON text if not text); null if none. */
    input: z.string().nullable(),
    /** The OpenInference `output.value` attribute, likewise. */
    output: z.string().nullable(),
    /** The span's other attributes (not `metadata`, `input.value`, `output.value`), as plain JSON values. */
    attributes: z.record(z.string(), z.unknown()),
  }),
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
      /** Who made the change: the author of its submission (left out by a server older than sign-in). */
      author: authorSchema.optional(),
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
  /**
   * Who sent it (SPEC §16): the signed-in person, or the API key; null on a server without keys or sign-in. Left out
   * by a server older than sign-in.
   */
  author: authorSchema.optional(),
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
export const revertRequestSchema = requestObject({ dry_run: optionalOr(z.boolean(), false) });

/**
 * The answer to a revert: the §6 response, and for a project linked to Arize AX the keys that will become (or
 * became) null there, since Arize cannot remove a key (SPEC §14).
 */
export const revertResponseSchema = patchResponseSchema.extend({
  becomes_null: z.array(z.object({ span_id: z.string(), key: z.string() })).optional(),
});

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
  person: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .meta({ description: "Only the submissions of this person (their author's subject)" }),
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

/** What `/livez` answers while the server's process runs: it asks nothing of the store. */
export const livenessResponseSchema = z.object({ status: z.literal('ok') });

/**
 * What `/readyz` (and `/healthz`, its older name) answers: 200 with `ok`, the store's kind and schema version when
 * the store answers a query now; 503 with `unavailable` and what is wrong, in plain words, when it does not.
 */
export const readinessResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  store: z.object({
    kind: z.enum(['sqlite', 'postgres']),
    schema_version: z.number().int().optional(),
    message: z.string().optional(),
  }),
});

/**
 * Roles (SPEC §16): a `viewer` reads and previews; an `editor` also submits and reverts; an `admin` also manages
 * keys. A read-only API key (`name:key:read`, SPEC §12) is a viewer, any other key an editor.
 */
export const roleSchema = z.enum(['viewer', 'editor', 'admin']);

/**
 * `GET /api/v1/me`: who the server takes the caller to be, and so what they may do. The start of SPEC §16's
 * answer: today a caller is an API key (`via: "key"`, its name) or, on a server without keys, anyone
 * (`via: "none"`, no name, an editor); sign-in adds `via: "session"` with a person's name and email.
 */
export const identitySchema = z.object({
  /** The person's name (signed in, or with their own key), else the API key's name; null on a server without keys. */
  name: z.string().nullable(),
  /** The person's email (SPEC §16); null for a service API key. */
  email: z.string().nullable(),
  role: roleSchema,
  /** `session`: a person signed in with the identity provider; `key`: an API key; `none`: a server without either. */
  via: z.enum(['key', 'none', 'session']),
  /** The person's subject at the identity provider, for a person only. */
  subject: z.string().optional(),
  /** The name of the person's own key the request came with (`via: "key"`), for a personal key only. */
  key_name: z.string().optional(),
});

/** Most characters of a personal API key's name. */
export const MAX_KEY_NAME_LENGTH = 100;

/** A person as Spanpatch knows them from the identity provider: their subject, name and email. */
export const personSchema = z.object({
  subject: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
});

/**
 * A personal API key (SPEC §16), as listed: never the key itself, which is shown once, when it is made. `id` is
 * the key's public part (the key starts `spk_<id>_`), so a person can tell their keys apart.
 */
export const personalKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  owner: personSchema,
  created_at: z.string(),
  /** When it stops working; null for a key without an end. */
  expires_at: z.string().nullable(),
  /** When it was last used (to the minute); null when never. */
  last_used_at: z.string().nullable(),
  /** When it was revoked; null while it works. */
  revoked_at: z.string().nullable(),
});

/** `GET /api/v1/keys`: the caller's keys (an admin's: everyone's), newest first, paged. */
export const personalKeysPageSchema = z.object({
  keys: z.array(personalKeySchema),
  next_cursor: z.string().nullable(),
});

/** `POST /api/v1/keys`: a new key for the signed-in person. */
export const createKeyRequestSchema = requestObject({
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(MAX_KEY_NAME_LENGTH, `name must be at most ${MAX_KEY_NAME_LENGTH} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'name must not contain control characters'),
  /** Default: the person's own role. Never higher than it. */
  role: optional(roleSchema),
  /** ISO 8601; in the future. Left out: the key works until it is revoked. */
  expires_at: optional(
    z.iso.datetime({
      offset: true,
      error: 'expires_at must be an ISO 8601 time such as 2030-01-31T00:00:00Z',
    }),
  ),
});

/** What making a key answers: the key, this once, and the key as it will be listed. */
export const createdKeySchema = personalKeySchema.extend({
  /** The key itself (`spk_…`): shown once, stored only as a hash. */
  key: z.string(),
});

/** Query parameters of a page of keys or of the audit. */
export const pageQuerySchema = z.object({
  limit: pageLimit.meta({ description: 'Rows per page' }),
  cursor: cursorParameter,
});

/** What the audit records (SPEC §16). */
export const auditActionSchema = z.enum([
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'role_changed',
  'key_created',
  'key_revoked',
  'revert',
]);

/** One event of the audit: what happened, when, who did it and from which address. */
export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  action: auditActionSchema,
  /** Who did it: the person or key; null when nobody was recognised (a failed sign-in). */
  actor: authorSchema,
  /** The client's address (behind trusted proxies, as they forwarded it). */
  address: z.string().nullable(),
  /** What it was about, by name: the key, the submission, the roles before and after, why a sign-in failed. */
  detail: z.record(z.string(), z.string().nullable()),
});

/** `GET /api/v1/audit`: events, newest first, paged. */
export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  next_cursor: z.string().nullable(),
});

/** Query parameters of the audit: a page, and optionally one kind of event. */
export const auditQuerySchema = pageQuerySchema.extend({
  action: auditActionSchema.optional().meta({ description: 'Only events of this kind' }),
});

export type SpanPatch = z.infer<typeof spanPatchSchema>;
export type PatchRequest = z.infer<typeof patchRequestSchema>;
export type SpanError = z.infer<typeof spanErrorSchema>;
export type PatchResponse = z.infer<typeof patchResponseSchema>;
export type ApiError = z.infer<typeof apiErrorSchema>;
export type ProjectsResponse = z.infer<typeof projectsResponseSchema>;
export type ProjectTarget = z.infer<typeof projectTargetSchema>;
export type ArizeLoadResponse = z.infer<typeof arizeLoadResponseSchema>;
export type ArizeStatusResponse = z.infer<typeof arizeStatusResponseSchema>;
export type RevertResponse = z.infer<typeof revertResponseSchema>;
export type FieldsResponse = z.infer<typeof fieldsResponseSchema>;
export type LookupRequest = z.infer<typeof lookupRequestSchema>;
export type LookupResponse = z.infer<typeof lookupResponseSchema>;
export type SpanSummary = z.infer<typeof spanSummarySchema>;
export type SpansPage = z.infer<typeof spansPageSchema>;
export type MetadataCondition = z.infer<typeof metadataConditionSchema>;
export type SpanFilter = z.infer<typeof spanFilterSchema>;
export type SpanQueryRequest = z.input<typeof spanQueryRequestSchema>;
export type FindSpansRequest = z.input<typeof findSpansRequestSchema>;
export type FindSpanIdsRequest = z.input<typeof findSpanIdsRequestSchema>;
export type SpanQueryResponse = z.infer<typeof spanQueryResponseSchema>;
export type SpansFound = z.infer<typeof spansFoundSchema>;
export type SpanIdsFound = z.infer<typeof spanIdsFoundSchema>;
export type SpanDetail = z.infer<typeof spanDetailSchema>;
export type SpanCountRequest = z.infer<typeof spanCountRequestSchema>;
export type SpanCountResponse = z.infer<typeof spanCountResponseSchema>;
export type Submission = z.infer<typeof submissionSchema>;
export type SubmissionChange = z.infer<typeof submissionChangeSchema>;
export type SubmissionDetail = z.infer<typeof submissionDetailSchema>;
export type SubmissionRef = z.infer<typeof submissionRefSchema>;
export type SubmissionChangesPage = z.infer<typeof submissionChangesPageSchema>;
export type SubmissionErrorsPage = z.infer<typeof submissionErrorsPageSchema>;
export type SubmissionsResponse = z.infer<typeof submissionsResponseSchema>;
export type LivenessResponse = z.infer<typeof livenessResponseSchema>;
export type ReadinessResponse = z.infer<typeof readinessResponseSchema>;
export type Role = z.infer<typeof roleSchema>;
export type Identity = z.infer<typeof identitySchema>;
export type Author = z.infer<typeof authorSchema>;
export type Person = z.infer<typeof personSchema>;
export type PersonalKey = z.infer<typeof personalKeySchema>;
export type PersonalKeysPage = z.infer<typeof personalKeysPageSchema>;
export type CreatedKey = z.infer<typeof createdKeySchema>;
export type AuditAction = z.infer<typeof auditActionSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;

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
