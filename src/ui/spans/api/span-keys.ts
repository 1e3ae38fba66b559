import type { SpanFilter } from '@/core/api';
import { projectKey, type ServerConnection } from '@/ui/settings';

/** The query keys of what the Spans tab reads of a project's spans, in one place. */
export const spanKeys = {
  /** Everything read of a project's spans. */
  all: (connection: ServerConnection, project: string) =>
    [...projectKey(connection, project), 'spans'] as const,
  search: (connection: ServerConnection, project: string, filter: SpanFilter) =>
    [...spanKeys.all(connection, project), 'search', filter] as const,
  span: (connection: ServerConnection, project: string, spanId: string) =>
    [...spanKeys.all(connection, project), 'span', spanId] as const,
};
