import { Readable } from 'node:stream';

/**
 * QoS 1/2 messages on their way to clients with a persistent session (ingest), kept in a queue
 * per client that removes acknowledged messages from its head in O(1).
 *
 * Why: aedes-persistence 11's in-memory store keeps them in one array per client and, for every
 * PUBACK, finds the message and removes it with `splice(i, 1)`, which copies the whole array;
 * outgoingUpdate scans the array from its oldest entry for the message just added at its end.
 * With thousands of messages in flight to ingest, that was 17 % of the platform process's CPU in
 * `npm run bench -- platform` (bench/.work/profiles), and it grows with the backlog, i.e. exactly
 * when the platform is overloaded. Same operations, same order and return values; only the
 * Redis persistence (several broker nodes) is left as it is.
 */

interface OutgoingPacket {
  cmd?: string;
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
  [key: string]: unknown;
}

/** the copy aedes-packet makes (each subscriber gets its own messageId) */
function copyPacket(o: OutgoingPacket): OutgoingPacket {
  const c: OutgoingPacket = {};
  for (const key of ['clientId', 'nl', 'properties', 'messageExpiry']) if (Object.hasOwn(o, key)) c[key] = o[key];
  c.cmd = o.cmd || 'publish';
  c.brokerId = o.brokerId;
  c.brokerCounter = o.brokerCounter || 0;
  c.topic = o.topic;
  c.payload = o.payload || Buffer.alloc(0);
  c.qos = o.qos || 0;
  c.retain = o.retain || false;
  c.dup = o.dup || false;
  if ((c.qos as number) > 0 || c.cmd !== 'publish') c.messageId = undefined;
  return c;
}

class ClientQueue {
  private items: OutgoingPacket[] = [];
  private head = 0;

  push(packet: OutgoingPacket): void {
    this.items.push(packet);
  }

  /** the entry for this delivery gets its messageId; newest first, since it was just enqueued */
  update(packet: OutgoingPacket): boolean {
    for (let i = this.items.length - 1; i >= this.head; i--) {
      const item = this.items[i]!;
      if (item.brokerId === packet.brokerId && item.brokerCounter === packet.brokerCounter) {
        item.messageId = packet.messageId;
        return true;
      }
    }
    // aedes-persistence's rule for the rest (a PUBREL replacing its PUBLISH): oldest first
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (item.brokerId !== packet.brokerId && item.messageId === packet.messageId) {
        this.items[i] = packet;
        return true;
      }
    }
    return false;
  }

  /** remove and return the oldest entry with this messageId (acknowledgements mostly arrive in order: the head) */
  clear(messageId: number | undefined): OutgoingPacket | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (item.messageId !== messageId) continue;
      if (i === this.head) {
        this.head++;
        this.compact();
      } else {
        this.items.splice(i, 1);
      }
      return item;
    }
    return undefined;
  }

  snapshot(): OutgoingPacket[] {
    return this.items.slice(this.head);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

type Callback = (err: Error | null, ...rest: unknown[]) => void;

/** the outgoing-queue methods of Aedes' persistence (called with or without a callback) */
interface OutgoingPersistence {
  outgoingEnqueue(sub: { clientId: string }, packet: OutgoingPacket, cb?: Callback): unknown;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: OutgoingPacket, cb?: Callback): unknown;
  outgoingUpdate(client: { id: string }, packet: OutgoingPacket, cb?: Callback): unknown;
  outgoingClearMessageId(client: { id: string }, packet: OutgoingPacket, cb?: Callback): unknown;
  outgoingStream(client: { id: string }): Readable;
}

/** Replace the in-memory persistence's outgoing-queue methods on this instance; returns the queues (for tests). */
export function useFastOutgoingQueues(persistence: object): { size(clientId: string): number } {
  const target = persistence as OutgoingPersistence;
  const queues = new Map<string, ClientQueue>();
  const queueOf = (clientId: string) => {
    let q = queues.get(clientId);
    if (!q) {
      q = new ClientQueue();
      queues.set(clientId, q);
    }
    return q;
  };
  const settle = <T>(work: () => T, cb: Callback | undefined, reply: (value: T) => unknown[]): Promise<T> | undefined => {
    let value: T;
    try {
      value = work();
    } catch (err) {
      if (cb) {
        cb(err as Error);
        return undefined;
      }
      return Promise.reject(err as Error);
    }
    if (cb) {
      process.nextTick(() => cb(null, ...reply(value)));
      return undefined;
    }
    return Promise.resolve(value);
  };

  target.outgoingEnqueue = (sub, packet, cb) => settle(() => queueOf(sub.clientId).push(copyPacket(packet)), cb, () => [packet]);
  target.outgoingEnqueueCombi = (subs, packet, cb) =>
    settle(
      () => {
        for (const sub of subs) queueOf(sub.clientId).push(copyPacket(packet));
      },
      cb,
      () => [packet],
    );
  target.outgoingUpdate = (client, packet, cb) =>
    settle(
      () => {
        if (!queueOf(client.id).update(packet)) throw new Error('no such packet');
      },
      cb,
      () => [client, packet],
    );
  target.outgoingClearMessageId = (client, packet, cb) => settle(() => queues.get(client.id)?.clear(packet.messageId), cb, (removed) => [removed]);
  target.outgoingStream = (client) => Readable.from(queues.get(client.id)?.snapshot() ?? []);
  return { size: (clientId) => queues.get(clientId)?.size ?? 0 };
}
