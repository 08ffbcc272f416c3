import { deviceTopicPrefix, DOMAINS, statusTopic, telemetryTopic, type Domain } from '@mueang/core';
import type { Device } from '@mueang/storage';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../src/index.ts';
import { connect, connectService, Inbox, MemoryRegistry, metricValue, startBroker, subscribeGranted, uid, waitForClose } from './helpers.ts';

/**
 * Authorization matrix (issue 6): every device x every foreign topic. A fleet of 2 cities x 4
 * domains x 2 devices; the two ids of a domain are `...-1` and `...-10`, so that one id is a
 * string prefix of the other. For every device:
 * - SUBSCRIBE to every other device's topics and prefix, its own id under another city and
 *   domain, $SYS and wildcards: each filter refused (SUBACK 0x80), its own prefix granted; after
 *   every owner has published on its topics, the device has received only its own messages;
 * - PUBLISH (QoS 1) to every other device's telemetry and status, its own id elsewhere, topics in
 *   its own prefix that are not its telemetry or status, $SYS and wildcard topics: the broker closes
 *   the connection (MQTT 3.1.1 cannot refuse a PUBLISH otherwise) and a service account listening on
 *   `#` and `$SYS/#` receives none of them. A refused PUBLISH ends its connection, so each one gets
 *   a connection of its own (many at once); the device's own connection carries its subscriptions
 *   and its own messages.
 */

const CITIES = [uid('mxa'), uid('mxb')];
const PER_DOMAIN_SUFFIXES = ['1', '10'];
const PARALLEL_CONNECTIONS = 24;

interface FleetDevice {
  device: Device;
  secret: string;
  client?: MqttClient;
  inbox?: Inbox;
}

const prefixOf = (d: Device) => deviceTopicPrefix(d.cityId, d.domain, d.id);
const otherCity = (city: string) => CITIES.find((c) => c !== city) as string;
const otherDomains = (domain: Domain) => DOMAINS.filter((d) => d !== domain);

/** filters a device must not get: everyone else's, its own id elsewhere, wildcards, $SYS */
function foreignFilters(me: Device, fleet: readonly FleetDevice[]): string[] {
  const filters = new Set<string>();
  for (const { device: other } of fleet) {
    if (other.id === me.id) continue;
    filters.add(telemetryTopic(other.cityId, other.domain, other.id));
    filters.add(statusTopic(other.cityId, other.domain, other.id));
    filters.add(`${prefixOf(other)}#`);
  }
  filters.add(`${deviceTopicPrefix(otherCity(me.cityId), me.domain, me.id)}#`);
  for (const domain of otherDomains(me.domain)) filters.add(`${deviceTopicPrefix(me.cityId, domain, me.id)}#`);
  for (const filter of [
    '#',
    '+/#',
    'v1/#',
    'v1/+/air/x/telemetry',
    `v1/${me.cityId}/#`,
    `v1/${me.cityId}/${me.domain}/+/telemetry`,
    `v1/+/+/${me.id}/telemetry`,
    `v1/+/${me.domain}/${me.id}/#`,
    `v1/${me.cityId}/${me.domain}/${me.id}`,
    `v1/${me.cityId}/alerts/#`,
    '$SYS/#',
    '$SYS/broker/uptime',
    'mueang/#',
  ]) filters.add(filter);
  return [...filters];
}

/** topics a device must not publish to; the wildcard ones Aedes refuses before the ACL runs */
function foreignTopics(me: Device, fleet: readonly FleetDevice[]): string[] {
  const topics = new Set<string>();
  for (const { device: other } of fleet) {
    if (other.id === me.id) continue;
    topics.add(telemetryTopic(other.cityId, other.domain, other.id));
    topics.add(statusTopic(other.cityId, other.domain, other.id));
  }
  topics.add(telemetryTopic(otherCity(me.cityId), me.domain, me.id));
  topics.add(statusTopic(otherCity(me.cityId), me.domain, me.id));
  for (const domain of otherDomains(me.domain)) {
    topics.add(telemetryTopic(me.cityId, domain, me.id));
    topics.add(statusTopic(me.cityId, domain, me.id));
  }
  const own = prefixOf(me);
  for (const topic of [
    `${own}commands`,
    `${own}telemetry/extra`,
    `${own}telemetry/`,
    `${own}Telemetry`,
    `v1/${me.cityId}/${me.domain}/${me.id}`,
    `V1/${me.cityId}/${me.domain}/${me.id}/telemetry`,
    `v1//${me.domain}/${me.id}/telemetry`,
    `/v1/${me.cityId}/${me.domain}/${me.id}/telemetry`,
    `v1/${me.cityId}/alerts/fake`,
    `v1/${me.cityId}/${me.domain}/x/telemetry`,
    `mueang/registry/devices/${me.id}`,
    '$SYS/broker/uptime',
    `$SYS/${me.id}/new/clients`,
    'v1/+/air/x/telemetry',
    'v1/#',
    '#',
    `${own}+`,
  ]) topics.add(topic);
  return [...topics];
}

const hasWildcard = (topic: string) => topic.includes('+') || topic.includes('#');

/** run `tasks` with at most `limit` at a time */
async function pooled<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

describe('broker ACL matrix: every device x every foreign topic', () => {
  const registry = new MemoryRegistry();
  const fleet: FleetDevice[] = [];
  let broker: BrokerHandle;
  let service: MqttClient;
  let serviceInbox: Inbox;

  beforeAll(async () => {
    broker = await startBroker(registry);
    for (const city of CITIES) {
      for (const domain of DOMAINS) {
        for (const suffix of PER_DOMAIN_SUFFIXES) fleet.push(await registry.add({ city, domain, id: `${city}-${domain}-${suffix}` }));
      }
    }
    service = await connectService(broker.url);
    serviceInbox = new Inbox(service);
    expect(await subscribeGranted(service, ['#', '$SYS/#'])).toEqual([1, 1]);
    // one long-lived connection per device: its subscriptions and its own messages
    for (const f of fleet) {
      f.client = await connect(broker.url, { username: f.device.id, password: f.secret });
      f.inbox = new Inbox(f.client);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(fleet.map((f) => f.client?.endAsync()));
    await service?.endAsync();
    await broker?.close();
  });

  it('refuses every foreign subscription and delivers only the device its own messages', async () => {
    const before = (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'subscribe', reason: 'outside_own_prefix' })) + (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'subscribe', reason: 'sys_topic' }));
    let refused = 0;
    for (const f of fleet) {
      const filters = foreignFilters(f.device, fleet);
      const granted = await subscribeGranted(f.client!, [...filters, `${prefixOf(f.device)}#`]);
      expect(granted.slice(0, -1), `granted to ${f.device.id}`).toEqual(filters.map(() => 128));
      expect(granted.at(-1), `own prefix of ${f.device.id}`).toBe(1);
      refused += filters.length;
    }
    const after = (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'subscribe', reason: 'outside_own_prefix' })) + (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'subscribe', reason: 'sys_topic' }));
    expect(after - before).toBe(refused);

    // every owner publishes on its own topics (the status retained, as devices do), the service sends each a command
    for (const f of fleet) {
      const { cityId, domain, id } = f.device;
      await f.client!.publishAsync(telemetryTopic(cityId, domain, id), JSON.stringify({ values: { probe: 1 }, from: id }), { qos: 1 });
      await f.client!.publishAsync(statusTopic(cityId, domain, id), JSON.stringify({ status: 'online', from: id }), { qos: 1, retain: true });
      await service.publishAsync(`${prefixOf(f.device)}commands`, `command for ${id}`, { qos: 1 });
    }
    // the command is the last message each device can get: once it is in, nothing else is on the way
    for (const f of fleet) await f.inbox!.waitFor((m) => m.topic === `${prefixOf(f.device)}commands`, `the command of ${f.device.id}`);
    for (const f of fleet) {
      const own = prefixOf(f.device);
      expect(f.inbox!.messages.filter((m) => !m.topic.startsWith(own)), `foreign messages delivered to ${f.device.id}`).toEqual([]);
      // its own telemetry and command; status also carries the broker's retained online message
      expect([...new Set(f.inbox!.messages.map((m) => m.topic))].sort(), f.device.id).toEqual([`${own}commands`, `${own}status`, `${own}telemetry`]);
    }
    // and the service got every device's own telemetry and status
    for (const f of fleet) {
      const { cityId, domain, id } = f.device;
      await serviceInbox.waitFor((m) => m.topic === telemetryTopic(cityId, domain, id), `telemetry of ${id}`);
      await serviceInbox.waitFor((m) => m.topic === statusTopic(cityId, domain, id), `status of ${id}`);
    }
  });

  it('closes the connection on every foreign publish and delivers none of them', async () => {
    const acl = async () => (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'publish', reason: 'not_own_topic' })) + (await metricValue(broker.metrics, 'mueang_broker_acl_refusals_total', { action: 'publish', reason: 'sys_topic' }));
    const before = await acl();
    const attempts = fleet.flatMap((f) => foreignTopics(f.device, fleet).map((topic, i) => ({ f, topic, payload: `refused:${f.device.id}:${i}` })));
    const acked: string[] = [];
    await pooled(attempts, PARALLEL_CONNECTIONS, async ({ f, topic, payload }) => {
      const client = await connect(broker.url, { username: f.device.id, password: f.secret });
      const closed = waitForClose(client);
      client.publish(topic, payload, { qos: 1 }, (err) => {
        if (!err) acked.push(`${f.device.id} -> ${topic}`);
      });
      await closed;
      client.end(true);
    });
    expect(acked, 'publishes the broker acknowledged').toEqual([]);
    expect(await acl()).toBe(before + attempts.filter((a) => !hasWildcard(a.topic)).length);

    // the devices' own connections are untouched and still deliver: a last round trip through the service proves nothing is in flight
    for (const f of fleet) {
      const marker = uid('marker');
      await f.client!.publishAsync(telemetryTopic(f.device.cityId, f.device.domain, f.device.id), marker, { qos: 1 });
      await serviceInbox.waitFor((m) => m.payload === marker, `marker of ${f.device.id}`);
    }
    expect(serviceInbox.messages.filter((m) => m.payload.startsWith('refused:')), 'refused publishes delivered to the service').toEqual([]);
    for (const f of fleet) expect(f.inbox!.messages.filter((m) => m.payload.startsWith('refused:')), f.device.id).toEqual([]);
    console.info(`[fault] broker ACL matrix: ${fleet.length} devices, ${attempts.length} foreign publishes refused, ${fleet.reduce((n, f) => n + foreignFilters(f.device, fleet).length, 0)} foreign subscriptions refused`);
  });
});
