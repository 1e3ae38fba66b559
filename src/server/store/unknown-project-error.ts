/** Thrown by a store when a request names a project that does not exist; the routes answer 404. */
export class UnknownProjectError extends Error {
  constructor(readonly project: string) {
    super(`No project named '${project}'`);
    this.name = 'UnknownProjectError';
  }
}
