import type { MetadataCondition, SpanDetail, SpanFilter, SpanSummary } from '@/core/api';
import type { StoredType } from '@/core/patch';
import { searchForm } from '@/core/text';
import type { StoredPatch } from '@/core/patch';
import { storedFormOf } from '@/server/store/condition-value';
import type { SpanPage, SpanQuery, SpanSearch, SpanSearchResult } from '@/server/store/span-store';
import { type SpanChangeRow, toSpanChange } from '@/server/store/submission-rows';
import { queryOne, type Sql } from './postgres-db';
import { escapeLike } from './postgres-submissions';
import { jsonParam } from './postgres-text';

/** The most spans of a trace a span's detail lists. */
const MAX_TRACE_SPANS = 1_000;

/** A span as the PostgreSQL store reads it for a list. */
interface SpanRow {
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: string;
  metadata: StoredPatch;
  input_preview: string | null;
}

/** What a span's detail reads beside its row. */
interface DetailColumns {
  end_time: string | null;
  updated_at: string | null;
  input_value: string | null;
  output_value: string | null;
  attributes: Record<string, unknown>;
}

/** The columns of a `SpanRow`, on `spans s`. */
const spanColumns =
  's.span_id, s.trace_id, s.parent_span_id, s.name, s.kind, s.start_time, s.metadata, s.input_preview';

/** The smallest text greater than every text starting with `prefix`, for an index range scan. */
const afterPrefix = (prefix: string) => `${prefix}\u{10FFFF}`;

function toSpanSummary(row: SpanRow): SpanSummary {
  return {
    span_id: row.span_id,
    trace_id: row.trace_id,
    parent_span_id: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    start_time: row.start_time,
    metadata: row.metadata,
    input_preview: row.input_preview,
  };
}

/** A WHERE clause being built: conditions joined by AND, and their numbered parameters. */
class Conditions {
  readonly sql: string[] = [];
  readonly params: unknown[] = [];

  /** The placeholder of a new parameter. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): void {
    this.sql.push(sql);
  }

  toString(): string {
    return this.sql.join(' AND ');
  }
}

/**
 * Finding and browsing spans on PostgreSQL (SPEC §10), with the SQLite store's semantics: span and trace IDs by
 * range scans on their indexes, names by the trigram index on their search form (src/core/text/search-text.ts), metadata by the GIN index on `metadata` (eq, ne,
 * exists, missing). Newest first, with a cursor; optionally the total count, or only the IDs.
 */
export class PostgresSpanQueries {
  /** A page of a project's spans, newest first, optionally those whose ID, trace or name match a text. */
  async list(sql: Sql, projectId: number, query: SpanQuery): Promise<SpanPage> {
    const where = new Conditions();
    where.add(`s.project_id = ${where.param(projectId)}`);
    if (query.after) {
      where.add(
        `(s.start_time, s.span_id) < (${where.param(query.after.startTime)}, ${where.param(query.after.spanId)})`,
      );
    }
    if (query.search) {
      const prefix = where.param(`${escapeLike(query.search)}%`);
      const name = where.param(`%${escapeLike(searchForm(query.search))}%`);
      where.add(`(s.span_id ILIKE ${prefix} OR s.trace_id ILIKE ${prefix} OR s.search_name LIKE ${name})`);
    }
    const rows = await sql.query<SpanRow>(
      `SELECT ${spanColumns} FROM spans s WHERE ${where.toString()}
       ORDER BY s.start_time DESC, s.span_id DESC LIMIT ${where.param(query.limit + 1)}`,
      where.params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      spans: page.map(toSpanSummary),
      next: rows.length > query.limit && last ? { startTime: last.start_time, spanId: last.span_id } : null,
    };
  }

  async search(
    sql: Sql,
    projectId: number,
    search: SpanSearch,
    fieldTypes: ReadonlyMap<string, StoredType | null>,
  ): Promise<SpanSearchResult> {
    let total: number | null = null;
    if (search.count) {
      const where = this.whereOf(projectId, search.filter, fieldTypes);
      const counted = await queryOne<{ total: number }>(
        sql,
        `SELECT count(*) AS total FROM spans s WHERE ${where.toString()}`,
        where.params,
      );
      total = counted?.total ?? 0;
    }
    const page = this.pageQuery(projectId, search, fieldTypes);
    const rows = await sql.query<SpanRow>(page.text, page.params);
    const kept = rows.slice(0, search.limit);
    const last = kept.at(-1);
    return {
      spans: search.idsOnly ? [] : kept.map(toSpanSummary),
      spanIds: search.idsOnly ? kept.map((row) => row.span_id) : null,
      next: rows.length > search.limit && last ? { startTime: last.start_time, spanId: last.span_id } : null,
      total,
    };
  }

  /** How PostgreSQL runs a search's page query (`EXPLAIN`), to check that it uses the indexes. */
  async queryPlan(
    sql: Sql,
    projectId: number,
    search: SpanSearch,
    fieldTypes: ReadonlyMap<string, StoredType | null>,
  ): Promise<string[]> {
    const page = this.pageQuery(projectId, search, fieldTypes);
    const rows = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${page.text}`, page.params);
    return rows.map((row) => row['QUERY PLAN']);
  }

  private pageQuery(
    projectId: number,
    search: SpanSearch,
    fieldTypes: ReadonlyMap<string, StoredType | null>,
  ): { text: string; params: unknown[] } {
    const page = this.whereOf(projectId, search.filter, fieldTypes);
    if (search.after) {
      page.add(
        `(s.start_time, s.span_id) < (${page.param(search.after.startTime)}, ${page.param(search.after.spanId)})`,
      );
    }
    const columns = search.idsOnly ? 's.span_id, s.start_time' : spanColumns;
    return {
      text: `SELECT ${columns} FROM spans s WHERE ${page.toString()}
       ORDER BY s.start_time DESC, s.span_id DESC LIMIT ${page.param(search.limit + 1)}`,
      params: page.params,
    };
  }

  async detail(sql: Sql, projectId: number, spanId: string): Promise<SpanDetail | null> {
    const span = await queryOne<SpanRow & DetailColumns & { id: number }>(
      sql,
      `SELECT s.id, ${spanColumns}, s.end_time, s.updated_at, s.input_value, s.output_value, s.attributes
       FROM spans s WHERE s.project_id = $1 AND s.span_id = $2`,
      [projectId, spanId],
    );
    if (!span) return null;
    const trace = await sql.query<SpanDetail['trace'][number]>(
      `SELECT span_id, parent_span_id, name, kind, start_time FROM spans
       WHERE project_id = $1 AND trace_id = $2 ORDER BY start_time, span_id LIMIT $3`,
      [projectId, span.trace_id, MAX_TRACE_SPANS + 1],
    );
    const changes = await sql.query<SpanChangeRow>(
      `SELECT s.public_id AS submission_id, s.label AS submission_label, s.kind AS submission_kind,
         s.finished_at AS at, c.key, c.existed_before, c.before_value, c.after_value, c.removed
       FROM changes c JOIN submissions s ON s.id = c.submission_id
       WHERE c.span_rowid = $1 ORDER BY c.id`,
      [span.id],
    );
    return {
      span: {
        ...toSpanSummary(span),
        end_time: span.end_time,
        updated_at: span.updated_at,
        input: span.input_value,
        output: span.output_value,
        attributes: span.attributes,
      },
      trace: trace.slice(0, MAX_TRACE_SPANS),
      trace_truncated: trace.length > MAX_TRACE_SPANS,
      changes: changes.map(toSpanChange),
    };
  }

  private whereOf(
    projectId: number,
    filter: SpanFilter,
    fieldTypes: ReadonlyMap<string, StoredType | null>,
  ): Conditions {
    const where = new Conditions();
    const project = where.param(projectId);
    where.add(`s.project_id = ${project}`);
    const text = filter.text?.trim();
    if (text) {
      // NOTE: each alternative names the project, so PostgreSQL can answer each from its own index (a range on
      // (project_id, span_id) or (project_id, trace_id), the trigram index on the name's search form) and OR the
      // results.
      const id = text.toLowerCase();
      const from = where.param(id);
      const to = where.param(afterPrefix(id));
      const name = where.param(`%${escapeLike(searchForm(text))}%`);
      where.add(
        `((s.project_id = ${project} AND s.span_id >= ${from} AND s.span_id < ${to})
          OR (s.project_id = ${project} AND s.trace_id >= ${from} AND s.trace_id < ${to})
          OR s.search_name LIKE ${name})`,
      );
    }
    if (filter.span_ids) where.add(`s.span_id = ANY (${where.param(filter.span_ids)}::text[])`);
    if (filter.trace_ids) {
      const traceIds = filter.trace_ids.map((id) => id.toLowerCase());
      where.add(`s.trace_id = ANY (${where.param(traceIds)}::text[])`);
    }
    if (filter.kinds && filter.kinds.length > 0) {
      where.add(`upper(s.kind) IN (SELECT upper(k) FROM unnest(${where.param(filter.kinds)}::text[]) AS k)`);
    }
    if (filter.roots_only) where.add('s.parent_span_id IS NULL');
    if (filter.start?.from)
      where.add(`s.start_time >= ${where.param(new Date(filter.start.from).toISOString())}`);
    if (filter.start?.to) where.add(`s.start_time < ${where.param(new Date(filter.start.to).toISOString())}`);
    for (const condition of filter.metadata ?? []) {
      addMetadataCondition(where, condition, fieldTypes.get(condition.key) ?? null);
    }
    return where;
  }
}

function addMetadataCondition(
  where: Conditions,
  condition: MetadataCondition,
  type: StoredType | null,
): void {
  const { op } = condition;
  if (op === 'eq' || op === 'ne') {
    // Containment of { key: value } answers through the GIN index; JSON null matches a key holding null.
    const held = jsonParam(Object.fromEntries([[condition.key, storedFormOf(condition.value, type)]]));
    // NOTE: `ne` also matches spans without the key: they do not hold the value.
    where.add(`${op === 'eq' ? '' : 'NOT '}(s.metadata @> ${where.param(held)}::jsonb)`);
    return;
  }
  // NOTE: each case makes the key a parameter only when its condition uses it: PostgreSQL cannot type a parameter
  // that no part of the statement uses, and refuses the statement.
  const key = () => where.param(condition.key);
  switch (op) {
    case 'exists':
      where.add(`s.metadata ? ${key()}`);
      return;
    case 'missing':
      where.add(`NOT (s.metadata ? ${key()})`);
      return;
    case 'contains': {
      const pattern = `%${escapeLike(String(condition.value ?? ''))}%`;
      where.add(`(s.metadata ->> ${key()}) ILIKE ${where.param(pattern)}`);
      return;
    }
    case 'lt':
    case 'gt': {
      const value = storedFormOf(condition.value, type);
      if (value === null) {
        // Null has no place in the order (the API refuses it): nothing matches.
        where.add('false');
        return;
      }
      // NOTE: SQLite's order across types, kept: every number sorts before every text.
      const sign = op === 'lt' ? '<' : '>';
      const json = key();
      const numbers =
        typeof value === 'number'
          ? `(s.metadata -> ${json})::numeric ${sign} ${where.param(value)}::numeric`
          : String(op === 'lt');
      const texts =
        typeof value === 'string'
          ? `(s.metadata ->> ${json}) COLLATE "C" ${sign} ${where.param(value)}::text`
          : String(op === 'gt');
      where.add(
        `CASE jsonb_typeof(s.metadata -> ${json}) WHEN 'number' THEN ${numbers} WHEN 'string' THEN ${texts} ELSE false END`,
      );
      return;
    }
  }
}
