import type { KnownErrorType } from '@/core/api';
import type { ErrorCode } from './issues';

/**
 * The error type (SPEC §6) each sheet error stands for, had the span been sent: what the server would have
 * answered. Bad JSON is `parse_failure`; every other problem with a span or its patch is `patch_failure`.
 */
export const ISSUE_ERROR_TYPES: Readonly<Record<ErrorCode, KnownErrorType>> = {
  parse_failure: 'parse_failure',
  not_json: 'parse_failure',
  missing_span_id: 'patch_failure',
  span_id_too_long: 'patch_failure',
  patch_failure: 'patch_failure',
  invalid_key: 'patch_failure',
  unnamed_key: 'patch_failure',
  patch_too_large: 'patch_failure',
  patch_too_deep: 'patch_failure',
  not_a_number: 'patch_failure',
  not_a_boolean: 'patch_failure',
  unsafe_integer: 'patch_failure',
  non_finite_number: 'patch_failure',
};

/** The error type of a sheet error that blocks a span, so Results can count blocked spans by type (SPEC §8, §9). */
export function errorTypeOfIssue(code: ErrorCode): KnownErrorType {
  return ISSUE_ERROR_TYPES[code];
}
