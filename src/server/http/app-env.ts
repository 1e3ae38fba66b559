import type { HttpBindings } from '@hono/node-server';
import type { AuthVariables } from './auth';

/** The Hono environment of the server's app: Node bindings and what middleware sets for the routes. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: AuthVariables;
}
