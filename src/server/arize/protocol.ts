import protobuf from 'protobufjs';
import { arizeProtoText } from './proto/arize-proto';
import { FLIGHT_PROTO } from './proto/flight-proto';

/** The protobuf messages of Arrow Flight and of Arize, parsed once from the vendored texts. */
function parseRoot(): protobuf.Root {
  const root = new protobuf.Root();
  const timestamp = protobuf.common.get('google/protobuf/timestamp.proto');
  if (timestamp?.nested) root.addJSON(timestamp.nested);
  protobuf.parse(FLIGHT_PROTO, root, { keepCase: true });
  protobuf.parse(arizeProtoText, root, { keepCase: true });
  root.resolveAll();
  return root;
}

const root = parseRoot();

/** The gRPC service path of Arrow Flight's calls. */
export const FLIGHT_SERVICE = '/arrow.flight.protocol.FlightService';

export const flightDescriptorType = root.lookupType('arrow.flight.protocol.FlightDescriptor');
export const flightDataType = root.lookupType('arrow.flight.protocol.FlightData');
export const putResultType = root.lookupType('arrow.flight.protocol.PutResult');
export const flightInfoType = root.lookupType('arrow.flight.protocol.FlightInfo');
export const ticketType = root.lookupType('arrow.flight.protocol.Ticket');
export const actionType = root.lookupType('arrow.flight.protocol.Action');
export const resultType = root.lookupType('arrow.flight.protocol.Result');
export const arizeSchemaType = root.lookupType('public.Schema');
export const writeMetadataResponseType = root.lookupType('public.WriteSpanAttributesMetadataResponse');

/** FlightDescriptor.DescriptorType.CMD: an opaque command (Arize's is JSON text). */
export const DESCRIPTOR_TYPE_CMD = 2;

export interface FlightDescriptor {
  type: number;
  cmd: Uint8Array;
  path: string[];
}

/** One message of a DoPut or DoGet stream: an Arrow IPC message (header and body) and app metadata. */
export interface FlightData {
  flight_descriptor?: FlightDescriptor | null;
  data_header: Uint8Array;
  app_metadata: Uint8Array;
  data_body: Uint8Array;
}

export interface PutResult {
  app_metadata: Uint8Array;
}

export interface FlightEndpoint {
  ticket?: { ticket: Uint8Array } | null;
  location: { uri: string }[];
}

export interface FlightInfo {
  schema: Uint8Array;
  flight_descriptor?: FlightDescriptor | null;
  endpoint: FlightEndpoint[];
  /** -1 when unknown (Flight's convention). */
  total_records: number;
  total_bytes: number;
}

const toObjectOptions: protobuf.IConversionOptions = {
  longs: Number,
  defaults: true,
  arrays: true,
};

/** Encodes a message of the given type to its protobuf bytes. */
export function encodeMessage(type: protobuf.Type, value: object): Uint8Array {
  return type.encode(type.fromObject(value)).finish();
}

/** Decodes protobuf bytes into a plain object (int64 as numbers, bytes as Uint8Array); throws on malformed bytes. */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array): T {
  return type.toObject(type.decode(bytes), toObjectOptions) as T;
}
