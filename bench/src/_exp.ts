import { useFastOutgoingQueues } from '../../services/broker/src/outgoing-queues.ts';
const p: any = {};
const q = useFastOutgoingQueues(p);
const client = { id: 'ingest' };
let counter = 0, mid = 0;
const outstanding: number[] = [];
for (const n of [100, 5000, 50000]) {
  while (outstanding.length < n) { const pk = { cmd: 'publish', brokerId: 'b', brokerCounter: ++counter, qos: 1, topic: 't', payload: Buffer.alloc(1) }; await p.outgoingEnqueueCombi([{ clientId: 'ingest' }], pk); await p.outgoingUpdate(client, { ...pk, messageId: ++mid }); outstanding.push(mid); }
  const t = performance.now(); const iters = 50000;
  for (let i = 0; i < iters; i++) {
    const pk = { cmd: 'publish', brokerId: 'b', brokerCounter: ++counter, qos: 1, topic: 't', payload: Buffer.alloc(1) };
    await p.outgoingEnqueueCombi([{ clientId: 'ingest' }], pk);
    await p.outgoingUpdate(client, { ...pk, messageId: ++mid });
    outstanding.push(mid);
    await p.outgoingClearMessageId(client, { messageId: outstanding.shift() });
  }
  console.log(n, q.size('ingest'), ((performance.now() - t) * 1000 / iters).toFixed(2), 'us per message');
}
