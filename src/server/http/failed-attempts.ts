/**
 * Counts failed attempts per client address in a sliding window, so a guesser is slowed down while a person who
 * mistyped a key once is not. NOTE: the table is bounded: beyond `maxAddresses` the oldest address is forgotten,
 * so a flood of spoofed addresses cannot exhaust memory, and each address keeps only its last `maxFailures` times,
 * all that `waitMs` reads, however fast it keeps failing.
 */
export class FailedAttempts {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one failed attempt from an address. */
  record(address: string): void {
    const times = this.recent(address);
    times.push(this.now());
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures);
    this.attempts.delete(address);
    this.attempts.set(address, times);
    if (this.attempts.size > this.maxAddresses) {
      const oldest = this.attempts.keys().next();
      if (!oldest.done) this.attempts.delete(oldest.value);
    }
  }

  /** How long an address must wait before its next attempt is considered; 0 when it may try now. */
  waitMs(address: string): number {
    const times = this.recent(address);
    if (times.length < this.maxFailures) return 0;
    const oldest = times[times.length - this.maxFailures] ?? this.now();
    return Math.max(1, oldest + this.windowMs - this.now());
  }

  private recent(address: string): number[] {
    const times = this.attempts.get(address);
    if (!times) return [];
    const since = this.now() - this.windowMs;
    const kept = times.filter((time) => time > since);
    if (kept.length === 0) this.attempts.delete(address);
    else this.attempts.set(address, kept);
    return kept;
  }
}
