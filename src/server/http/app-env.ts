import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AuthVariables } from './auth';
import type { BodyLease } from './body-budget';

/** What middleware sets for the routes besides auth. */
export interface RequestVariables extends AuthVariables {
  /** This request's share of the server's request-body budget. */
  bodyLease: BodyLease;
  /** This request's ID, sent back as X-Request-Id (see request-context.ts). */
  requestId: string;
  /** The server's logger with this request's ID; `requestLog(c)` adds its key and project. */
  requestLogger: Logger;
  /** True when the answer is a file of the built app (for the metrics' route label). */
  servedFile?: boolean;
}

/** The Hono environment of the server's app: Node bindings and what middleware sets for the routes. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: RequestVariables;
}
