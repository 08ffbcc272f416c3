import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

/** The fields of an Aedes packet the outgoing queue looks at (publish packets carry more). */
export interface QueuedPacket {
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
}

interface ClientRef {
  id: string;
}

interface Entry {
  packet: QueuedPacket;
  /** index in OutgoingQueue.slots */
  slot: number;
  /** acknowledged: left in its slot until the queue is compacted */
  removed: boolean;
}

/**
 * One session's outgoing QoS 1/2 messages, in queue order, with the lookups of aedes-persistence's
 * in-memory store (asyncPersistence.js outgoingUpdate / outgoingClearMessageId) without its scans
 * of an array and its `splice()` per acknowledgement. With a persistent-session subscriber slower
 * than the devices (ingest in the platform), the array held tens of thousands of messages written
 * and not yet acknowledged, and every message relayed scanned and copied it.
 *
 * The answers are the array's: "the first entry in queue order that matches". While the queue is
 * regular (every message this broker's, queued in the order of its counter) an entry is found by
 * its counter with a binary search, and an acknowledgement of the oldest message (the usual case:
 * acknowledgements come in order) at the head of the queue; any other one builds a map from packet
 * id to entries, kept from then on (ids wrap around at 65,535, and more than that may be in flight:
 * several entries can share one). Anything else (a PUBREL replacing a PUBLISH, a message of another
 * broker or out of order) makes the queue irregular: lookups then scan in order as the original
 * does, until the queue is empty or compacted.
 */
export class OutgoingQueue {
  /** entries in order, including removed ones until the next compaction */
  private slots: Entry[] = [];
  /** no live entry before this slot */
  private head = 0;
  private live = 0;
  /** while regular, once an acknowledgement was not for the oldest message: packet id -> its entries, in queue order */
  private byMessageId: Map<number, Entry | Entry[]> | null = null;
  private regular = true;
  /** while regular: the counter of the last entry */
  private lastCounter = -Infinity;

  /** `brokerId`: the broker this queue belongs to */
  constructor(private readonly brokerId: string | undefined) {}

  get size(): number {
    return this.live;
  }

  push(packet: QueuedPacket): void {
    const entry: Entry = { packet, slot: this.slots.length, removed: false };
    this.slots.push(entry);
    this.live++;
    if (this.regular) this.index(entry);
  }

  /**
   * The first entry that is the same message (same broker id and counter: it gets the packet's
   * messageId) or, from another broker or none, has the same messageId (it is replaced by the
   * packet, e.g. a PUBREL for a PUBLISH). False when none matches.
   */
  update(packet: QueuedPacket): boolean {
    if (this.regular && packet.brokerId === this.brokerId && packet.brokerCounter !== undefined) {
      // regular: every entry is this broker's, so only the counter can match
      const entry = this.findCounter(packet.brokerCounter);
      if (!entry) return false;
      this.unindexMessageId(entry);
      entry.packet.messageId = packet.messageId;
      this.indexMessageId(entry);
      return true;
    }
    for (let i = this.head; i < this.slots.length; i++) {
      const entry = this.slots[i]!;
      if (entry.removed) continue;
      const queued = entry.packet;
      if (queued.brokerId === packet.brokerId) {
        if (queued.brokerCounter !== packet.brokerCounter) continue;
        queued.messageId = packet.messageId;
      } else if (queued.messageId === packet.messageId) {
        entry.packet = packet;
      } else continue;
      this.regular = false;
      return true;
    }
    return false;
  }

  /** remove and return the first entry with this messageId */
  clear(messageId: number | undefined): QueuedPacket | undefined {
    let entry: Entry | undefined;
    if (this.regular && messageId !== undefined) {
      const oldest = this.slots[this.head];
      // the oldest message is the first with its id, map or not
      if (oldest && !oldest.removed && oldest.packet.messageId === messageId) entry = oldest;
      else {
        const indexed = this.indexByMessageId().get(messageId);
        entry = Array.isArray(indexed) ? indexed[0] : indexed;
      }
    } else {
      for (let i = this.head; i < this.slots.length && !entry; i++) {
        const candidate = this.slots[i]!;
        if (!candidate.removed && candidate.packet.messageId === messageId) entry = candidate;
      }
    }
    if (!entry) return undefined;
    this.remove(entry);
    return entry.packet;
  }

  /** the queued packets in order (a copy: the queue may change while they are sent) */
  packets(): QueuedPacket[] {
    const packets: QueuedPacket[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const entry = this.slots[i]!;
      if (!entry.removed) packets.push(entry.packet);
    }
    return packets;
  }

  /** while regular, slots are in counter order: the live entry with this counter */
  private findCounter(counter: number): Entry | undefined {
    let lo = this.head;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.slots[mid]!.packet.brokerCounter!;
      if (c === counter) {
        const entry = this.slots[mid]!;
        return entry.removed ? undefined : entry;
      }
      if (c < counter) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private remove(entry: Entry): void {
    entry.removed = true;
    this.live--;
    if (this.regular) this.unindexMessageId(entry);
    if (this.live === 0) {
      this.slots = [];
      this.head = 0;
      this.byMessageId = null;
      this.regular = true;
      this.lastCounter = -Infinity;
      return;
    }
    while (this.slots[this.head]!.removed) this.head++;
    if (this.slots.length - this.live > Math.max(COMPACT_AFTER, this.live)) this.compact();
  }

  /** drop the removed entries; rebuild the index, which may make the queue regular again */
  private compact(): void {
    const entries: Entry[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const entry = this.slots[i]!;
      if (!entry.removed) {
        entry.slot = entries.length;
        entries.push(entry);
      }
    }
    this.slots = entries;
    this.head = 0;
    this.byMessageId = null;
    this.regular = true;
    this.lastCounter = -Infinity;
    for (const entry of entries) {
      this.index(entry);
      if (!this.regular) break;
    }
  }

  private index(entry: Entry): void {
    const { brokerId, brokerCounter } = entry.packet;
    if (brokerId !== this.brokerId || brokerCounter === undefined || !(brokerCounter > this.lastCounter)) {
      this.regular = false;
      this.byMessageId = null;
      return;
    }
    this.lastCounter = brokerCounter;
    this.indexMessageId(entry);
  }

  /** the map from packet id to entries, built from the queue the first time it is needed */
  private indexByMessageId(): Map<number, Entry | Entry[]> {
    if (this.byMessageId === null) {
      this.byMessageId = new Map();
      for (let i = this.head; i < this.slots.length; i++) if (!this.slots[i]!.removed) this.indexMessageId(this.slots[i]!);
    }
    return this.byMessageId;
  }

  private indexMessageId(entry: Entry): void {
    const messageId = entry.packet.messageId;
    if (messageId === undefined || this.byMessageId === null) return;
    const indexed = this.byMessageId.get(messageId);
    if (indexed === undefined) this.byMessageId.set(messageId, entry);
    else {
      const list = Array.isArray(indexed) ? indexed : [indexed];
      // usually the newest: insert from the end
      let i = list.length;
      while (i > 0 && list[i - 1]!.slot > entry.slot) i--;
      list.splice(i, 0, entry);
      if (list !== indexed) this.byMessageId.set(messageId, list);
    }
  }

  private unindexMessageId(entry: Entry): void {
    const messageId = entry.packet.messageId;
    if (messageId === undefined || this.byMessageId === null) return;
    const indexed = this.byMessageId.get(messageId);
    if (indexed === entry) this.byMessageId.delete(messageId);
    else if (Array.isArray(indexed)) {
      const i = indexed.indexOf(entry);
      if (i >= 0) indexed.splice(i, 1);
      if (indexed.length === 1) this.byMessageId.set(messageId, indexed[0]!);
    }
  }
}

/** removed entries tolerated before the queue is compacted (and at most as many as live ones) */
const COMPACT_AFTER = 1024;

/** what createMemoryPersistence's result offers Aedes (the whole async persistence interface) */
export interface MemoryPersistence {
  setup(broker: { id?: string }): Promise<void>;
  /** the broker given to setup() */
  readonly broker: { id?: string } | undefined;
  outgoingEnqueue(sub: { clientId: string }, packet: QueuedPacket): Promise<void>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: QueuedPacket): Promise<void>;
  outgoingUpdate(client: ClientRef, packet: QueuedPacket): Promise<void>;
  outgoingClearMessageId(client: ClientRef, packet: QueuedPacket): Promise<QueuedPacket | undefined>;
  outgoingStream(client: ClientRef): Readable;
  destroy(): Promise<void>;
}

type MemoryPersistenceClass = new (opts?: object) => MemoryPersistence;
type PacketClass = new (original: object, broker?: unknown) => QueuedPacket;

// Aedes' own default (aedes-persistence, resolved from aedes so that it is the version Aedes was
// built with); it is an Aedes dependency, not one of ours.
const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
const BaseMemoryPersistence = fromAedes('aedes-persistence/asyncPersistence.js') as MemoryPersistenceClass;
const Packet = fromAedes('aedes-packet') as PacketClass;

/**
 * Aedes' in-memory persistence (subscriptions, retained messages, wills, QoS 2 incoming) with the
 * outgoing queues of persistent sessions kept in OutgoingQueue. These five methods are the only
 * ones of the base class that touch its outgoing store, so they are replaced together.
 */
class QueuedMemoryPersistence extends BaseMemoryPersistence {
  private readonly queues = new Map<string, OutgoingQueue>();

  private queue(clientId: string): OutgoingQueue {
    let queue = this.queues.get(clientId);
    if (!queue) this.queues.set(clientId, (queue = new OutgoingQueue(this.broker?.id)));
    return queue;
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: QueuedPacket): Promise<void> {
    this.queue(sub.clientId).push(new Packet(packet));
  }

  override async outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: QueuedPacket): Promise<void> {
    for (const sub of subs) this.queue(sub.clientId).push(new Packet(packet));
  }

  override async outgoingUpdate(client: ClientRef, packet: QueuedPacket): Promise<void> {
    if (!this.queues.get(client.id)?.update(packet)) throw new Error('no such packet');
  }

  override async outgoingClearMessageId(client: ClientRef, packet: QueuedPacket): Promise<QueuedPacket | undefined> {
    const queue = this.queues.get(client.id);
    if (!queue) return undefined;
    const cleared = queue.clear(packet.messageId);
    if (queue.size === 0) this.queues.delete(client.id);
    return cleared;
  }

  override outgoingStream(client: ClientRef): Readable {
    return Readable.from(this.queues.get(client.id)?.packets() ?? []);
  }
}

/** the broker's persistence when it runs without Redis */
export function createMemoryPersistence(): MemoryPersistence {
  return new QueuedMemoryPersistence();
}
