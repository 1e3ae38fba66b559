import type { StoredType } from '@/core/patch';
import type { StoredPatch } from '@/core/patch';
import { UnknownProjectError } from '@/server/store/unknown-project-error';
import { queryOne, type Sql } from './postgres-db';

// What a batch plans against, read inside its transaction: the project, its spans' metadata, its type registry.

/** A project by name: through the unique index on md5(name) (see postgres-migrations.ts), then the name itself. */
const projectByName = 'SELECT id FROM projects WHERE md5(name) = md5($1) AND name = $1';

/** A project's ID, its row locked until the transaction ends: the project's writes take turns, on every server. */
export async function lockProject(sql: Sql, project: string): Promise<number> {
  const id = await lockProjectIfAny(sql, project);
  if (id === null) throw new UnknownProjectError(project);
  return id;
}

/** As `lockProject`, or null when there is no such project. */
export async function lockProjectIfAny(sql: Sql, project: string): Promise<number | null> {
  const row = await queryOne<{ id: number }>(sql, `${projectByName} FOR UPDATE`, [project]);
  return row?.id ?? null;
}

/** A project's ID; `UnknownProjectError` when there is no such project. */
export async function requireProject(sql: Sql, project: string): Promise<number> {
  const row = await queryOne<{ id: number }>(sql, projectByName, [project]);
  if (!row) throw new UnknownProjectError(project);
  return row.id;
}

/** The spans' metadata (those that exist), read without locking them. */
export async function currentMetadata(
  sql: Sql,
  projectId: number,
  spanIds: ReadonlySet<string>,
  lock = '',
): Promise<Map<string, StoredPatch>> {
  const current = new Map<string, StoredPatch>();
  if (spanIds.size === 0) return current;
  const rows = await sql.query<{ span_id: string; metadata: StoredPatch }>(
    `SELECT span_id, metadata FROM spans WHERE project_id = $1 AND span_id = ANY ($2::text[]) ${lock}`,
    [projectId, [...spanIds]],
  );
  for (const row of rows) current.set(row.span_id, row.metadata);
  return current;
}

/**
 * The spans' metadata, their rows locked until the transaction ends, in span-ID order: two transactions locking
 * overlapping spans take them in the same order, so they never wait on each other in a circle.
 */
export function lockSpans(
  sql: Sql,
  projectId: number,
  spanIds: ReadonlySet<string>,
): Promise<Map<string, StoredPatch>> {
  return currentMetadata(sql, projectId, spanIds, 'ORDER BY span_id FOR UPDATE');
}

/** The project's type registry: key → type (null while only null was stored). */
export async function fieldTypesOf(sql: Sql, projectId: number): Promise<Map<string, StoredType | null>> {
  const rows = await sql.query<{ key: string; type: StoredType | null }>(
    'SELECT key, type FROM fields WHERE project_id = $1',
    [projectId],
  );
  return new Map(rows.map((row) => [row.key, row.type]));
}
