import type {
  PatchResponse,
  RevertResponse,
  FieldsResponse,
  LookupResponse,
  SpanDetail,
  SpanError,
  Submission,
  SubmissionChange,
} from '@/core/api';
import type { StoredPatch, StoredType } from '@/core/patch';
import { type IncomingSpan, planIngest } from '@/server/patch/plan-ingest';
import { planLoad } from '@/server/patch/plan-load';
import { planSubmission } from '@/server/patch/plan-submission';
import type {
  IngestOutcome,
  UpsertOutcome,
  PatchOutcome,
  PatchSubmission,
  RevertRequest,
  SpanPage,
  SpanQuery,
  SpanSearch,
  SpanSearchResult,
  SpanStore,
  StoreHealth,
  StoreLoad,
  StoreReadiness,
  SubmissionList,
  SubmissionListQuery,
  SubmissionPage,
  SubmissionPageQuery,
  StoredProject,
} from '@/server/store/span-store';
import type { StoreUnavailableError } from '@/server/store/store-unavailable-error';
import type { BatchRecord } from '@/server/store/submission-rows';
import { Database, type Sql } from './postgres-db';
import { databaseLabel, postgresOpenError, postgresUnavailable } from './postgres-failure';
import { migrate } from './postgres-migrations';
import { revertIn } from './postgres-revert';
import { PostgresSpanQueries } from './postgres-span-queries';
import { fieldTypesOf, lockProject, lockProjectIfAny, lockSpans, requireProject } from './postgres-state';
import { PostgresSubmissions } from './postgres-submissions';
import { insertSpans, updateSpans, upsertFields } from './postgres-writes';

/** How the PostgreSQL store connects (README "Running with PostgreSQL"). */
export interface PostgresStoreOptions {
  /** Connections for reads. Default 8. */
  readConnections?: number;
  /** Connections for writes (one transaction each). Default 4. */
  writeConnections?: number;
  /** How long a read waits for a free connection before it answers 503. Default 30 s. */
  connectionTimeoutMs?: number;
}

/** Connections for reads unless configured (SPANPATCH_DATABASE_READ_CONNECTIONS). */
export const DEFAULT_READ_CONNECTIONS = 8;
/** Connections for writes unless configured (SPANPATCH_DATABASE_WRITE_CONNECTIONS). */
export const DEFAULT_WRITE_CONNECTIONS = 4;
/** Connections the health probe keeps for itself, besides reads and writes. */
export const PROBE_CONNECTIONS = 1;

/** How long /healthz keeps reporting a failed read or write, unless a write succeeds first. */
const RECENT_FAILURE_MS = 60_000;
/**
 * How long a write waits for its turn before it answers 503 (busy): for a connection, then for its project's row.
 * NOTE: writes of one project take turns anyway, so a queue of writes for connections is a queue for that turn.
 */
const WRITE_WAIT_MS = 60_000;
/** How long PostgreSQL lets a write transaction sit idle before ending it. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** How long the health probe waits for its connection: one that cannot be had this soon counts as a failure. */
const PROBE_WAIT_MS = 5_000;
/** How long the health probe waits for a row lock before counting the database as busy, hence writable. */
const PROBE_LOCK_TIMEOUT = '200ms';
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Opens the span store on a PostgreSQL database (`postgres://…`) and brings its schema up to date; several servers
 * may open the same database at once. Throws `StoreOpenError`, one line naming the database (without its
 * password) and what to do, when it cannot be reached or used.
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresSpanStore> {
  const store = new PostgresSpanStore(url, options);
  try {
    // NOTE: on a read connection, which has no lock timeout: a server starting while another migrates waits for it.
    await migrate(store.reads);
  } catch (error) {
    await store.close();
    throw postgresOpenError(error, store.label);
  }
  return store;
}

/**
 * The span store on PostgreSQL, for one server or several sharing a database. Each submission, ingest and revert
 * is one transaction that first locks its project's row: batches of one project take turns across every server,
 * so the type registry and the 1,000-key cap are checked against what the last batch left (no key typed two
 * ways, never 1,001 keys), while reads never wait. It then locks the batch's spans in span-ID order, plans with
 * the same planners as SQLite, and writes with one statement per table.
 */
export class PostgresSpanStore implements SpanStore {
  /** The database's URL without its password, for messages. */
  readonly label: string;
  readonly reads: Database;
  readonly writes: Database;
  /** The health probe's own connection: /healthz never waits behind reads or writes. */
  private readonly probes: Database;
  private readonly submissions = new PostgresSubmissions();
  private readonly queries = new PostgresSpanQueries();
  private closed: Promise<void> | null = null;
  /**
   * The last failure that the health probe cannot see for itself (a full disk, an I/O error, damaged data, a
   * table the user may not write), until a write succeeds.
   */
  private lastFailure: { error: StoreUnavailableError; at: number } | null = null;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.label = databaseLabel(url);
    // NOTE: a connection that breaks while idle is dropped by the pool; the next request connects anew.
    const ignore = () => undefined;
    this.reads = new Database(
      url,
      {
        purpose: 'reads',
        max: options.readConnections ?? DEFAULT_READ_CONNECTIONS,
        connectionTimeoutMs: options.connectionTimeoutMs ?? 30_000,
      },
      ignore,
    );
    // NOTE: a write waits its turn for at most a minute (then 503, busy), and a transaction left open by a server
    // that froze or lost its network is ended after a minute, so it cannot hold a project's turn for long.
    this.writes = new Database(
      url,
      {
        purpose: 'writes',
        max: options.writeConnections ?? DEFAULT_WRITE_CONNECTIONS,
        connectionTimeoutMs: WRITE_WAIT_MS,
        lockTimeoutMs: WRITE_WAIT_MS,
        idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
      ignore,
    );
    this.probes = new Database(
      url,
      { purpose: 'health', max: PROBE_CONNECTIONS, connectionTimeoutMs: PROBE_WAIT_MS },
      ignore,
    );
  }

  async listProjects(): Promise<StoredProject[]> {
    return this.guardRead(() =>
      this.reads.query<{ name: string; spans: number }>(
        'SELECT name, span_count AS spans FROM projects ORDER BY name',
      ),
    );
  }

  async getFields(project: string): Promise<FieldsResponse['fields']> {
    return this.guardRead(async () => {
      const projectId = await requireProject(this.reads, project);
      return this.reads.query<{ key: string; type: StoredType | null; spans: number }>(
        'SELECT key, type, span_count AS spans FROM fields WHERE project_id = $1 ORDER BY key',
        [projectId],
      );
    });
  }

  async lookupSpans(project: string, spanIds: readonly string[]): Promise<LookupResponse> {
    return this.guardRead(async () => {
      const projectId = await requireProject(this.reads, project);
      const unique = [...new Set(spanIds)];
      const rows = await this.reads.query<{
        span_id: string;
        metadata: StoredPatch;
        updated_at: string | null;
      }>(
        'SELECT span_id, metadata, updated_at FROM spans WHERE project_id = $1 AND span_id = ANY ($2::text[])',
        [projectId, unique],
      );
      const found = new Map(rows.map((row) => [row.span_id, row]));
      const spans: LookupResponse['spans'] = [];
      const missing: string[] = [];
      for (const spanId of unique) {
        const span = found.get(spanId);
        if (span) spans.push({ span_id: span.span_id, metadata: span.metadata, updated_at: span.updated_at });
        else missing.push(spanId);
      }
      return { spans, missing };
    });
  }

  async listSpans(project: string, query: SpanQuery): Promise<SpanPage> {
    return this.guardRead(async () =>
      this.queries.list(this.reads, await requireProject(this.reads, project), query),
    );
  }

  async searchSpans(project: string, search: SpanSearch): Promise<SpanSearchResult> {
    return this.guardRead(async () => {
      const projectId = await requireProject(this.reads, project);
      const fieldTypes = await fieldTypesOf(this.reads, projectId);
      return this.queries.search(this.reads, projectId, search, fieldTypes);
    });
  }

  /** How PostgreSQL runs a search's page query (`EXPLAIN`), to check in tests that lookups use their indexes. */
  async searchPlan(project: string, search: SpanSearch): Promise<string[]> {
    const projectId = await requireProject(this.reads, project);
    const fieldTypes = await fieldTypesOf(this.reads, projectId);
    return this.queries.queryPlan(this.reads, projectId, search, fieldTypes);
  }

  async getSpan(project: string, spanId: string): Promise<SpanDetail | null> {
    return this.guardRead(async () =>
      this.queries.detail(this.reads, await requireProject(this.reads, project), spanId),
    );
  }

  async findReplay(submission: PatchSubmission): Promise<PatchResponse | null> {
    return this.guardRead(async () =>
      this.submissions.replay(this.reads, {
        projectId: await requireProject(this.reads, submission.project),
        keyName: submission.keyName,
        idempotencyKey: submission.idempotencyKey,
        submission: submission.submission,
        kind: 'patch',
        now: new Date().toISOString(),
      }),
    );
  }

  async applyPatches(submission: PatchSubmission): Promise<PatchOutcome> {
    return this.guardWrite(() => this.writes.transaction((sql) => this.applyPatchesIn(sql, submission)));
  }

  async ingestSpans(project: string, spans: readonly IncomingSpan[]): Promise<IngestOutcome> {
    return this.guardWrite(() =>
      this.writes.transaction(async (sql) => {
        await sql.query(
          'INSERT INTO projects (name, created_at) VALUES ($1, $2) ON CONFLICT ((md5(name))) DO NOTHING',
          [project, new Date().toISOString()],
        );
        const projectId = await lockProject(sql, project);
        const existing = await sql.query<{ span_id: string }>(
          'SELECT span_id FROM spans WHERE project_id = $1 AND span_id = ANY ($2::text[])',
          [projectId, spans.map((span) => span.spanId)],
        );
        const plan = planIngest(
          spans,
          new Set(existing.map((row) => row.span_id)),
          await fieldTypesOf(sql, projectId),
        );
        await insertSpans(sql, projectId, plan.inserts);
        await upsertFields(sql, projectId, plan.fields);
        if (plan.inserts.length > 0) {
          await sql.query('UPDATE projects SET span_count = span_count + $1 WHERE id = $2', [
            plan.inserts.length,
            projectId,
          ]);
        }
        return { inserted: plan.inserts.length, duplicates: plan.duplicates, warnings: plan.warnings };
      }),
    );
  }

  async upsertSpans(project: string, spans: readonly IncomingSpan[]): Promise<UpsertOutcome> {
    return this.guardWrite(() =>
      this.writes.transaction(async (sql) => {
        const now = new Date().toISOString();
        await sql.query(
          'INSERT INTO projects (name, created_at) VALUES ($1, $2) ON CONFLICT ((md5(name))) DO NOTHING',
          [project, now],
        );
        const projectId = await lockProject(sql, project);
        const current = await lockSpans(sql, projectId, new Set(spans.map((span) => span.spanId)));
        const plan = planLoad(spans, current, await fieldTypesOf(sql, projectId));
        await insertSpans(sql, projectId, plan.inserts);
        await updateSpans(sql, projectId, plan.writes, now);
        await upsertFields(sql, projectId, plan.fields);
        if (plan.inserts.length > 0) {
          await sql.query('UPDATE projects SET span_count = span_count + $1 WHERE id = $2', [
            plan.inserts.length,
            projectId,
          ]);
        }
        return {
          inserted: plan.inserts.length,
          updated: plan.writes.length,
          unchanged: plan.unchanged,
          warnings: plan.warnings,
        };
      }),
    );
  }

  async listSubmissions(query: SubmissionListQuery): Promise<SubmissionList> {
    return this.guardRead(async () =>
      this.submissions.list(
        this.reads,
        query,
        query.project === null ? null : await requireProject(this.reads, query.project),
      ),
    );
  }

  async getSubmission(id: string): Promise<Submission | null> {
    return this.guardRead(() => this.submissions.get(this.reads, id));
  }

  async listSubmissionChanges(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SubmissionChange> | null> {
    return this.guardRead(() => this.submissions.changesPage(this.reads, id, query));
  }

  async listSubmissionErrors(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SpanError> | null> {
    return this.guardRead(() => this.submissions.errorsPage(this.reads, id, query));
  }

  async revertSubmission(request: RevertRequest): Promise<RevertResponse | null> {
    if (request.dryRun) {
      // A dry run reads one snapshot and locks nothing.
      return this.guardRead(() =>
        this.reads.transaction((sql) => revertIn(sql, this.submissions, request), {
          begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
          rollback: true,
        }),
      );
    }
    return this.guardWrite(() => this.writes.transaction((sql) => revertIn(sql, this.submissions, request)));
  }

  async deleteProject(project: string): Promise<boolean> {
    return this.guardWrite(() =>
      this.writes.transaction(async (sql) => {
        const projectId = await lockProjectIfAny(sql, project);
        if (projectId === null) return false;
        const submissions = 'SELECT id FROM submissions WHERE project_id = $1';
        await sql.query(`DELETE FROM changes WHERE submission_id IN (${submissions})`, [projectId]);
        await sql.query(`DELETE FROM submission_errors WHERE submission_id IN (${submissions})`, [projectId]);
        for (const table of ['batches', 'submissions', 'fields', 'spans']) {
          await sql.query(`DELETE FROM ${table} WHERE project_id = $1`, [projectId]);
        }
        await sql.query('DELETE FROM projects WHERE id = $1', [projectId]);
        return true;
      }),
    );
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.probeWrite();
    } catch (error) {
      const failure = postgresUnavailable(error, this.label);
      const why = error instanceof Error ? error.message : String(error);
      return {
        writable: false,
        message: failure?.message ?? `The PostgreSQL database ${this.label} cannot be written: ${why}`,
      };
    }
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < RECENT_FAILURE_MS) {
      return { writable: false, message: failure.error.message };
    }
    return { writable: true };
  }

  async ready(): Promise<StoreReadiness> {
    try {
      // NOTE: on the probe's own connection, so readiness never waits behind reads or writes.
      const [row] = await this.probes.query<{ version: number }>('SELECT version FROM schema_version');
      return { ready: true, kind: 'postgres', schemaVersion: row?.version ?? 0 };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const message =
        postgresUnavailable(error, this.label)?.message ??
        `The PostgreSQL database ${this.label} does not answer: ${why}`;
      return { ready: false, kind: 'postgres', message };
    }
  }

  load(): StoreLoad {
    return {
      pools: [
        { name: 'reads', ...this.reads.connections() },
        { name: 'writes', ...this.writes.connections() },
        { name: 'health', ...this.probes.connections() },
      ],
      queuedWrites: null,
    };
  }

  async close(): Promise<void> {
    this.closed ??= Promise.all([this.reads.close(), this.writes.close(), this.probes.close()]).then(
      () => undefined,
    );
    return this.closed;
  }

  /**
   * Writes as a real write would, and rolls back: changing the one `schema_version` row to itself fails when the
   * database cannot be reached, is read-only, or its user may not write. Another server holding that row only
   * means it is writing, so the probe does not wait for it and counts the store as writable.
   */
  private async probeWrite(): Promise<void> {
    try {
      await this.probes.transaction(
        async (sql) => {
          await sql.query(`SET LOCAL lock_timeout = '${PROBE_LOCK_TIMEOUT}'`);
          await sql.query('UPDATE schema_version SET version = version');
        },
        { rollback: true },
      );
    } catch (error) {
      if (isLockTimeout(error)) return;
      throw error;
    }
  }

  private async applyPatchesIn(sql: Sql, submission: PatchSubmission): Promise<PatchOutcome> {
    const projectId = await lockProject(sql, submission.project);
    const record: BatchRecord = {
      projectId,
      keyName: submission.keyName,
      idempotencyKey: submission.idempotencyKey,
      submission: submission.submission,
      kind: 'patch',
      now: new Date().toISOString(),
    };
    const replayed = await this.submissions.replay(sql, record);
    if (replayed) return { response: replayed, replayed: true };
    const spanIds = new Set<string>();
    for (const span of submission.spans) if (span.patch.ok) spanIds.add(span.spanId);
    const current = await lockSpans(sql, projectId, spanIds);
    const fieldTypes = await fieldTypesOf(sql, projectId);
    const plan = planSubmission(
      submission.project,
      submission.spans,
      current,
      fieldTypes,
      submission.decided ?? null,
    );
    const response = await this.submissions.recordBatch(sql, record, plan);
    await updateSpans(sql, projectId, plan.writes, record.now);
    await upsertFields(sql, projectId, plan.fields);
    return { response, replayed: false };
  }

  /** Runs a read, turning a storage failure into `StoreUnavailableError`. */
  private async guardRead<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** Runs a write (a whole transaction), turning a storage failure into `StoreUnavailableError`. */
  private async guardWrite<T>(run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.lastFailure = null;
      return result;
    } catch (error) {
      throw this.failed(error);
    }
  }

  private failed(error: unknown): unknown {
    const failure = postgresUnavailable(error, this.label);
    if (failure === null) return error;
    // NOTE: a busy database (no connection free in time, a row lock held too long) can still write, and one that
    // cannot be reached or is restarting is seen by the probe itself: /healthz reporting either for a minute would
    // have a load balancer take healthy servers out when they are needed most, or keep them out once it is back.
    if (failure.reason !== 'locked' && failure.reason !== 'cannot_open') {
      this.lastFailure = { error: failure, at: Date.now() };
    }
    return failure;
  }
}

function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === LOCK_NOT_AVAILABLE;
}
