import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERROR_TYPES, parseErrorMessage, type PatchResponse } from '@/core/api';
import type { SpanStore, StoreUnavailableReason } from '@/server/store';

/** The error types a failed span is counted under; a message of any other type counts as `unknown`. */
const COUNTED_ERROR_TYPES: ReadonlySet<string> = new Set([...ERROR_TYPES, 'revert_conflict', 'unknown']);

/** Seconds: up to a minute, since a batch of 10,000 spans on a busy database takes seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The server's Prometheus metrics (GET /metrics with SPANPATCH_METRICS=1), in a registry of its own: requests by
 * route pattern and status with their durations, spans by outcome, batches, the store's refusals, its connections,
 * and the process's own metrics when `processMetrics` is set.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly spansApplied: Counter;
  private readonly spansUnchanged: Counter;
  private readonly spansFailed: Counter<'error_type'>;
  private readonly batches: Counter<'kind'>;
  private readonly storeErrors: Counter<'reason'>;
  private readonly bodiesParsed: Counter<'thread'>;

  constructor(store: SpanStore, options: { processMetrics: boolean }) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'spanpatch_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'spanpatch_http_request_duration_seconds',
      help: 'How long requests took to answer, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.bodiesParsed = new Counter({
      name: 'spanpatch_write_bodies_parsed_total',
      help: 'Metadata write bodies read and checked, by where: parse_thread (large bodies) or event_loop',
      labelNames: ['thread'],
      registers,
    });
    this.spansApplied = new Counter({
      name: 'spanpatch_spans_applied_total',
      help: 'Spans whose metadata a batch changed (patches and reverts); those already up to date are not counted',
      registers,
    });
    this.spansUnchanged = new Counter({
      name: 'spanpatch_spans_unchanged_total',
      help: 'Spans a batch found up to date already (counted as updated in its answer)',
      registers,
    });
    this.spansFailed = new Counter({
      name: 'spanpatch_spans_failed_total',
      help: 'Spans a batch could not change, by error type',
      labelNames: ['error_type'],
      registers,
    });
    this.batches = new Counter({
      name: 'spanpatch_submission_batches_total',
      help: 'Batches applied (a replay of an Idempotency-Key and a dry run not counted), by kind: patch or revert',
      labelNames: ['kind'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'spanpatch_store_errors_total',
      help: 'Requests answered 503 because the store could not read or write, by reason',
      labelNames: ['reason'],
      registers,
    });
    const load = store.load();
    if (load.pools.length > 0) {
      new Gauge({
        name: 'spanpatch_db_pool_connections',
        help: 'PostgreSQL connections by pool: open (total), idle, and queries waiting for one (waiting)',
        labelNames: ['pool', 'state'],
        registers,
        collect() {
          for (const pool of store.load().pools) {
            this.set({ pool: pool.name, state: 'total' }, pool.total);
            this.set({ pool: pool.name, state: 'idle' }, pool.idle);
            this.set({ pool: pool.name, state: 'waiting' }, pool.waiting);
          }
        },
      });
    }
    if (load.queuedWrites !== null) {
      new Gauge({
        name: 'spanpatch_sqlite_write_queue',
        help: 'Writes sent to the SQLite write thread and not answered yet',
        registers,
        collect() {
          this.set(store.load().queuedWrites ?? 0);
        },
      });
    }
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered request; `route` is its pattern (`/api/v1/projects/{project}/spans`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** A batch a store applied (not a replay, not a dry run): its spans by outcome, failures by error type. */
  /** Counts a write body read and checked, on a parse thread or on the event loop. */
  recordBodyParsed(thread: 'parse_thread' | 'event_loop'): void {
    this.bodiesParsed.inc({ thread });
  }

  recordBatch(kind: 'patch' | 'revert', response: PatchResponse): void {
    this.batches.inc({ kind });
    // NOTE: spans_updated includes the spans already up to date (SPEC §6): applied and unchanged never overlap here.
    const unchanged = response.spans_unchanged ?? 0;
    this.spansApplied.inc(Math.max(0, response.spans_updated - unchanged));
    this.spansUnchanged.inc(unchanged);
    for (const error of response.errors) {
      const { type } = parseErrorMessage(error.error_message);
      this.spansFailed.inc({ error_type: COUNTED_ERROR_TYPES.has(type) ? type : 'unknown' });
    }
    const unlisted = response.spans_failed - response.errors.length;
    if (unlisted > 0) this.spansFailed.inc({ error_type: 'unknown' }, unlisted);
  }

  /** A request the store refused (503), by why. */
  storeError(reason: StoreUnavailableReason): void {
    this.storeErrors.inc({ reason });
  }

  /** The metrics in Prometheus's text format, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
