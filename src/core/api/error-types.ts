/** The failure types a submission can report per span (SPEC §6). */
export const ERROR_TYPES = [
  'parse_failure',
  'patch_failure',
  'type_conflict',
  'segment_not_found',
  'connection_failure',
  'druid_rejection',
] as const;

export type KnownErrorType = (typeof ERROR_TYPES)[number];
/** A known type, `unknown` for a message without a `[type]` prefix, or any other type a server sent. */
export type ErrorType = KnownErrorType | 'unknown' | (string & {});

/** Formats a per-span error message as the server and client send it: `[type] message`. */
export function formatErrorMessage(type: KnownErrorType, message: string): string {
  return `[${type}] ${message}`;
}

/**
 * The failure of a span a revert leaves alone because a key the submission changed has changed since (SPEC §9):
 * `[revert_conflict] '<key>' changed after this submission (now <value>)`; `now` is undefined when the key is gone.
 */
export function formatRevertConflict(key: string, now: string | number | null | undefined): string {
  const value = now === undefined ? 'absent' : now === null ? 'null' : String(now);
  return `[revert_conflict] '${key}' changed after this submission (now ${value.slice(0, 200)})`;
}

/**
 * The type of the spans of a batch the server refused whole, applying nothing, because its submission was reverted
 * while it was still sending (SPEC §9, a 409): sending the batch again would be refused the same.
 */
export const SUBMISSION_REVERTED = 'submission_reverted';

/**
 * The type of the spans of a batch the server refused whole for its API key, applying nothing (SPEC §6: 401 no
 * key, 403 a wrong key or a read-only key on a write): sending it again with the same key would be refused the same.
 */
export const KEY_REFUSED = 'key_refused';

/**
 * The types of the spans of a batch the server refused whole, applying nothing of it: never "not delivered", and
 * never offered for a Retry, since sending it again would be refused the same.
 */
export const REFUSAL_TYPES = [SUBMISSION_REVERTED, KEY_REFUSED] as const;

export type RefusalType = (typeof REFUSAL_TYPES)[number];

/** Whether a failure type is a refusal of the whole batch (`REFUSAL_TYPES`). */
export function isRefusalType(type: ErrorType): type is RefusalType {
  return (REFUSAL_TYPES as readonly string[]).includes(type);
}

/** The failure of each span of a batch the server refused whole: `[type] <the server's message>`. */
export function formatRefusal(type: RefusalType, serverMessage: string): string {
  return `[${type}] ${serverMessage}`;
}

/** Splits `[type] message` into its type and text; a message without a prefix is type `unknown`. */
export function parseErrorMessage(errorMessage: string): { type: ErrorType; detail: string } {
  const match = /^\[([A-Za-z0-9_.-]+)\]\s?([\s\S]*)$/.exec(errorMessage);
  if (!match?.[1]) return { type: 'unknown', detail: errorMessage };
  return { type: match[1], detail: match[2] ?? '' };
}

/**
 * Counts failures by type for the results filter: always the six known types (zero or not), then any other
 * type present (including `unknown`), in order of first appearance.
 */
export function countByErrorType(
  errors: readonly { error_message: string }[],
): { type: ErrorType; count: number }[] {
  const counts = new Map<string, number>(ERROR_TYPES.map((type) => [type, 0]));
  for (const error of errors) {
    const { type } = parseErrorMessage(error.error_message);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts].map(([type, count]) => ({ type, count }));
}
