import type {
  FieldsResponse,
  LookupResponse,
  PatchResponse,
  ProjectsResponse,
  SpanSummary,
  Submission,
  SubmissionDetail,
} from '@/core/api-schema';
import type { IncomingSpan } from '@/server/patch/plan-initial-metadata';
import type { SubmittedSpan } from '@/server/patch/plan-submission';

/** A metadata submission as the routes hand it to a store. */
export interface PatchSubmission {
  project: string;
  spans: readonly SubmittedSpan[];
  /** Name of the API key that sent it, or null when the server has no keys. */
  keyName: string | null;
  /**
   * A repeat with the same key from the same API key (and project) and the same body returns the first response
   * and applies nothing; the same key with another body throws `IdempotencyKeyReusedError`.
   */
  idempotencyKey: { key: string; requestDigest: string } | null;
}

/** The answer to a submission, and whether it is a replay of an earlier one. */
export interface PatchOutcome {
  response: PatchResponse;
  /** True when the response is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/** What an ingest stored. */
export interface IngestOutcome {
  inserted: number;
  /** Spans already stored: kept as they are. */
  duplicates: number;
  warnings: string[];
}

/** Where a page of spans starts: after this span in the browse order (newest first). */
export interface SpanPosition {
  startTime: string;
  spanId: string;
}

/** Which page of spans to browse. */
export interface SpanQuery {
  limit: number;
  after: SpanPosition | null;
  /** Matches the start of a span ID or trace ID, or any part of a span name (case-insensitive). */
  search: string | null;
}

/** A page of spans and where the next one starts (null on the last page). */
export interface SpanPage {
  spans: SpanSummary[];
  next: SpanPosition | null;
}

/** Whether a store can write, as `/healthz` reports it; when it cannot, what is wrong and what to do. */
export type StoreHealth = { writable: true } | { writable: false; message: string };

/**
 * Everything the routes need from storage. Methods are async so a networked store (PostgreSQL) can implement
 * the same interface; the patch semantics live in `planSubmission` / `planIngest`, never in a store. A method
 * given a project that does not exist throws `UnknownProjectError` (except `ingestSpans`, which creates it); one
 * whose storage cannot read or write throws `StoreUnavailableError`, having applied nothing.
 */
export interface SpanStore {
  listProjects(): Promise<ProjectsResponse['projects']>;
  getFields(project: string): Promise<FieldsResponse['fields']>;
  lookupSpans(project: string, spanIds: readonly string[]): Promise<LookupResponse>;
  listSpans(project: string, query: SpanQuery): Promise<SpanPage>;
  /** Applies a submission in one transaction and records every change; creates nothing. */
  applyPatches(submission: PatchSubmission): Promise<PatchOutcome>;
  /** Stores traced spans (creating the project if needed); spans already stored are kept untouched. */
  ingestSpans(project: string, spans: readonly IncomingSpan[]): Promise<IngestOutcome>;
  listSubmissions(query: { project: string | null; limit: number }): Promise<Submission[]>;
  getSubmission(id: string): Promise<SubmissionDetail | null>;
  /** Removes a project with its spans, fields and history. */
  deleteProject(project: string): Promise<boolean>;
  /**
   * Checks that the store can write now (without changing anything) and that no write failed recently; never
   * throws. Cheap enough for every health probe.
   */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
