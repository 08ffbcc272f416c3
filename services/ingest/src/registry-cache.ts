import type { Device } from '@mueang/storage';

export interface DeviceLookup {
  getDevice(id: string): Promise<Device | null>;
}

/**
 * Devices change rarely and every message needs one: keep them in memory for a while.
 * Unknown ids are remembered briefly so a flood of garbage ids does not reach the database.
 */
export class RegistryCache {
  private readonly entries = new Map<string, { device: Device | null; expires: number }>();
  private readonly inflight = new Map<string, Promise<Device | null>>();

  constructor(
    private readonly lookup: DeviceLookup,
    private readonly ttlMs = 60_000,
    private readonly negativeTtlMs = 2_000,
    private readonly maxEntries = 100_000,
  ) {}

  /** synchronous hit, or undefined when a lookup is needed */
  peek(id: string, now = Date.now()): Device | null | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expires > now) return entry.device;
    return undefined;
  }

  async get(id: string): Promise<Device | null> {
    const hit = this.peek(id);
    if (hit !== undefined) return hit;
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.lookup.getDevice(id).then(
        (device) => {
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(id, { device, expires: Date.now() + (device ? this.ttlMs : this.negativeTtlMs) });
          this.inflight.delete(id);
          return device;
        },
        (error: unknown) => {
          this.inflight.delete(id);
          throw error;
        },
      );
      this.inflight.set(id, pending);
    }
    return pending;
  }

  invalidate(id?: string): void {
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
}
