import { ApiRequestError, getFields } from '@/client';
import { NO_PROJECT_TYPES, type ProjectTypes, projectTypeOf, projectTypesOf } from '@/core/columns';
import type { SheetModel } from '@/core/sheet';
import { type Connection, requestProblem } from './connection';

/**
 * The keys a project already types (`…/metadata/fields`), which an `auto` column of the sheet reads as (SPEC §2).
 * A project the server does not have yet types no key; a server that cannot answer stops the command with what
 * went wrong.
 */
export async function fetchProjectTypes(project: string, connection: Connection): Promise<ProjectTypes> {
  try {
    return projectTypesOf((await getFields(project, connection)).fields);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return NO_PROJECT_TYPES;
    throw requestProblem(error, connection, `Reading the keys of project ${project}`);
  }
}

/**
 * The line that says which columns are read as the project types their keys, or none when no column is: a cell
 * of such a column that does not read as its type is an error on that cell, blocking its span only.
 */
export function projectTypesLines(model: SheetModel, project: string): string[] {
  const typed = model.columns.flatMap((column) => {
    const type = projectTypeOf(column, model.projectTypes);
    return type === null ? [] : [`${column.name} as ${type}`];
  });
  if (typed.length === 0) return [];
  return [
    `  Read as project ${project} types these keys: ${typed.join(', ')} (a value that does not fit is an error on its span only).`,
  ];
}
