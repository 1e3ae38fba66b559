import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { ServerMetrics } from '@/server/metrics';
import type { AccessStore, SpanStore } from '@/server/store';

/** What the routes need from the server. */
export interface RouteDeps {
  store: SpanStore;
  maxBodyBytes: number;
  logger: Logger;
  metrics: ServerMetrics;
  /** People's sessions, keys, the audit and who sent each submission (SPEC §16); null on a server without sign-in. */
  access: AccessStore | null;
  /** The client's address of a request, for the audit. */
  clientAddress: (c: Context) => string;
}
