/**
 * Registry look-ups for the engine (which devices exist, their city and domain) and for notifications (names of
 * cities, sites and devices), cached: every message needs one and the registry changes rarely.
 */
import type { City, Device, Site, StateStore } from '@mueang/storage';

interface Entry<T> {
  value: T | null;
  expires: number;
}

export interface DirectoryOptions {
  /** how long a found entry is trusted (default 60 s) */
  ttlMs?: number;
  /** how long "not found" is remembered (default 5 s) */
  negativeTtlMs?: number;
  clock?: () => number;
}

class Cache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inflight = new Map<string, Promise<T | null>>();

  constructor(
    private readonly load: (id: string) => Promise<T | null>,
    private readonly ttlMs: number,
    private readonly negativeTtlMs: number,
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  peek(id: string): T | null | undefined {
    const entry = this.entries.get(id);
    return entry && entry.expires > this.clock() ? entry.value : undefined;
  }

  get(id: string): Promise<T | null> {
    const hit = this.peek(id);
    if (hit !== undefined) return Promise.resolve(hit);
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.load(id).then(
        (value) => {
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(id, { value, expires: this.clock() + (value ? this.ttlMs : this.negativeTtlMs) });
          this.inflight.delete(id);
          return value;
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

  put(id: string, value: T): void {
    this.entries.set(id, { value, expires: this.clock() + this.ttlMs });
  }

  invalidate(id?: string): void {
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
}

export class DeviceDirectory {
  private readonly devices: Cache<Device>;
  private readonly sites: Cache<Site>;
  private readonly cities: Cache<City>;

  constructor(state: StateStore, options: DirectoryOptions = {}) {
    const clock = options.clock ?? Date.now;
    const ttl = options.ttlMs ?? 60_000;
    const negative = options.negativeTtlMs ?? 5_000;
    this.devices = new Cache((id) => state.getDevice(id), ttl, negative, clock);
    this.sites = new Cache((id) => state.getSite(id), ttl, negative, clock);
    this.cities = new Cache((id) => state.getCity(id), ttl, negative, clock);
  }

  /** synchronous hit, or undefined when a look-up is needed */
  peekDevice(id: string): Device | null | undefined {
    return this.devices.peek(id);
  }

  device(id: string): Promise<Device | null> {
    return this.devices.get(id);
  }

  site(id: string): Promise<Site | null> {
    return this.sites.get(id);
  }

  city(id: string): Promise<City | null> {
    return this.cities.get(id);
  }

  /** remember devices read in bulk (seeding) */
  rememberDevice(device: Device): void {
    this.devices.put(device.id, device);
  }

  invalidateDevice(id?: string): void {
    this.devices.invalidate(id);
  }
}
