import type {
  RevertResponse,
  FieldsResponse,
  LookupResponse,
  PatchResponse,
  SpanDetail,
  SpanError,
  SpanFilter,
  SpanSummary,
  Submission,
  SubmissionChange,
  SubmissionRef,
} from '@/core/api';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import type { DecidedRevert } from '@/server/patch/plan-revert';
import type { DecidedBatch, SubmittedSpan } from '@/server/patch/plan-submission';

/** A project as a store holds it: its name and how many spans it has. */
export interface StoredProject {
  name: string;
  spans: number;
}

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
  /**
   * The submission this batch belongs to (SPEC §9): batches with the same ID are one submission, with totals
   * that add up. Null: the batch is a submission of its own. An ID that belongs to another project or API key, or
   * a submission reverted already, throws `SubmissionConflictError` and applies nothing.
   */
  submission: SubmissionRef | null;
  /**
   * For a project linked to Arize AX (SPEC §14): what Arize answered for the spans sent. The batch is recorded as
   * Arize decided it, and only the spans Arize updated change in Spanpatch's copy (where it holds them).
   */
  decided?: DecidedBatch;
}

/** Which page of submissions to list: newest first, before a position of an earlier page. */
export interface SubmissionListQuery {
  project: string | null;
  /** Only the submissions of this submitter (a key's name, or `person:<subject>`); null or left out: everyone's. */
  submitter?: string | null;
  limit: number;
  /** Where the previous page ended (a store's own position), or null for the first page. */
  before: number | null;
}

/** A page of submissions and where the next one starts (null on the last page). */
export interface SubmissionList {
  submissions: Submission[];
  next: number | null;
}

/** Which page of a submission's changes or errors to read, and what to search for. */
export interface SubmissionPageQuery {
  limit: number;
  /** Where the previous page ended (a store's own position), or null for the first page. */
  after: number | null;
  /** The start of a span ID, or part of a key (changes) or of a message (errors); case-insensitive. */
  search: string | null;
}

/** A page of a submission's rows, how many match in all, and where the next page starts. */
export interface SubmissionPage<T> {
  rows: T[];
  total: number;
  next: number | null;
}

/** A revert as the routes hand it to a store. */
export interface RevertRequest {
  /** The public ID of the submission to undo. */
  submissionId: string;
  /** Answer what the revert would do, and write nothing. */
  dryRun: boolean;
  /** Name of the API key that asked, recorded on the revert. */
  keyName: string | null;
  /**
   * For a project linked to Arize AX (SPEC §14): keys the reverted submission added become null (Arize cannot
   * remove a key); with `decided`, what Arize answered for the spans sent, and only those it updated are written.
   */
  arize?: { decided: DecidedRevert | null };
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

/** What a load from Arize AX did to the copy (SPEC §14). */
export interface UpsertOutcome {
  /** Spans new to the copy. */
  inserted: number;
  /** Spans the copy held whose metadata changed to Arize's. */
  updated: number;
  /** Spans the copy held as Arize has them: nothing written. */
  unchanged: number;
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

/** A search for spans (SPEC §10): the filter, a page of it, and whether to count or list only IDs. */
export interface SpanSearch {
  filter: SpanFilter;
  limit: number;
  after: SpanPosition | null;
  /** Also count every match. */
  count: boolean;
  /** Only the span IDs (a limit up to 100,000, to select every match). */
  idsOnly: boolean;
}

/** A page of a search: the spans (or only their IDs), where the next page starts, and the count if asked. */
export interface SpanSearchResult {
  spans: SpanSummary[];
  spanIds: string[] | null;
  next: SpanPosition | null;
  total: number | null;
}

/** A page of spans and where the next one starts (null on the last page). */
export interface SpanPage {
  spans: SpanSummary[];
  next: SpanPosition | null;
}

/** Whether a store can write, as the server warns at start; when it cannot, what is wrong and what to do. */
export type StoreHealth = { writable: true } | { writable: false; message: string };

/** Which database a store keeps its data in. */
export type StoreKind = 'sqlite' | 'postgres';

/**
 * Whether a store answers a query now, as `/readyz` reports it: its schema version, or what is wrong and what to
 * do.
 */
export type StoreReadiness =
  | { ready: true; kind: StoreKind; schemaVersion: number }
  | { ready: false; kind: StoreKind; message: string };

/** How busy a store's connections are, for /metrics. */
export interface StoreLoad {
  /** PostgreSQL's connection pools (empty for SQLite). */
  pools: { name: string; total: number; idle: number; waiting: number }[];
  /** Writes sent to SQLite's write thread and not answered yet; null for a store without one. */
  queuedWrites: number | null;
}

/**
 * Everything the routes need from storage. Methods are async so a networked store (PostgreSQL) can implement
 * the same interface; the patch semantics live in `planSubmission` / `planIngest`, never in a store. A method
 * given a project that does not exist throws `UnknownProjectError` (except `ingestSpans`, which creates it); one
 * whose storage cannot read or write throws `StoreUnavailableError`, having applied nothing.
 */
export interface SpanStore {
  listProjects(): Promise<StoredProject[]>;
  getFields(project: string): Promise<FieldsResponse['fields']>;
  lookupSpans(project: string, spanIds: readonly string[]): Promise<LookupResponse>;
  listSpans(project: string, query: SpanQuery): Promise<SpanPage>;
  /** Finds spans by the filters of SPEC §10, newest first. */
  searchSpans(project: string, search: SpanSearch): Promise<SpanSearchResult>;
  /** One span with its trace, metadata and every change made to it; null when there is no such span. */
  getSpan(project: string, spanId: string): Promise<SpanDetail | null>;
  /**
   * The stored answer to an earlier batch with the submission's Idempotency-Key (from the same API key), or null;
   * the same key with another body throws `IdempotencyKeyReusedError`. Reads only: a project linked to Arize AX asks
   * it before sending a batch to Arize (SPEC §14).
   */
  findReplay(submission: PatchSubmission): Promise<PatchResponse | null>;
  /** Applies a submission in one transaction and records every change; creates nothing. */
  applyPatches(submission: PatchSubmission): Promise<PatchOutcome>;
  /** Stores traced spans (creating the project if needed); spans already stored are kept untouched. */
  ingestSpans(project: string, spans: readonly IncomingSpan[]): Promise<IngestOutcome>;
  /**
   * Stores spans loaded from Arize AX (creating the project if needed): new spans are inserted, spans already stored
   * take the loaded metadata key by key (`planLoad`). Records no submission and no history: a load is not a patch.
   */
  upsertSpans(project: string, spans: readonly IncomingSpan[]): Promise<UpsertOutcome>;
  /** Submissions newest first, a page at a time; never a silent cap. */
  listSubmissions(query: SubmissionListQuery): Promise<SubmissionList>;
  /** One submission by its public ID, or null. */
  getSubmission(id: string): Promise<Submission | null>;
  /** A page of a submission's changes, oldest first; null when there is no such submission. */
  listSubmissionChanges(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SubmissionChange> | null>;
  /** A page of a submission's per-span errors; null when there is no such submission. */
  listSubmissionErrors(id: string, query: SubmissionPageQuery): Promise<SubmissionPage<SpanError> | null>;
  /**
   * Undoes a submission (SPEC §9) as a new submission of kind `revert`, span by span, or answers what it would do
   * (`dryRun`). Null when there is no such submission; throws `SubmissionConflictError` when it was reverted
   * already.
   */
  revertSubmission(request: RevertRequest): Promise<RevertResponse | null>;
  /** Removes a project with its spans, fields and history. */
  deleteProject(project: string): Promise<boolean>;
  /**
   * Checks that the store can write now (without changing anything) and that no write failed recently; never
   * throws. Cheap enough for every health probe.
   */
  health(): Promise<StoreHealth>;
  /**
   * Asks the store one cheap read now (never a state kept from an earlier failure); never throws. What /readyz and
   * /healthz answer.
   */
  ready(): Promise<StoreReadiness>;
  /** How busy the store's connections are right now, for /metrics; never throws. */
  load(): StoreLoad;
  close(): Promise<void>;
}
