/**
 * Arize AX as a target (SPEC §14): the configuration that links projects to Arize, and the client of Arize's Arrow
 * Flight endpoint that writes metadata patches (one DoPut per §6 batch, built as the Arize SDK's
 * `spans.update_metadata` builds it), loads spans (the SDK's export query) and checks the connection.
 */
export { parseArizeConfig, isLoopbackHost, DEFAULT_FLIGHT_ADDRESS } from './config';
export type { ArizeConfig, ArizeConfigResult, ArizeEnvironment } from './config';
export {
  createArizeClient,
  checkLoadWindow,
  arizeAddress,
  DEFAULT_ARIZE_TIMEOUT_MS,
  MAX_LOAD_WINDOW_DAYS,
} from './arize-client';
export type {
  ArizeClient,
  ArizeCallOptions,
  ArizeConnectionCheck,
  ArizeSpansPage,
  ArizeWriteResult,
  SpanMetadataBatch,
  SpanMetadataPatch,
} from './arize-client';
export { ArizeLoadError, connectionFailureResponse } from './failures';
export type { ArizeFailure, ArizeFailureKind } from './failures';
export type { FlightEndpointAddress } from './flight-transport';
export { withoutSecret } from './secret';
