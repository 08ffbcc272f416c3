import { sha256Hex } from '@mueang/core';

/**
 * Successful scrypt verifications, so a reconnecting device costs a sha-256 instead of ~50 ms of
 * scrypt. The key binds device id, sha-256 of the presented secret and the stored hash: a rotated
 * secret (new stored hash) no longer matches, so once the registry entry is re-read (TTL or
 * invalidateDevice) the old secret stops working. Bounded, least recently used entries go first.
 * Concurrent verifications of the same credentials share one scrypt run.
 */
export class VerifiedSecrets {
  /** cache key -> device id, in least-recently-used order */
  private readonly entries = new Map<string, string>();
  private readonly inFlight = new Map<string, { deviceId: string; result: Promise<boolean> }>();

  constructor(private readonly maxEntries = 10_000) {}

  static key(deviceId: string, secret: string, storedHash: string): string {
    return sha256Hex(`${deviceId}\n${sha256Hex(secret)}\n${storedHash}`);
  }

  has(key: string): boolean {
    const deviceId = this.entries.get(key);
    if (deviceId === undefined) return false;
    this.entries.delete(key);
    this.entries.set(key, deviceId);
    return true;
  }

  /** true when cached or when `verify` succeeds (then cached); `fromCache` says which */
  async check(key: string, deviceId: string, verify: () => Promise<boolean>): Promise<{ ok: boolean; fromCache: boolean }> {
    if (this.has(key)) return { ok: true, fromCache: true };
    let pending = this.inFlight.get(key);
    if (!pending) {
      const entry = { deviceId, result: Promise.resolve(false) };
      entry.result = verify()
        .catch(() => false)
        .then((ok) => {
          // not cached when invalidateDevice ran meanwhile (the entry is gone then)
          if (ok && this.inFlight.get(key) === entry) this.add(key, deviceId);
          if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
          return ok;
        });
      this.inFlight.set(key, entry);
      pending = entry;
    }
    return { ok: await pending.result, fromCache: false };
  }

  invalidateDevice(deviceId: string): void {
    for (const [key, owner] of this.entries) if (owner === deviceId) this.entries.delete(key);
    // a verification still running for this device must not be cached when it finishes
    for (const [key, pending] of this.inFlight) if (pending.deviceId === deviceId) this.inFlight.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private add(key: string, deviceId: string): void {
    this.entries.set(key, deviceId);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
