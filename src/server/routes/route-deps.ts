import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { ArizeClient, ArizeConfig } from '@/server/arize';
import type { BodyParsePool } from '@/server/http/body-parse-pool';
import type { ServerMetrics } from '@/server/metrics';
import type { AccessStore, SpanStore } from '@/server/store';

/** What the routes need from the server. */
export interface RouteDeps {
  store: SpanStore;
  maxBodyBytes: number;
  logger: Logger;
  metrics: ServerMetrics;
  /** The link to Arize AX (SPEC §14): its configuration and client; null when no project is linked. */
  arize: ArizeLink | null;
  /** People's sessions, keys, the audit and who sent each submission (SPEC §16); null on a server without sign-in. */
  access: AccessStore | null;
  /** The thread that reads large write bodies off the event loop; null: they are read on it. */
  bodyParsePool: BodyParsePool | null;
  /** The client's address of a request, for the audit. */
  clientAddress: (c: Context) => string;
}

/** Projects linked to Arize AX and the client that writes to it. */
export interface ArizeLink {
  config: ArizeConfig;
  client: ArizeClient;
}
