/**
 * Thrown when a store cannot be opened at start (not a database, damaged, a folder that cannot be created or
 * written, a schema newer than this server). Its message is one line naming the file and what to do.
 */
export class StoreOpenError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}
