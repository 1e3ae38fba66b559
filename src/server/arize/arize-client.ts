import { Metadata } from '@grpc/grpc-js';
import { findResponseContradiction, type PatchResponse } from '@/core/api';
import type { StoredPatch } from '@/core/patch';
import { compactJson } from '@/core/text';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { patchFlightData, recordBatchesOf } from './arrow-ipc';
import type { ArizeConfig } from './config';
import { spansOfRecordBatch } from './exported-spans';
import { type ArizeFailure, ArizeLoadError, describeAddress, failureOfCall } from './failures';
import { FlightTransport } from './flight-transport';
import {
  decodeMessage,
  DESCRIPTOR_TYPE_CMD,
  type FlightData,
  type PutResult,
  writeMetadataResponseType,
} from './protocol';
import {
  arizeSchemaMetadata,
  identificationHeaders,
  metadataDoPutCommand,
  ORIGIN_HEADER,
  spansExportCommand,
} from './sdk-requests';
import { withoutSecret } from './secret';

/** Milliseconds one call to Arize may take by default (SPEC §7's 30 s per attempt). */
export const DEFAULT_ARIZE_TIMEOUT_MS = 30_000;
/** The longest window of one load from Arize (SPEC §14). */
export const MAX_LOAD_WINDOW_DAYS = 31;

/** One span of a write: its ID and its merged patch in stored form (SPEC §3, §4). */
export interface SpanMetadataPatch {
  span_id: string;
  patch_document: Readonly<StoredPatch>;
}

/** One batch of SPEC §6 (at most 10,000 spans), for the Arize project it goes to. */
export interface SpanMetadataBatch {
  /** The Arize project's name (the right side of a SPANPATCH_ARIZE_PROJECTS entry). */
  arizeProject: string;
  spans: readonly SpanMetadataPatch[];
}

/** Arize's answer to a batch in SPEC §6's form (without `submission_id`, which the caller adds), or why none. */
export type ArizeWriteResult =
  { ok: true; response: Omit<PatchResponse, 'submission_id'> } | { ok: false; failure: ArizeFailure };

/** What one call may take and what cancels it. */
export interface ArizeCallOptions {
  /** Milliseconds; the client's default otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One page of a load from Arize: the spans of one exported record batch. */
export interface ArizeSpansPage {
  spans: IncomingSpan[];
  /** Rows of this page left out: no span ID or no trace ID. */
  skipped: number;
  /** The rows Arize said the whole export holds, or null when it did not say. */
  totalRecords: number | null;
}

/** Whether Arize answers and takes the key, for Settings' Test connection. */
export type ArizeConnectionCheck =
  | { status: 'ok' }
  | { status: 'unreachable' | 'key_refused' | 'project_unknown' | 'error'; failure: ArizeFailure };

/** The calls Spanpatch makes to Arize AX (SPEC §14), over one Flight connection. */
export interface ArizeClient {
  /**
   * Sends one §6 batch to Arize as one DoPut, built as the SDK's `spans.update_metadata` builds it. Never throws:
   * Arize's answer as a §6 response, or a typed failure (unreachable, timeout, key refused, an error status, an
   * unreadable answer, or counts that contradict the request) with a plain reason for `[connection_failure]`.
   */
  writeSpanMetadata(batch: SpanMetadataBatch, options?: ArizeCallOptions): Promise<ArizeWriteResult>;
  /**
   * Reads a window's spans (at most 31 days) with the SDK's export query (GetFlightInfo, then DoGet), a page per
   * exported record batch. A failure of Arize is thrown as ArizeLoadError; a window that is not one (end not after
   * start, or longer than 31 days: check it first with `checkLoadWindow`) as a RangeError.
   */
  loadSpans(
    query: { arizeProject: string; start: Date; end: Date },
    options?: ArizeCallOptions,
  ): AsyncGenerator<ArizeSpansPage>;
  /** Asks Arize about a project (an export query of the last minute): ok, unreachable, key refused, unknown project. */
  checkConnection(arizeProject: string, options?: ArizeCallOptions): Promise<ArizeConnectionCheck>;
  /** Closes the connection. */
  close(): void;
}

/** Null when `start`–`end` is a window one load may read (end after start, at most 31 days), else why not. */
export function checkLoadWindow(start: Date, end: Date): string | null {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    return 'start and end must be valid times';
  if (end.getTime() <= start.getTime()) return 'end must be after start';
  if (end.getTime() - start.getTime() > MAX_LOAD_WINDOW_DAYS * 86_400_000) {
    return `a load reads at most ${MAX_LOAD_WINDOW_DAYS} days at a time`;
  }
  return null;
}

interface WriteAnswer {
  spans_processed: number;
  spans_updated: number;
  spans_failed: number;
  errors: { span_id: string; error_message: string }[];
}

/** Reads the first PutResult of a metadata DoPut as Arize's answer, or says why it cannot be one. */
function readWriteAnswer(
  results: readonly PutResult[],
  spanIds: readonly string[],
  apiKey: string,
): ArizeWriteResult {
  const first = results[0];
  if (!first) {
    return {
      ok: false,
      failure: {
        kind: 'bad_answer',
        reason:
          'Arize AX ended the call without an answer (no PutResult); whether it applied the batch is unknown',
        outcomeUnknown: true,
        grpcStatus: null,
      },
    };
  }
  let answer: WriteAnswer;
  try {
    answer = decodeMessage<WriteAnswer>(writeMetadataResponseType, first.app_metadata);
  } catch (error) {
    const why = withoutSecret(error instanceof Error ? error.message : String(error), apiKey);
    return {
      ok: false,
      failure: {
        kind: 'bad_answer',
        reason: `Arize AX answered with something that is not a metadata answer (${why.slice(0, 200)}); whether it applied the batch is unknown`,
        outcomeUnknown: true,
        grpcStatus: null,
      },
    };
  }
  const contradiction = findResponseContradiction(spanIds, answer);
  if (contradiction !== null) {
    return {
      ok: false,
      failure: {
        kind: 'contradicting_counts',
        reason: `Arize AX's answer contradicts the request: ${withoutSecret(contradiction, apiKey)}; whether it applied the batch is unknown`,
        outcomeUnknown: true,
        grpcStatus: null,
      },
    };
  }
  return {
    ok: true,
    response: {
      spans_processed: answer.spans_processed,
      spans_updated: answer.spans_updated,
      spans_unchanged: 0,
      spans_failed: answer.spans_failed,
      errors: answer.errors.map(({ span_id, error_message }) => ({ span_id, error_message })),
    },
  };
}

/**
 * A client of Arize AX's Flight endpoint for the space and key of the configuration. One connection, opened at
 * the first call; `close()` ends it.
 */
export function createArizeClient(
  config: Pick<ArizeConfig, 'spaceId' | 'apiKey' | 'flight'>,
  options: { timeoutMs?: number } = {},
): ArizeClient {
  const defaultTimeout = options.timeoutMs ?? DEFAULT_ARIZE_TIMEOUT_MS;
  const identification = identificationHeaders();
  // NOTE: the SDK's header order (`_headers.py` `_builtin_flight_headers`): origin, the key, then identification.
  const headers = () => {
    const metadata = new Metadata();
    metadata.set('origin', ORIGIN_HEADER);
    metadata.set('auth-token-bin', Buffer.from(config.apiKey, 'utf8'));
    for (const [key, value] of Object.entries(identification)) metadata.set(key, value);
    return metadata;
  };
  const transport = new FlightTransport(config.flight, headers);
  const encoder = new TextEncoder();
  const failureContext = (timeoutMs: number, sent: boolean, project?: string) => ({
    address: config.flight,
    apiKey: config.apiKey,
    timeoutMs,
    sent,
    ...(project === undefined ? {} : { project }),
  });

  async function writeSpanMetadata(
    batch: SpanMetadataBatch,
    callOptions: ArizeCallOptions = {},
  ): Promise<ArizeWriteResult> {
    const spanIds = batch.spans.map((span) => span.span_id);
    if (spanIds.length === 0) {
      return {
        ok: true,
        response: { spans_processed: 0, spans_updated: 0, spans_unchanged: 0, spans_failed: 0, errors: [] },
      };
    }
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    let messages: FlightData[];
    try {
      const rows = batch.spans.map((span) => ({
        spanId: span.span_id,
        patchJson: compactJson(span.patch_document),
      }));
      const [schema, ...rest] = patchFlightData(rows, arizeSchemaMetadata(batch.arizeProject));
      if (!schema) throw new Error('no schema message');
      const command = encoder.encode(metadataDoPutCommand(config.spaceId, batch.arizeProject));
      messages = [
        { ...schema, flight_descriptor: { type: DESCRIPTOR_TYPE_CMD, cmd: command, path: [] } },
        ...rest,
      ];
    } catch (error) {
      const why = withoutSecret(error instanceof Error ? error.message : String(error), config.apiKey);
      return {
        ok: false,
        failure: {
          kind: 'bad_answer',
          reason: `the batch could not be encoded for Arize AX: ${why}`,
          outcomeUnknown: false,
          grpcStatus: null,
        },
      };
    }
    try {
      const results = await transport.doPut(messages, { timeoutMs, signal: callOptions.signal });
      return readWriteAnswer(results, spanIds, config.apiKey);
    } catch (error) {
      return {
        ok: false,
        failure: failureOfCall(error, failureContext(timeoutMs, true, batch.arizeProject)),
      };
    }
  }

  async function* loadSpans(
    query: { arizeProject: string; start: Date; end: Date },
    callOptions: ArizeCallOptions = {},
  ): AsyncGenerator<ArizeSpansPage> {
    const windowProblem = checkLoadWindow(query.start, query.end);
    if (windowProblem !== null) throw new RangeError(windowProblem);
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const limits = { timeoutMs, signal: callOptions.signal };
    const command = spansExportCommand(config.spaceId, query.arizeProject, query.start, query.end);
    let info;
    try {
      info = await transport.getFlightInfo(
        { type: DESCRIPTOR_TYPE_CMD, cmd: encoder.encode(command), path: [] },
        limits,
      );
    } catch (error) {
      throw new ArizeLoadError(failureOfCall(error, failureContext(timeoutMs, false, query.arizeProject)));
    }
    // NOTE: as the SDK (`_exporter/client.py`): no records, no DoGet.
    if (info.total_records === 0) return;
    const totalRecords = info.total_records > 0 ? info.total_records : null;
    // NOTE: the SDK reads endpoints[0] only; Flight says every endpoint holds part of the data, so all are read.
    for (const endpoint of info.endpoint) {
      const ticket = endpoint.ticket?.ticket;
      if (!ticket) continue;
      try {
        for await (const batch of recordBatchesOf(transport.doGet(ticket, limits))) {
          yield { ...spansOfRecordBatch(batch), totalRecords };
        }
      } catch (error) {
        if (error instanceof ArizeLoadError) throw error;
        throw new ArizeLoadError(failureOfCall(error, failureContext(timeoutMs, false, query.arizeProject)));
      }
    }
  }

  async function checkConnection(
    arizeProject: string,
    callOptions: ArizeCallOptions = {},
  ): Promise<ArizeConnectionCheck> {
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const end = new Date();
    const start = new Date(end.getTime() - 60_000);
    const command = spansExportCommand(config.spaceId, arizeProject, start, end);
    try {
      await transport.getFlightInfo(
        { type: DESCRIPTOR_TYPE_CMD, cmd: encoder.encode(command), path: [] },
        { timeoutMs, signal: callOptions.signal },
      );
      return { status: 'ok' } as const;
    } catch (error) {
      const failure = failureOfCall(error, failureContext(timeoutMs, false, arizeProject));
      switch (failure.kind) {
        case 'unreachable':
        case 'timeout':
          return { status: 'unreachable', failure } as const;
        case 'key_refused':
        case 'project_unknown':
          return { status: failure.kind, failure } as const;
        default:
          return { status: 'error', failure } as const;
      }
    }
  }

  return {
    writeSpanMetadata,
    loadSpans,
    checkConnection,
    close: () => transport.close(),
  };
}

/** Where a client of this configuration sends its calls, for a message: `host:port`. */
export function arizeAddress(config: Pick<ArizeConfig, 'flight'>): string {
  return describeAddress(config.flight);
}
