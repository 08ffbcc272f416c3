import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';
import type { BrokerMetrics } from '../metrics.ts';
import type { DevicePrincipal, Principals } from '../principal.ts';

export type DeviceStatusValue = 'online' | 'offline';

/** The retained message on v1/{city}/{domain}/{deviceId}/status. */
export interface DeviceStatusMessage {
  status: DeviceStatusValue;
  /** epoch ms when the broker saw the change */
  ts: number;
}

interface DeviceConnections {
  principal: DevicePrincipal;
  clients: Set<Client>;
}

/**
 * Publishes a retained online message when a device connects and offline when its last
 * connection ends, for any reason (clean DISCONNECT, dropped socket, keepalive timeout, kicked).
 * A device may also set its own last will on its status topic; the broker's offline message
 * follows it, so the retained state is always the broker's view.
 * Not published as offline: a connection replaced by a new one of the same device (same client
 * id, here or on another node sharing Redis), so a quick reconnect does not flap.
 */
export class DeviceStatusTracker {
  private readonly devices = new Map<string, DeviceConnections>();
  /** devices whose retained status this broker last set to online */
  private readonly online = new Set<string>();
  private readonly replaced = new WeakSet<Client>();
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly aedes: Aedes,
    private readonly principals: Principals,
    private readonly metrics: BrokerMetrics,
    private readonly log: Logger,
    /** true when the connection moved to another node (see OtherNodeTakeovers) */
    private readonly movedToOtherNode: (clientId: string) => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {
    aedes.on('clientReady', (client) => this.onReady(client));
    aedes.on('clientDisconnect', (client) => this.onDisconnect(client));
  }

  /** the connection is about to be replaced by a new one of the same device on this node */
  markReplaced(client: Client): void {
    this.replaced.add(client);
  }

  get connectedDevices(): number {
    return this.devices.size;
  }

  clientsOf(deviceId: string): Client[] {
    return [...(this.devices.get(deviceId)?.clients ?? [])];
  }

  /** before shutdown: every connected device goes offline; later disconnects publish nothing */
  async publishOfflineForAll(): Promise<void> {
    this.closing = true;
    const principals = [...this.devices.values()].map((d) => d.principal);
    await Promise.all([...this.inFlight, ...principals.map((principal) => this.publish(principal, 'offline'))]);
  }

  private onReady(client: Client): void {
    const principal = this.principals.get(client);
    if (principal?.kind !== 'device' || this.closing) return;
    let entry = this.devices.get(principal.deviceId);
    if (!entry) {
      entry = { principal, clients: new Set() };
      this.devices.set(principal.deviceId, entry);
    }
    entry.clients.add(client);
    void this.publish(principal, 'online');
  }

  private onDisconnect(client: Client): void {
    const principal = this.principals.get(client);
    if (principal?.kind !== 'device') return;
    const entry = this.devices.get(principal.deviceId);
    entry?.clients.delete(client);
    if (entry && entry.clients.size > 0) return;
    this.devices.delete(principal.deviceId);
    if (this.movedToOtherNode(client.id)) {
      this.online.delete(principal.deviceId); // the other node owns its status now
      return;
    }
    if (this.closing || this.replaced.has(client)) return;
    if (!this.online.has(principal.deviceId)) return;
    void this.publish(principal, 'offline');
  }

  private publish(principal: DevicePrincipal, status: DeviceStatusValue): Promise<void> {
    if (status === 'online') this.online.add(principal.deviceId);
    else this.online.delete(principal.deviceId);
    this.metrics.statusPublished.inc({ status });
    const message: DeviceStatusMessage = { status, ts: this.now() };
    const published = new Promise<void>((resolve) => {
      this.aedes.publish(
        { cmd: 'publish', topic: principal.statusTopic, payload: Buffer.from(JSON.stringify(message)), qos: 1, retain: true, dup: false },
        (err) => {
          if (err) this.log.warn({ err, deviceId: principal.deviceId, status }, 'could not publish device status');
          else this.log.debug({ deviceId: principal.deviceId, status }, 'device status published');
          resolve();
        },
      );
    });
    this.inFlight.add(published);
    void published.then(() => this.inFlight.delete(published));
    return published;
  }
}
