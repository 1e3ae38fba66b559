import type { Logger } from 'pino';
import type { ServerMetrics } from '@/server/metrics';
import type { SpanStore } from '@/server/store';

/** What the routes need from the server. */
export interface RouteDeps {
  store: SpanStore;
  maxBodyBytes: number;
  logger: Logger;
  metrics: ServerMetrics;
}
