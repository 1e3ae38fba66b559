import { status } from '@grpc/grpc-js';
import { formatErrorMessage, type PatchResponse } from '@/core/api';
import { FlightCallError, type FlightEndpointAddress } from './flight-transport';
import { withoutSecret } from './secret';

/**
 * Why a call to Arize did not give a usable answer:
 * - `unreachable`: no connection (refused, unknown host, TLS failed) or it broke;
 * - `timeout`: no answer within the time limit;
 * - `key_refused`: Arize refused the API key (UNAUTHENTICATED) or its access (PERMISSION_DENIED);
 * - `project_unknown`: Arize knows no such project in the space (NOT_FOUND);
 * - `rejected`: any other gRPC error status Arize answered with;
 * - `bad_answer`: an answer that cannot be read (no PutResult, bytes that are not the response protobuf);
 * - `contradicting_counts`: an answer whose counts contradict the request (SPEC §7);
 * - `cancelled`: the caller cancelled the call.
 */
export type ArizeFailureKind =
  | 'unreachable'
  | 'timeout'
  | 'key_refused'
  | 'project_unknown'
  | 'rejected'
  | 'bad_answer'
  | 'contradicting_counts'
  | 'cancelled';

/** A call to Arize that failed, in plain words that never hold the API key. */
export interface ArizeFailure {
  kind: ArizeFailureKind;
  /** What happened, for a person: `[connection_failure] <reason>` on each span of a write. */
  reason: string;
  /**
   * For a write: Arize may have applied the batch although no answer came (a timeout, a cancel, a call cut off
   * after it was sent). Sending it again is safe: a metadata patch sets the same values again.
   */
  outcomeUnknown: boolean;
  /** The gRPC status code's name when Arize (or gRPC) answered with one, e.g. `UNAUTHENTICATED`. */
  grpcStatus: string | null;
}

/** Thrown by `loadSpans` (an iteration cannot return a failure): the failure, typed. */
export class ArizeLoadError extends Error {
  constructor(readonly failure: ArizeFailure) {
    super(failure.reason);
    this.name = 'ArizeLoadError';
  }
}

const MAX_DETAILS = 300;

function shortDetails(details: string, apiKey: string): string {
  const clean = withoutSecret(details.replace(/\s+/g, ' ').trim(), apiKey);
  return clean.length > MAX_DETAILS ? `${clean.slice(0, MAX_DETAILS)}…` : clean;
}

function whyUnreachable(details: string): string {
  if (/ECONNREFUSED/.test(details)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed|DNS resolution failed/i.test(details))
    return 'host name not found';
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(details)) return 'no route to the host';
  if (/ECONNRESET|socket hang up|Connection dropped|GOAWAY|RST_STREAM/i.test(details))
    return 'the connection was cut off';
  if (/SSL|TLS|certificate|handshake/i.test(details)) return 'the TLS handshake failed';
  return 'no connection';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where Arize is, for a message: `host:port`. */
export function describeAddress(address: FlightEndpointAddress): string {
  return `${address.host}:${address.port}`;
}

/**
 * The failure of a Flight call, from its error: the gRPC status decides the kind; the message says what happened
 * in plain words and never holds the API key. `sent` says whether the call's data had been handed to gRPC (a write
 * cut off after that has an unknown outcome).
 */
export function failureOfCall(
  error: unknown,
  context: {
    address: FlightEndpointAddress;
    apiKey: string;
    timeoutMs: number;
    sent: boolean;
    project?: string;
  },
): ArizeFailure {
  const where = describeAddress(context.address);
  if (!(error instanceof FlightCallError)) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      kind: 'bad_answer',
      reason: `the call to Arize AX at ${where} failed: ${shortDetails(text, context.apiKey)}`,
      outcomeUnknown: context.sent,
      grpcStatus: null,
    };
  }
  const details = shortDetails(error.details, context.apiKey);
  const grpcStatus = status[error.code] ?? String(error.code);
  switch (error.code) {
    case status.UNAVAILABLE: {
      const neverConnected = /No connection established|Name resolution failed|DNS resolution failed/i.test(
        error.details,
      );
      return {
        kind: 'unreachable',
        reason: `Arize AX could not be reached at ${where} (${whyUnreachable(error.details)})`,
        outcomeUnknown: context.sent && !neverConnected,
        grpcStatus,
      };
    }
    case status.DEADLINE_EXCEEDED:
      return {
        kind: 'timeout',
        reason: `Arize AX at ${where} did not answer within ${seconds(context.timeoutMs)}${context.sent ? '; it may have applied the batch, and sending it again sets the same values' : ''}`,
        outcomeUnknown: context.sent,
        grpcStatus,
      };
    case status.UNAUTHENTICATED:
      return {
        kind: 'key_refused',
        reason: `Arize AX refused the API key (ARIZE_API_KEY)${details ? `: ${details}` : ''}`,
        outcomeUnknown: false,
        grpcStatus,
      };
    case status.PERMISSION_DENIED:
      return {
        kind: 'key_refused',
        reason: `Arize AX refused access with this API key (ARIZE_API_KEY, ARIZE_SPACE_ID)${details ? `: ${details}` : ''}`,
        outcomeUnknown: false,
        grpcStatus,
      };
    case status.NOT_FOUND:
      return {
        kind: 'project_unknown',
        reason: `Arize AX knows no project${context.project === undefined ? '' : ` '${context.project}'`} in this space${details ? `: ${details}` : ''}`,
        outcomeUnknown: false,
        grpcStatus,
      };
    case status.CANCELLED:
      return {
        kind: 'cancelled',
        reason: `the call to Arize AX was cancelled${context.sent ? '; it may have applied the batch, and sending it again sets the same values' : ''}`,
        outcomeUnknown: context.sent,
        grpcStatus,
      };
    default:
      return {
        kind: 'rejected',
        reason: `Arize AX answered with an error (${grpcStatus})${details ? `: ${details}` : ''}`,
        outcomeUnknown: false,
        grpcStatus,
      };
  }
}

/**
 * The §6 answer for a batch whose write failed: every span fails with `[connection_failure] <reason>` and nothing
 * counts as updated (SPEC §14).
 */
export function connectionFailureResponse(
  spanIds: readonly string[],
  failure: ArizeFailure,
): Omit<PatchResponse, 'submission_id'> {
  const message = formatErrorMessage('connection_failure', failure.reason);
  return {
    spans_processed: spanIds.length,
    spans_updated: 0,
    spans_unchanged: 0,
    spans_failed: spanIds.length,
    errors: spanIds.map((span_id) => ({ span_id, error_message: message })),
  };
}
