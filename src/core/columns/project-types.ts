import type { ColumnSettings } from './columns';

/** The type a project already stores a metadata key as (SPEC §6: `…/metadata/fields`). */
export type ProjectType = 'Utf8' | 'Int64' | 'Float64';

/** The keys a project already types, by key; a key without a type (only nulls so far) is left out. */
export type ProjectTypes = ReadonlyMap<string, ProjectType>;

export const NO_PROJECT_TYPES: ProjectTypes = new Map();

/** The project types of a project's fields (`{ key, type }`, as `…/metadata/fields` answers). */
export function projectTypesOf(
  fields: readonly { key: string; type: ProjectType | null }[],
): Map<string, ProjectType> {
  const types = new Map<string, ProjectType>();
  for (const field of fields) if (field.type !== null) types.set(field.key, field.type);
  return types;
}

/**
 * The project's type for an `auto` metadata column of a key the project already types, which `auto` reads the
 * column as (SPEC §2); null for a new key, an explicit type, or a column that is not metadata.
 */
export function projectTypeOf(column: ColumnSettings, types: ProjectTypes): ProjectType | null {
  if (column.target.kind !== 'metadata' || column.type !== 'auto') return null;
  return types.get(column.target.key) ?? null;
}

/** True when two sets of project types give every key the same type. */
export function sameProjectTypes(a: ProjectTypes, b: ProjectTypes): boolean {
  if (a.size !== b.size) return false;
  for (const [key, type] of a) if (b.get(key) !== type) return false;
  return true;
}
