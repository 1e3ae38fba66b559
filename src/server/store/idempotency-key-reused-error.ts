/** Thrown by a store when an Idempotency-Key comes back with a different body; the routes answer 422. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(
      `The Idempotency-Key '${idempotencyKey.slice(0, 64)}' was already used for a different request body; use a new key for a new request`,
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}
