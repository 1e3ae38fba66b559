import { type Logger, pino } from 'pino';

/** Log levels the server accepts (LOG_LEVEL). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of LOG_LEVELS. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Creates the server's structured (JSON lines) logger. */
export function createLogger(level: LogLevel): Logger {
  return pino({ name: 'spanpatch', level });
}

export type { Logger };
