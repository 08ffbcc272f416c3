import type { Device } from '@mueang/storage';

/** The part of the StateStore the broker reads. */
export interface DeviceRegistry {
  getDevice(id: string): Promise<Device | null>;
}

interface Entry {
  device: Device;
  expiresAt: number;
}

/**
 * Registry lookups for logins, cached for a short TTL so a reconnect storm does not become a
 * database storm. Only found devices are cached (a device provisioned a moment ago can log in
 * at once); concurrent lookups of one id share a query. invalidate() drops an entry at once.
 */
export class DeviceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Device | null>>();
  /** bumped by invalidate so a lookup that started before it is not cached */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** the cached device without a registry query, or undefined */
  peek(id: string): Device | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.device;
  }

  async get(id: string): Promise<Device | null> {
    const cached = this.peek(id);
    if (cached) return cached;
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const generation = this.generations.get(id) ?? 0;
    const lookup = this.registry
      .getDevice(id)
      .then((device) => {
        if (device && this.ttlMs > 0 && (this.generations.get(id) ?? 0) === generation) this.store(id, device);
        return device;
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, lookup);
    return lookup;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
    this.inFlight.delete(id);
    this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    if (this.generations.size > this.maxEntries) this.generations.clear();
  }

  private store(id: string, device: Device): void {
    this.entries.delete(id);
    this.entries.set(id, { device, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
