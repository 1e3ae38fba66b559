import type { HttpBindings } from '@hono/node-server';
import type { AuthVariables } from './auth';
import type { BodyLease } from './body-budget';

/** What middleware sets for the routes besides auth. */
export interface RequestVariables extends AuthVariables {
  /** This request's share of the server's request-body budget. */
  bodyLease: BodyLease;
}

/** The Hono environment of the server's app: Node bindings and what middleware sets for the routes. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: RequestVariables;
}
