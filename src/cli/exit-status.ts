/** The exit statuses of the command line (SPEC §13). */
export const EXIT = {
  /** Everything was applied (or, offline, nothing blocks a span). */
  ok: 0,
  /** Some spans failed or were blocked (or, on a cancel, were not sent). */
  someFailed: 1,
  /** The input or the command could not be used: a file that cannot be read, a server that cannot be reached. */
  unusable: 2,
  /** A second Ctrl+C: quit at once. */
  interrupted: 130,
  /** A second SIGTERM: quit at once. */
  terminated: 143,
} as const;

/**
 * Why a command could not run at all: printed as one message, exit status 2. A message of several lines is given
 * as its lines, so that only the command line's own line breaks start a line.
 */
export class CommandError extends Error {
  readonly lines: readonly string[];

  constructor(message: string | readonly string[]) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.name = 'CommandError';
    this.lines = lines;
  }
}
