import { telemetryTopic } from '@mueang/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../src/index.ts';
import { createMemoryPersistence, OutgoingQueue, type QueuedPacket } from '../src/memory-persistence.ts';
import { connect, connectService, connectWithInbox, MemoryRegistry, SERVICE, startBroker, uid } from './helpers.ts';

/** aedes-persistence 11's outgoing array (asyncPersistence.js), the behaviour OutgoingQueue must keep */
class ArrayQueue {
  readonly packets: QueuedPacket[] = [];
  push(packet: QueuedPacket): void {
    this.packets.push(packet);
  }
  update(packet: QueuedPacket): boolean {
    for (let i = 0; i < this.packets.length; i++) {
      const queued = this.packets[i]!;
      if (queued.brokerId === packet.brokerId) {
        if (queued.brokerCounter === packet.brokerCounter) {
          queued.messageId = packet.messageId;
          return true;
        }
      } else if (queued.messageId === packet.messageId) {
        this.packets[i] = packet;
        return true;
      }
    }
    return false;
  }
  clear(messageId: number | undefined): QueuedPacket | undefined {
    const i = this.packets.findIndex((p) => p.messageId === messageId);
    return i < 0 ? undefined : this.packets.splice(i, 1)[0];
  }
}

/** a small deterministic generator, so that a failure replays */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s % n;
  };
}

const show = (packets: QueuedPacket[]) => packets.map((p) => ({ ...p }));

/**
 * Random operations on both queues, comparing every answer and, every `checkEvery` steps, the
 * whole queue. `foreign`: share of messages of another broker; `ids`: packet ids are 1..ids (few:
 * frequent reuse), in sequence or at random; `pubrel`: share of updates that are a PUBREL.
 */
function differential(seed: number, steps: number, o: { foreign: number; ids: number; sequentialIds: boolean; pubrel: number; checkEvery: number }): void {
  const rnd = lcg(seed);
  const chance = (p: number) => rnd(1000) < p * 1000;
  const fast = new OutgoingQueue('broker-a');
  const reference = new ArrayQueue();
  let counter = 0;
  // another broker counts on its own: its counters collide with ours
  let foreignCounter = 0;
  // Aedes hands out packet ids in sequence, wrapping around (a message sent again after a
  // reconnection keeps its own); the hostile case draws them at random
  let lastId = 0;
  const id = () => (o.sequentialIds && !chance(0.05) ? (lastId = (lastId % o.ids) + 1) : 1 + rnd(o.ids));
  const at = (step: number) => `seed ${seed} step ${step}`;
  const seen: Array<number | undefined> = [];
  for (let step = 0; step < steps; step++) {
    const op = rnd(10);
    if (op < 4) {
      const foreign = chance(o.foreign);
      const packet = { brokerId: foreign ? 'other-broker' : 'broker-a', brokerCounter: foreign ? ++foreignCounter : ++counter, messageId: chance(0.05) ? id() : undefined };
      fast.push({ ...packet });
      reference.push({ ...packet });
    } else if (op < 7) {
      let packet: QueuedPacket;
      if (chance(o.pubrel)) packet = { messageId: id() };
      else if (chance(0.05)) packet = { brokerId: 'other-broker', brokerCounter: 1 + rnd(counter + 1), messageId: id() };
      else {
        // give a queued message a packet id, as Aedes does before writing it
        const known = reference.packets[rnd(reference.packets.length + 1)];
        // (or an unknown one: never queued, or already acknowledged)
        packet = { brokerId: known?.brokerId ?? 'broker-a', brokerCounter: known?.brokerCounter ?? 1 + rnd(counter + 1), messageId: id() };
      }
      expect(fast.update({ ...packet }), at(step)).toBe(reference.update({ ...packet }));
      seen[rnd(50)] = packet.messageId;
    } else {
      // usually the id of one of the oldest messages (acknowledgements), else one seen before (a
      // duplicate PUBACK, an id the message had before it was sent again), an unknown one, none
      const queued = reference.packets[rnd(Math.min(reference.packets.length, 8))];
      const pick = rnd(100);
      const messageId = pick < 70 && queued ? queued.messageId : pick < 85 ? seen[rnd(seen.length)] : pick < 95 ? 1 + rnd(o.ids) : undefined;
      const a = fast.clear(messageId);
      const b = reference.clear(messageId);
      expect(a && { ...a }, at(step)).toEqual(b && { ...b });
    }
    expect(fast.size, at(step)).toBe(reference.packets.length);
    if (step % o.checkEvery === 0) expect(show(fast.packets()), at(step)).toEqual(show(reference.packets));
  }
  expect(show(fast.packets())).toEqual(show(reference.packets));
}

describe('OutgoingQueue', () => {
  it('answers as the aedes-persistence array does when packet ids are reused and PUBRELs and other brokers\' messages are queued', () => {
    for (let seed = 1; seed <= 25; seed++) differential(seed, 300, { foreign: 0.25, ids: 6, sequentialIds: false, pubrel: 0.15, checkEvery: 1 });
  });

  it('answers as the array does on long, mostly regular queues (indexed lookups, compaction, the odd PUBREL)', () => {
    for (let seed = 1; seed <= 4; seed++) differential(seed, 12_000, { foreign: 0, ids: 3000, sequentialIds: true, pubrel: 0.001, checkEvery: 500 });
  });

  it('keeps a long queue in order while the oldest are acknowledged one by one', () => {
    const queue = new OutgoingQueue('b');
    const n = 20_000;
    for (let i = 1; i <= n; i++) queue.push({ brokerId: 'b', brokerCounter: i });
    let updated = 0;
    for (let i = 1; i <= n; i++) if (queue.update({ brokerId: 'b', brokerCounter: i, messageId: i })) updated++;
    expect(updated).toBe(n);
    const cleared: Array<number | undefined> = [];
    for (let i = 1; i <= n - 10; i++) cleared.push(queue.clear(i)?.brokerCounter);
    expect(cleared).toEqual(Array.from({ length: n - 10 }, (_, i) => i + 1));
    expect(queue.packets().map((p) => p.brokerCounter)).toEqual(Array.from({ length: 10 }, (_, i) => n - 9 + i));
  });
});

describe('memory persistence', () => {
  it('reports an update of a message it does not hold, and an acknowledgement of an unknown id is a no-op', async () => {
    const persistence = createMemoryPersistence();
    const broker = { id: 'broker-a', counter: 0 };
    await persistence.setup(broker);
    const client = { id: 'c1' };
    await expect(persistence.outgoingUpdate(client, { brokerId: 'broker-a', brokerCounter: 7, messageId: 1 })).rejects.toThrow('no such packet');
    await expect(persistence.outgoingClearMessageId(client, { messageId: 1 })).resolves.toBeUndefined();
    await persistence.outgoingEnqueueCombi([{ clientId: 'c1' }, { clientId: 'c2' }], { brokerId: 'broker-a', brokerCounter: 7 });
    await persistence.outgoingUpdate(client, { brokerId: 'broker-a', brokerCounter: 7, messageId: 1 });
    expect((await persistence.outgoingClearMessageId(client, { messageId: 1 }))?.brokerCounter).toBe(7);
    // the other session's copy is its own
    expect((await persistence.outgoingStream({ id: 'c2' }).toArray()).length).toBe(1);
    expect(await persistence.outgoingStream(client).toArray()).toEqual([]);
    await persistence.destroy();
  });
});

describe('persistent sessions on the broker (in-memory persistence)', () => {
  const registry = new MemoryRegistry();
  const city = uid('city');
  let broker: BrokerHandle;
  beforeAll(async () => {
    broker = await startBroker(registry);
  });
  afterAll(async () => {
    await broker.close();
  });

  it('delivers what was queued while the subscriber was away, in order, once, and forgets what it acknowledged', async () => {
    const session = { clientId: uid('ingest'), clean: false, username: SERVICE.username, password: SERVICE.password };
    const topic = telemetryTopic(city, 'air', uid('dev'));
    const first = await connect(broker.url, session);
    await first.subscribeAsync(topic, { qos: 1 });
    await first.endAsync();

    const publisher = await connectService(broker.url);
    const sent = Array.from({ length: 300 }, (_, i) => `reading ${i}`);
    for (const payload of sent) await publisher.publishAsync(topic, payload, { qos: 1 });

    const back = await connectWithInbox(broker.url, session);
    await back.inbox.waitFor((m) => m.payload === sent.at(-1), 'the last queued message');
    expect(back.inbox.on(topic).map((m) => m.payload)).toEqual(sent);
    // live messages go through the same queue while the session is connected
    await publisher.publishAsync(topic, 'live', { qos: 1 });
    await back.inbox.waitFor((m) => m.payload === 'live', 'the live message');
    await back.client.endAsync();

    // everything was acknowledged: nothing is delivered again
    const again = await connectWithInbox(broker.url, session);
    await publisher.publishAsync(topic, 'marker', { qos: 1 });
    await again.inbox.waitFor((m) => m.payload === 'marker', 'the marker');
    expect(again.inbox.on(topic).map((m) => m.payload)).toEqual(['marker']);
    await again.client.endAsync();
    await publisher.endAsync();
    const cleanup = await connect(broker.url, { ...session, clean: true });
    await cleanup.endAsync();
  });
});
