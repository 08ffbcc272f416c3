/** The part of an MQEmitter the watcher listens on. */
export interface SysListener {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MQEmitter's own message type
  on(topic: string, listener: (packet: Record<string, any> & { topic: string }, done: () => void) => void, callback?: () => void): unknown;
}

const MEMORY_MS = 60_000;

/**
 * In a cluster, Aedes announces each new connection on $SYS/{brokerId}/new/clients and the
 * node holding the same client id closes its old connection. That close is a move, not the
 * device going offline. Must listen on the emitter before Aedes does: Aedes' own listener may
 * close the old connection synchronously, before a later listener would see it still held.
 */
export class OtherNodeTakeovers {
  /** client id -> time until which its disconnect counts as a move to another node */
  private readonly moved = new Map<string, number>();

  constructor(
    private readonly brokerId: string,
    private readonly isConnectedHere: (clientId: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  listen(mq: SysListener): void {
    mq.on('$SYS/+/new/clients', (packet, done) => {
      const brokerId = packet.topic.split('/')[1];
      const payload: unknown = packet.payload;
      const clientId = Buffer.isBuffer(payload) ? payload.toString('utf8') : String(payload);
      if (brokerId !== this.brokerId && this.isConnectedHere(clientId)) {
        this.forgetOld();
        this.moved.set(clientId, this.now() + MEMORY_MS);
      }
      done();
    });
  }

  /** true (once) when the connection with this client id was just taken over by another node */
  consume(clientId: string): boolean {
    const until = this.moved.get(clientId);
    if (until === undefined) return false;
    this.moved.delete(clientId);
    return until > this.now();
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [clientId, until] of this.moved) if (until <= now) this.moved.delete(clientId);
  }
}
