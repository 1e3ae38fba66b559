/**
 * Bounds the request-body bytes the server holds at once, over all requests: each request takes a lease, reserves
 * bytes as its body arrives, and gives them back when its response is done. Beyond the budget a request is
 * answered 503 with Retry-After instead of growing memory until the process dies.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes reserved now, over all leases. */
  get reservedBytes(): number {
    return this.used;
  }

  /** A lease for one request. */
  lease(): BodyLease {
    let held = 0;
    return {
      reserve: (bytes) => {
        if (this.used + bytes > this.maxBytes) return false;
        this.used += bytes;
        held += bytes;
        return true;
      },
      release: () => {
        this.used -= held;
        held = 0;
      },
    };
  }
}

/** One request's share of the body budget. */
export interface BodyLease {
  /** Reserves more bytes; false (nothing reserved) when the budget would be exceeded. */
  reserve(bytes: number): boolean;
  /** Gives back everything this lease reserved. */
  release(): void;
}
