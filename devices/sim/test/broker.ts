import { decodeTelemetry, parseDeviceTopic, type Rejection } from '@mueang/core';
import { Aedes, type AedesOptions } from 'aedes';
import net from 'node:net';
import type { RecordedReading } from '../src/index.ts';

/** An in-process Aedes broker on a free port that keeps every telemetry message a client published. */
export interface TestBroker {
  url: string;
  messages: Array<{ topic: string; payload: Buffer; receivedAt: number }>;
  /** drop every connection and refuse new ones for `ms` (a broker restart, as devices see it) */
  interrupt(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBroker(options: AedesOptions = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options);
  const messages: TestBroker['messages'] = [];
  broker.on('publish', (packet, client) => {
    if (client && packet.topic.endsWith('/telemetry')) messages.push({ topic: packet.topic, payload: Buffer.from(packet.payload), receivedAt: Date.now() });
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    messages,
    async interrupt(ms) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, ms));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Delivered {
  readings: Array<Omit<RecordedReading, 'cityId' | 'siteId' | 'domain'>>;
  rejections: Array<{ deviceId: string; code: Rejection['code']; param: string | undefined }>;
}

/** what ingest would make of the messages: decodeTelemetry on each, as the store and the dead letters would hold it */
export function decodeAll(messages: TestBroker['messages']): Delivered {
  const out: Delivered = { readings: [], rejections: [] };
  for (const m of messages) {
    const topic = parseDeviceTopic(m.topic);
    const result = decodeTelemetry(topic.domain, m.payload, { receivedAt: m.receivedAt });
    for (const r of result.readings) out.readings.push({ deviceId: topic.deviceId, ts: r.ts, values: r.values });
    for (const r of result.rejections) out.rejections.push({ deviceId: topic.deviceId, code: r.code, param: r.param });
  }
  return out;
}

export function byDeviceAndTime<T extends { deviceId: string; ts: number }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.ts - b.ts);
}

export function sortRejections<T extends { deviceId: string; code: string; param?: string | undefined }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.code.localeCompare(b.code) || (a.param ?? '').localeCompare(b.param ?? ''));
}
