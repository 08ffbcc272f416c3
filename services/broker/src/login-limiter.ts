export interface LoginLimitOptions {
  /** failures from one address within windowMs that trigger a block (default 5) */
  maxFailures?: number;
  /** default 60 000 (one minute) */
  windowMs?: number;
  /** how long a blocked address is refused without checking secrets (default 60 000) */
  blockMs?: number;
  /** addresses tracked at most; the oldest are forgotten first (default 10 000) */
  maxAddresses?: number;
}

interface AddressState {
  /** timestamps of recent failures, oldest first */
  failures: number[];
  blockedUntil: number;
}

/**
 * Failed logins per client address. After maxFailures within windowMs the address is refused
 * for blockMs without running scrypt (which is slow on purpose and would otherwise make login
 * floods a CPU denial of service).
 */
export class LoginLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
  private readonly maxAddresses: number;
  private readonly addresses = new Map<string, AddressState>();

  constructor(options: LoginLimitOptions = {}, private readonly now: () => number = Date.now) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.blockMs = options.blockMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** milliseconds the address stays blocked, 0 when it is not blocked */
  blockedFor(address: string): number {
    const state = this.addresses.get(address);
    if (!state) return 0;
    const left = state.blockedUntil - this.now();
    return left > 0 ? left : 0;
  }

  /** record a failure; returns true when this failure starts a block */
  recordFailure(address: string): boolean {
    const now = this.now();
    let state = this.addresses.get(address);
    if (state) {
      this.addresses.delete(address); // re-insert below: most recent last
    } else {
      state = { failures: [], blockedUntil: 0 };
    }
    this.addresses.set(address, state);
    this.evictOldest();
    state.failures = state.failures.filter((t) => t > now - this.windowMs);
    state.failures.push(now);
    if (state.failures.length >= this.maxFailures && state.blockedUntil <= now) {
      state.blockedUntil = now + this.blockMs;
      state.failures = [];
      return true;
    }
    return false;
  }

  get trackedAddresses(): number {
    return this.addresses.size;
  }

  private evictOldest(): void {
    while (this.addresses.size > this.maxAddresses) {
      const oldest = this.addresses.keys().next().value;
      if (oldest === undefined) return;
      this.addresses.delete(oldest);
    }
  }
}
