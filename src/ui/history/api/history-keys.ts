import { projectKey, type ServerConnection, serverKey } from '@/ui/settings';

/** The query keys of what History reads: one place, so a refresh or a revert names exactly what it reads again. */
export const historyKeys = {
  /** Everything read of a project's submissions: the list, each submission, its changes and errors. */
  all: (connection: ServerConnection, project: string) =>
    [...projectKey(connection, project), 'submissions'] as const,
  /** The list of a project's submissions: everyone's (`person` null), or one person's (their subject). */
  list: (connection: ServerConnection, project: string, person: string | null = null) =>
    [...historyKeys.all(connection, project), 'list', person] as const,
  submission: (connection: ServerConnection, project: string, id: string) =>
    [...historyKeys.all(connection, project), 'submission', id] as const,
  /** A submission's changes or errors matching a search (empty: all). */
  records: (
    connection: ServerConnection,
    project: string,
    id: string,
    records: 'changes' | 'errors',
    search: string,
  ) => [...historyKeys.submission(connection, project, id), records, search] as const,
  /**
   * What a revert would do (its dry run). NOTE: outside the project's reads, so the revert that follows (which
   * marks those out of date) does not ask the dialog's dry run again.
   */
  revertPlan: (connection: ServerConnection, id: string) =>
    [...serverKey(connection), 'revert-plan', id] as const,
};
