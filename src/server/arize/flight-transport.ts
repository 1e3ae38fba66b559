import * as grpc from '@grpc/grpc-js';
import {
  actionType,
  decodeMessage,
  encodeMessage,
  FLIGHT_SERVICE,
  flightDataType,
  type FlightData,
  type FlightDescriptor,
  flightDescriptorType,
  type FlightInfo,
  flightInfoType,
  type PutResult,
  putResultType,
  resultType,
  ticketType,
} from './protocol';

/** Where Arize's Flight endpoint is: `ARIZE_FLIGHT_HOST`, `_PORT`, `_SCHEME` (grpc+tls, or grpc on loopback). */
export interface FlightEndpointAddress {
  host: string;
  port: number;
  scheme: 'grpc+tls' | 'grpc';
}

/** How long a call may take and what cancels it. */
export interface FlightCallLimits {
  /** Milliseconds the whole call may take (for DoGet: the longest wait for the next message). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** A Flight call that did not end well: its gRPC status code and the details the status carried. */
export class FlightCallError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${grpc.status[code] ?? code}: ${details}`);
    this.name = 'FlightCallError';
  }
}

function toCallError(error: unknown): FlightCallError {
  if (error instanceof FlightCallError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    const details = 'details' in error && typeof error.details === 'string' ? error.details : '';
    return new FlightCallError(error.code, details);
  }
  return new FlightCallError(grpc.status.UNKNOWN, error instanceof Error ? error.message : String(error));
}

function serializer<T extends object>(type: Parameters<typeof encodeMessage>[0]) {
  return (value: T) => Buffer.from(encodeMessage(type, value));
}

function deserializer<T>(type: Parameters<typeof decodeMessage>[0]) {
  return (bytes: Buffer) => decodeMessage<T>(type, bytes);
}

const serializeFlightData = serializer<FlightData>(flightDataType);
const deserializeFlightData = deserializer<FlightData>(flightDataType);
const deserializePutResult = deserializer<PutResult>(putResultType);

/**
 * The calls of Arrow Flight Spanpatch makes, over one gRPC channel (@grpc/grpc-js, the messages encoded with
 * protobufjs from the vendored Flight.proto): DoPut, GetFlightInfo, DoGet and DoAction. Every call carries the
 * headers given at construction and ends within its time limit; each failure is a FlightCallError.
 */
export class FlightTransport {
  private readonly client: grpc.Client;

  constructor(
    address: FlightEndpointAddress,
    private readonly headers: () => grpc.Metadata,
  ) {
    const credentials =
      address.scheme === 'grpc+tls' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    const host =
      address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
    this.client = new grpc.Client(`${host}:${address.port}`, credentials, {
      // NOTE: a batch of 10,000 patches, or a page of exported spans, can exceed gRPC's 4 MB default.
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      // NOTE: after Arize was unreachable, try again within seconds (gRPC's default backoff grows to 2 minutes).
      'grpc.max_reconnect_backoff_ms': 5_000,
    });
  }

  private callOptions(timeoutMs: number): grpc.CallOptions {
    return { deadline: Date.now() + timeoutMs };
  }

  /**
   * DoPut: sends the messages (the first carries the descriptor), closes the sending side (pyarrow's
   * `done_writing`), and answers the PutResults once the call ended with status OK.
   */
  doPut(messages: readonly FlightData[], limits: FlightCallLimits): Promise<PutResult[]> {
    return new Promise((resolve, reject) => {
      if (limits.signal?.aborted) {
        reject(new FlightCallError(grpc.status.CANCELLED, 'cancelled before it was sent'));
        return;
      }
      const call = this.client.makeBidiStreamRequest<FlightData, PutResult>(
        `${FLIGHT_SERVICE}/DoPut`,
        serializeFlightData,
        deserializePutResult,
        this.headers(),
        this.callOptions(limits.timeoutMs),
      );
      const onAbort = () => call.cancel();
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      const results: PutResult[] = [];
      let failed = false;
      call.on('data', (result: PutResult) => results.push(result));
      call.on('error', (error) => {
        failed = true;
        limits.signal?.removeEventListener('abort', onAbort);
        reject(toCallError(error));
      });
      call.on('end', () => {
        limits.signal?.removeEventListener('abort', onAbort);
        if (!failed) resolve(results);
      });
      const send = async () => {
        for (const message of messages) {
          if (failed) return;
          if (!call.write(message)) await new Promise<void>((drained) => call.once('drain', drained));
        }
        call.end();
      };
      void send();
    });
  }

  /** GetFlightInfo: the FlightInfo of a descriptor. */
  getFlightInfo(descriptor: FlightDescriptor, limits: FlightCallLimits): Promise<FlightInfo> {
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest<FlightDescriptor, FlightInfo>(
        `${FLIGHT_SERVICE}/GetFlightInfo`,
        serializer<FlightDescriptor>(flightDescriptorType),
        deserializer<FlightInfo>(flightInfoType),
        descriptor,
        this.headers(),
        this.callOptions(limits.timeoutMs),
        (error, info) => {
          limits.signal?.removeEventListener('abort', onAbort);
          if (error || !info) reject(toCallError(error ?? new Error('no FlightInfo in the answer')));
          else resolve(info);
        },
      );
      const onAbort = () => call.cancel();
      if (limits.signal?.aborted) call.cancel();
      else limits.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * DoGet: the FlightData of a ticket, as they arrive. The time limit applies to each wait for the next message,
   * so a long export that keeps sending is never cut off, and one that stalls is.
   */
  async *doGet(ticket: Uint8Array, limits: FlightCallLimits): AsyncGenerator<FlightData> {
    const call = this.client.makeServerStreamRequest<{ ticket: Uint8Array }, FlightData>(
      `${FLIGHT_SERVICE}/DoGet`,
      serializer<{ ticket: Uint8Array }>(ticketType),
      deserializeFlightData,
      { ticket },
      this.headers(),
    );
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        call.cancel();
      }, limits.timeoutMs);
    };
    const onAbort = () => call.cancel();
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    if (limits.signal?.aborted) call.cancel();
    arm();
    try {
      for await (const data of call as AsyncIterable<FlightData>) {
        arm();
        yield data;
      }
    } catch (error) {
      const callError = toCallError(error);
      if (stalled && callError.code === grpc.status.CANCELLED) {
        throw new FlightCallError(grpc.status.DEADLINE_EXCEEDED, `no data for ${limits.timeoutMs} ms`);
      }
      throw callError;
    } finally {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  /** DoAction: the bodies of the action's results. */
  async doAction(type: string, body: Uint8Array, limits: FlightCallLimits): Promise<Uint8Array[]> {
    const call = this.client.makeServerStreamRequest<
      { type: string; body: Uint8Array },
      { body: Uint8Array }
    >(
      `${FLIGHT_SERVICE}/DoAction`,
      serializer<{ type: string; body: Uint8Array }>(actionType),
      deserializer<{ body: Uint8Array }>(resultType),
      { type, body },
      this.headers(),
      { ...this.callOptions(limits.timeoutMs) },
    );
    const bodies: Uint8Array[] = [];
    try {
      for await (const result of call as AsyncIterable<{ body: Uint8Array }>) bodies.push(result.body);
    } catch (error) {
      throw toCallError(error);
    }
    return bodies;
  }

  /** Closes the channel; calls in flight end with CANCELLED. */
  close(): void {
    this.client.close();
  }
}
