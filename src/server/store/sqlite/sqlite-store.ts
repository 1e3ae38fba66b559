import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  FieldsResponse,
  LookupResponse,
  PatchResponse,
  RevertResponse,
  SpanDetail,
  SpanError,
  Submission,
  SubmissionChange,
} from '@/core/api';
import type { SpanWrite, StoredPatch, StoredType } from '@/core/patch';
import { searchForm, textPreview } from '@/core/text';
import { type IncomingSpan, type IngestPlan, planIngest } from '@/server/patch/plan-ingest';
import { planLoad } from '@/server/patch/plan-load';
import { type FieldWrite, planSubmission } from '@/server/patch/plan-submission';
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
import { UnknownProjectError } from '@/server/store/unknown-project-error';
import {
  diskFullMessage,
  diskIsFull,
  folderOpenError,
  storeOpenError,
  storeUnavailable,
} from './sqlite-failure';
import { databaseFileProblem, type FileIdentity, fileIdentityOf } from './sqlite-file';
import { migrate } from './sqlite-migrations';
import { parseMetadata } from './sqlite-rows';
import { SqliteRevert } from './sqlite-revert';
import { SqliteSpanQueries } from './sqlite-span-queries';
import { SqliteSubmissions } from './sqlite-submissions';

/** How long a write waits for another program's lock on the file before giving up. */
const BUSY_TIMEOUT_MS = 5000;
/** How long /healthz keeps reporting a failed read or write, unless a write succeeds first. */
const RECENT_FAILURE_MS = 60_000;

/** Spans ingested between two refreshes of the query planner's statistics (`PRAGMA optimize`). */
const OPTIMIZE_AFTER_SPANS = 50_000;

/**
 * Runs `PRAGMA optimize`. NOTE: statistics only help the planner: should they fail (the file busy past the
 * timeout), the open or the ingest that came before still stands.
 */
function refreshStatistics(db: Database.Database, pragma: string): void {
  try {
    db.pragma(pragma);
  } catch {
    // Left for the next refresh.
  }
}

/**
 * Opens (creating if needed) a SQLite span store at a file path, and brings its schema up to date. Throws
 * `StoreOpenError`, one line naming the file and what to do, when the file cannot be the database: not a
 * database, damaged, in a folder that cannot be created or written, or of a newer schema.
 */
export function openSqliteStore(path: string): SqliteSpanStore {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw folderOpenError(error, path);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw storeOpenError(error, path);
  }
  try {
    // SQLite reads the file lazily: a file that is not a database fails on this first statement.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('cache_size = -65536');
    migrate(db);
    // Statistics for the query planner, as SQLite advises for a long-lived connection (cheap: it analyses only
    // what needs it, each table read in part); refreshed after bulk ingests (`ingestSpans`).
    refreshStatistics(db, 'optimize = 0x10002');
  } catch (error) {
    db.close();
    throw storeOpenError(error, path);
  }
  return new SqliteSpanStore(db);
}

/**
 * The span store on SQLite (better-sqlite3, synchronous). Each submission and each ingest runs in one
 * immediate transaction: the snapshot it plans against and the writes it makes cannot interleave with another.
 */
export class SqliteSpanStore implements SpanStore {
  private ingestedSinceOptimize = 0;
  private readonly statements;
  private readonly submissions: SqliteSubmissions;
  private readonly queries: SqliteSpanQueries;
  private readonly reverts: SqliteRevert;
  private closed = false;
  /** The last storage failure, until a write succeeds; /healthz reports it for a while. */
  private lastFailure: { error: StoreUnavailableError; at: number } | null = null;

  /** The database file as it was opened, to tell when its path names another file or none. */
  private readonly file: FileIdentity | null;
  private readonly schemaVersion: Database.Statement<[], number>;

  constructor(private readonly db: Database.Database) {
    this.file = fileIdentityOf(db.name);
    this.schemaVersion = db.prepare<[], number>('SELECT version FROM schema_version').pluck();
    this.submissions = new SqliteSubmissions(db);
    this.queries = new SqliteSpanQueries(db);
    this.reverts = new SqliteRevert(db, this.submissions);
    this.statements = {
      projectId: db.prepare<[string], number>('SELECT id FROM projects WHERE name = ?').pluck(),
      insertProject: db.prepare<[string, string]>(
        'INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      listProjects: db.prepare<[], { name: string; spans: number }>(
        'SELECT name, span_count AS spans FROM projects ORDER BY name',
      ),
      addProjectSpans: db.prepare<[number, number]>(
        'UPDATE projects SET span_count = span_count + ? WHERE id = ?',
      ),
      fieldTypes: db.prepare<[number], { key: string; type: StoredType | null }>(
        'SELECT key, type FROM fields WHERE project_id = ?',
      ),
      fields: db.prepare<[number], { key: string; type: StoredType | null; spans: number }>(
        'SELECT key, type, span_count AS spans FROM fields WHERE project_id = ? ORDER BY key',
      ),
      currentMetadata: db.prepare<[number, string], { span_id: string; metadata: string }>(
        `SELECT span_id, metadata FROM spans
         WHERE project_id = ? AND span_id IN (SELECT value FROM json_each(?))`,
      ),
      lookup: db.prepare<[number, string], { span_id: string; metadata: string; updated_at: string | null }>(
        `SELECT span_id, metadata, updated_at FROM spans
         WHERE project_id = ? AND span_id IN (SELECT value FROM json_each(?))`,
      ),
      updateSpan: db
        .prepare<[string, string, number, string], number>(
          'UPDATE spans SET metadata = ?, updated_at = ? WHERE project_id = ? AND span_id = ? RETURNING id',
        )
        .pluck(),
      // NOTE: the value goes through SQLite's JSON reader, so a key's row holds exactly what json_each reads from
      // the span's metadata (the insert trigger's rows, and those of the queries): 2 stays an integer, 2.5 a real.
      setValue: db.prepare<[number, number, string, string]>(
        `INSERT INTO span_values (span_rowid, project_id, key, value) VALUES (?, ?, ?, json_extract(?, '$'))
         ON CONFLICT (span_rowid, key) DO UPDATE SET value = excluded.value`,
      ),
      removeValue: db.prepare<[number, string]>('DELETE FROM span_values WHERE span_rowid = ? AND key = ?'),
      insertSpan: db.prepare<
        [
          number,
          string,
          string,
          string | null,
          string,
          string,
          string,
          string,
          string | null,
          string,
          string | null,
          string | null,
          string | null,
          string,
        ]
      >(
        `INSERT INTO spans
           (project_id, span_id, trace_id, parent_span_id, name, search_name, kind, start_time, end_time, metadata,
            input_value, output_value, input_preview, attributes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      addFieldSpans: db.prepare<[number, number, string]>(
        'UPDATE fields SET span_count = max(0, span_count + ?) WHERE project_id = ? AND key = ?',
      ),
      upsertField: db.prepare<[number, string, StoredType | null, number]>(
        `INSERT INTO fields (project_id, key, type, span_count) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id, key)
         DO UPDATE SET type = excluded.type, span_count = span_count + excluded.span_count`,
      ),
    };
  }

  async listProjects(): Promise<StoredProject[]> {
    return this.guardRead(() => this.statements.listProjects.all());
  }

  async getFields(project: string): Promise<FieldsResponse['fields']> {
    return this.guardRead(() => this.statements.fields.all(this.requireProject(project)));
  }

  async lookupSpans(project: string, spanIds: readonly string[]): Promise<LookupResponse> {
    return this.guardRead(() => this.lookupSpansNow(project, spanIds));
  }

  private lookupSpansNow(project: string, spanIds: readonly string[]): LookupResponse {
    const projectId = this.requireProject(project);
    const unique = [...new Set(spanIds)];
    const found = new Map<string, LookupResponse['spans'][number]>();
    for (const row of this.statements.lookup.all(projectId, JSON.stringify(unique))) {
      found.set(row.span_id, {
        span_id: row.span_id,
        metadata: parseMetadata(row.metadata),
        updated_at: row.updated_at,
      });
    }
    const spans: LookupResponse['spans'] = [];
    const missing: string[] = [];
    for (const spanId of unique) {
      const span = found.get(spanId);
      if (span) spans.push(span);
      else missing.push(spanId);
    }
    return { spans, missing };
  }

  async listSpans(project: string, query: SpanQuery): Promise<SpanPage> {
    return this.guardRead(() => this.queries.page(this.requireProject(project), query));
  }

  async searchSpans(project: string, search: SpanSearch): Promise<SpanSearchResult> {
    return this.guardRead(() => {
      const projectId = this.requireProject(project);
      return this.queries.search(projectId, search, this.fieldTypesOf(projectId));
    });
  }

  /** How SQLite runs a search's page query, to check in tests that lookups use their indexes. */
  searchPlan(project: string, search: SpanSearch): string[] {
    const projectId = this.requireProject(project);
    return this.queries.queryPlan(projectId, search, this.fieldTypesOf(projectId));
  }

  /** How SQLite reads a trace for a span's detail (`EXPLAIN QUERY PLAN`). */
  tracePlan(project: string, traceId: string): string[] {
    return this.queries.tracePlan(this.requireProject(project), traceId);
  }

  async getSpan(project: string, spanId: string): Promise<SpanDetail | null> {
    return this.guardRead(() => this.queries.detail(this.requireProject(project), spanId));
  }

  async findReplay(submission: PatchSubmission): Promise<PatchResponse | null> {
    return this.guardRead(() =>
      this.submissions.replay({
        projectId: this.requireProject(submission.project),
        keyName: submission.keyName,
        idempotencyKey: submission.idempotencyKey,
        submission: submission.submission,
        kind: 'patch',
        now: new Date().toISOString(),
      }),
    );
  }

  async applyPatches(submission: PatchSubmission): Promise<PatchOutcome> {
    return this.guardWrite(() => this.db.transaction(() => this.applyPatchesNow(submission)).immediate());
  }

  async ingestSpans(project: string, spans: readonly IncomingSpan[]): Promise<IngestOutcome> {
    return this.guardWrite(() => this.ingestSpansNow(project, spans));
  }

  private ingestSpansNow(project: string, spans: readonly IncomingSpan[]): IngestOutcome {
    const outcome = this.db
      .transaction(() => {
        this.statements.insertProject.run(project, new Date().toISOString());
        const projectId = this.requireProject(project);
        const ids = JSON.stringify(spans.map((span) => span.spanId));
        const existing = new Set(
          this.statements.currentMetadata.all(projectId, ids).map((row) => row.span_id),
        );
        const plan = planIngest(spans, existing, this.fieldTypesOf(projectId));
        this.insertSpans(projectId, plan.inserts);
        this.writeFields(projectId, plan.fields);
        return { inserted: plan.inserts.length, duplicates: plan.duplicates, warnings: plan.warnings };
      })
      .immediate();
    this.countIngested(outcome.inserted);
    return outcome;
  }

  async upsertSpans(project: string, spans: readonly IncomingSpan[]): Promise<UpsertOutcome> {
    return this.guardWrite(() => this.upsertSpansNow(project, spans));
  }

  private upsertSpansNow(project: string, spans: readonly IncomingSpan[]): UpsertOutcome {
    const outcome = this.db
      .transaction((): UpsertOutcome => {
        const now = new Date().toISOString();
        this.statements.insertProject.run(project, now);
        const projectId = this.requireProject(project);
        const current = this.currentMetadataOf(projectId, new Set(spans.map((span) => span.spanId)));
        const plan = planLoad(spans, current, this.fieldTypesOf(projectId));
        this.insertSpans(projectId, plan.inserts);
        for (const write of plan.writes) this.writeSpan(projectId, write, now);
        this.writeFields(projectId, plan.fields);
        return {
          inserted: plan.inserts.length,
          updated: plan.writes.length,
          unchanged: plan.unchanged,
          warnings: plan.warnings,
        };
      })
      .immediate();
    this.countIngested(outcome.inserted);
    return outcome;
  }

  private insertSpans(projectId: number, inserts: IngestPlan['inserts']): void {
    for (const { span, metadata } of inserts) {
      this.statements.insertSpan.run(
        projectId,
        span.spanId,
        span.traceId,
        span.parentSpanId,
        span.name,
        searchForm(span.name),
        span.kind,
        span.startTime,
        span.endTime,
        JSON.stringify(metadata),
        span.input ?? null,
        span.output ?? null,
        textPreview(span.input),
        JSON.stringify(span.attributes ?? {}),
      );
    }
    this.statements.addProjectSpans.run(inserts.length, projectId);
  }

  /**
   * The planner's statistics follow the data: after every OPTIMIZE_AFTER_SPANS spans ingested, `PRAGMA optimize`
   * (analysis limited, so quick at a million spans) lets the planner see what bulk ingests changed.
   */
  private countIngested(inserted: number): void {
    this.ingestedSinceOptimize += inserted;
    if (this.ingestedSinceOptimize >= OPTIMIZE_AFTER_SPANS) {
      this.ingestedSinceOptimize = 0;
      refreshStatistics(this.db, 'optimize');
    }
  }

  async listSubmissions(query: SubmissionListQuery): Promise<SubmissionList> {
    return this.guardRead(() =>
      this.submissions.list(query, query.project === null ? null : this.requireProject(query.project)),
    );
  }

  async getSubmission(id: string): Promise<Submission | null> {
    return this.guardRead(() => this.submissions.get(id));
  }

  async listSubmissionChanges(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SubmissionChange> | null> {
    return this.guardRead(() => this.submissions.changesPage(id, query));
  }

  async listSubmissionErrors(
    id: string,
    query: SubmissionPageQuery,
  ): Promise<SubmissionPage<SpanError> | null> {
    return this.guardRead(() => this.submissions.errorsPage(id, query));
  }

  async revertSubmission(request: RevertRequest): Promise<RevertResponse | null> {
    const run = () => this.db.transaction(() => this.reverts.revert(request)).immediate();
    return request.dryRun ? this.guardRead(run) : this.guardWrite(run);
  }

  async deleteProject(project: string): Promise<boolean> {
    return this.guardWrite(() => this.deleteProjectNow(project));
  }

  private deleteProjectNow(project: string): boolean {
    return this.db
      .transaction(() => {
        const projectId = this.statements.projectId.get(project);
        if (projectId === undefined) return false;
        const submissions = 'SELECT id FROM submissions WHERE project_id = ?';
        this.db.prepare(`DELETE FROM changes WHERE submission_id IN (${submissions})`).run(projectId);
        this.db
          .prepare(`DELETE FROM submission_errors WHERE submission_id IN (${submissions})`)
          .run(projectId);
        this.db.prepare('DELETE FROM batches WHERE project_id = ?').run(projectId);
        for (const table of ['submissions', 'fields', 'spans']) {
          this.db.prepare(`DELETE FROM ${table} WHERE project_id = ?`).run(projectId);
        }
        this.db.prepare('DELETE FROM projects WHERE id = ?').run(projectId);
        return true;
      })
      .immediate();
  }

  async health(): Promise<StoreHealth> {
    const path = this.db.name;
    try {
      this.probeWrite();
    } catch (error) {
      const failure = storeUnavailable(error, path);
      const why = error instanceof Error ? error.message : String(error);
      return {
        writable: false,
        message: failure?.message ?? `The database ${path} cannot be written: ${why}`,
      };
    }
    if (await diskIsFull(path)) return { writable: false, message: diskFullMessage(path) };
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < RECENT_FAILURE_MS) {
      return { writable: false, message: failure.error.message };
    }
    return { writable: true };
  }

  async ready(): Promise<StoreReadiness> {
    const path = this.db.name;
    const moved = await databaseFileProblem(path, this.file);
    if (moved !== null) return { ready: false, kind: 'sqlite', message: moved };
    try {
      return { ready: true, kind: 'sqlite', schemaVersion: this.schemaVersion.get() ?? 0 };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const message = storeUnavailable(error, path)?.message ?? `The database ${path} cannot be read: ${why}`;
      return { ready: false, kind: 'sqlite', message };
    }
  }

  load(): StoreLoad {
    return { pools: [], queuedWrites: null };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** Runs a read, turning a storage failure into `StoreUnavailableError`. */
  private guardRead<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** Runs a write (a whole transaction), turning a storage failure into `StoreUnavailableError`. */
  private guardWrite<T>(run: () => T): T {
    try {
      const result = run();
      this.lastFailure = null;
      return result;
    } catch (error) {
      throw this.failed(error);
    }
  }

  private failed(error: unknown): unknown {
    const failure = storeUnavailable(error, this.db.name);
    if (failure === null) return error;
    this.lastFailure = { error: failure, at: Date.now() };
    return failure;
  }

  /**
   * Writes as a real write would, and rolls back: changing the one `schema_version` row to itself fails on a
   * read-only file or folder, a damaged file or a failing disk. Another program holding the write lock only means
   * that program is writing, so the probe does not wait for it and counts the store as writable.
   */
  private probeWrite(): void {
    const { db } = this;
    const timeout = Number(db.pragma('busy_timeout', { simple: true }));
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('UPDATE schema_version SET version = version');
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    } catch (error) {
      if (storeUnavailable(error, db.name)?.reason !== 'locked') throw error;
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  private applyPatchesNow(submission: PatchSubmission): PatchOutcome {
    const projectId = this.requireProject(submission.project);
    const now = new Date().toISOString();
    const record: BatchRecord = {
      projectId,
      keyName: submission.keyName,
      idempotencyKey: submission.idempotencyKey,
      submission: submission.submission,
      kind: 'patch',
      now,
    };
    const replayed = this.submissions.replay(record);
    if (replayed) return { response: replayed, replayed: true };
    const spanIds = new Set<string>();
    for (const span of submission.spans) if (span.patch.ok) spanIds.add(span.spanId);
    const current = this.currentMetadataOf(projectId, spanIds);
    const plan = planSubmission(
      submission.project,
      submission.spans,
      current,
      this.fieldTypesOf(projectId),
      submission.decided ?? null,
    );
    const response = this.submissions.recordBatch(record, plan);
    for (const write of plan.writes) this.writeSpan(projectId, write, now);
    this.writeFields(projectId, plan.fields);
    return { response, replayed: false };
  }

  /**
   * Writes a span's metadata after a planned write, and the rows of `span_values` (the table behind metadata
   * queries) of the keys it changed: nothing else of the span. NOTE: every metadata write goes through here; no
   * trigger keeps `span_values` on an update, since one would have to rewrite every key of the span.
   */
  private writeSpan(projectId: number, write: SpanWrite, now: string): void {
    const { statements } = this;
    const rowid = statements.updateSpan.get(JSON.stringify(write.metadata), now, projectId, write.spanId);
    if (rowid === undefined) return;
    for (const change of write.changes) {
      if (change.removed === true) statements.removeValue.run(rowid, change.key);
      else statements.setValue.run(rowid, projectId, change.key, JSON.stringify(change.after));
    }
  }

  private currentMetadataOf(projectId: number, spanIds: ReadonlySet<string>): Map<string, StoredPatch> {
    const current = new Map<string, StoredPatch>();
    if (spanIds.size > 0) {
      for (const row of this.statements.currentMetadata.all(projectId, JSON.stringify([...spanIds]))) {
        current.set(row.span_id, parseMetadata(row.metadata));
      }
    }
    return current;
  }

  private requireProject(project: string): number {
    const projectId = this.statements.projectId.get(project);
    if (projectId === undefined) throw new UnknownProjectError(project);
    return projectId;
  }

  private fieldTypesOf(projectId: number): Map<string, StoredType | null> {
    const types = new Map<string, StoredType | null>();
    for (const row of this.statements.fieldTypes.all(projectId)) types.set(row.key, row.type);
    return types;
  }

  private writeFields(projectId: number, fields: readonly FieldWrite[]): void {
    for (const field of fields) {
      this.statements.upsertField.run(projectId, field.key, field.type, field.addedSpans);
    }
  }
}
