import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deviceTopicPrefix, generateSecret, hashSecret, statusTopic, telemetryTopic, type RegistryAction } from '@mueang/core';
import type { Device, StateStore } from '@mueang/storage';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import { changedFields, pick, type AuditTrail } from '../../audit/trail.ts';
import { ApiError } from '../../errors.ts';
import type { RegistryEvents } from '../../registry-events.ts';
import { CityParams, Domain, IdString, READ_PROBLEMS, problems } from '../../schemas/common.ts';
import { DeviceChangeOut, DeviceCreate, DeviceOut, DevicePatch, ProvisionOut } from '../../schemas/registry.ts';
import { loadCity } from './cities.ts';
import { deviceOut } from './mappers.ts';

export interface DeviceRoutesOptions {
  state: StateStore;
  audit: AuditTrail;
  registryEvents: RegistryEvents;
  /** the broker address devices should use, shown with their credentials (e.g. mqtts://mqtt.city.go.th:8883) */
  mqttPublicUrl?: string | undefined;
}

/** the fields of a device the audit log shows (never its secret or hash) */
const DEVICE_FIELDS = ['siteId', 'domain', 'kind', 'name', 'status'] as const;
const DeviceParams = Type.Object({ city: IdString('City id'), device: IdString('Device id') }, { additionalProperties: false });
const DeviceListQuery = Type.Object(
  {
    domain: Type.Optional(Domain),
    site: Type.Optional(IdString('Only devices of this site')),
    status: Type.Optional(Type.Enum(['active', 'revoked'])),
  },
  { additionalProperties: false },
);

export async function loadDevice(state: StateStore, cityId: string, deviceId: string): Promise<Device> {
  const device = await state.getDevice(deviceId);
  if (!device || device.cityId !== cityId) throw ApiError.notFound(`No device "${deviceId}" in city "${cityId}"; list them with GET /v1/cities/${cityId}/devices.`);
  return device;
}

async function newSecret(): Promise<{ secret: string; hash: string }> {
  const secret = generateSecret();
  return { secret, hash: await hashSecret(secret) };
}

/**
 * Devices and their MQTT credentials. The secret is returned once (provision, rotate,
 * reactivate) and stored only as a scrypt hash. Every change that affects a login is announced
 * to the broker (RegistryEvents) so it applies at once, also across processes.
 */
export const deviceRoutes: FastifyPluginAsyncTypebox<DeviceRoutesOptions> = async (app, { state, audit, registryEvents, mqttPublicUrl }) => {
  function credentials(device: Device, secret: string) {
    return {
      username: device.id,
      password: secret,
      clientId: device.id,
      topicPrefix: deviceTopicPrefix(device.cityId, device.domain, device.id),
      telemetryTopic: telemetryTopic(device.cityId, device.domain, device.id),
      statusTopic: statusTopic(device.cityId, device.domain, device.id),
      ...(mqttPublicUrl ? { brokerUrl: mqttPublicUrl } : {}),
      notice: 'The password is shown only now and cannot be read again; store it on the device. Rotate it to get a new one.',
    };
  }

  async function notify(log: FastifyBaseLogger, deviceId: string, action: RegistryAction): Promise<boolean> {
    try {
      await registryEvents.deviceChanged(deviceId, action);
      return true;
    } catch (err) {
      log.warn({ deviceId, action, err: (err as Error).message }, 'could not announce the registry change to the broker; it applies after the broker cache TTL');
      return false;
    }
  }

  async function reload(deviceId: string): Promise<Device> {
    const device = await state.getDevice(deviceId);
    if (!device) throw ApiError.notFound(`Device "${deviceId}" disappeared while it was being changed; list devices and retry.`);
    return device;
  }

  app.get(
    '/cities/:city/devices',
    {
      schema: {
        tags: ['registry'],
        summary: 'Devices of a city',
        params: CityParams,
        querystring: DeviceListQuery,
        response: { 200: Type.Object({ devices: Type.Array(DeviceOut) }), ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      await loadCity(state, request.params.city);
      const { domain, site, status } = request.query;
      const devices = await state.listDevices({ cityId: request.params.city, ...(domain ? { domain } : {}), ...(site ? { siteId: site } : {}), ...(status ? { status } : {}) });
      return { devices: devices.map(deviceOut) };
    },
  );

  app.post(
    '/cities/:city/devices',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['registry'],
        summary: 'Provision a device: returns its MQTT credentials once',
        params: CityParams,
        body: DeviceCreate,
        response: { 201: ProvisionOut, ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const cityId = request.params.city;
      await loadCity(state, cityId);
      const body = request.body;
      const existing = await state.getDevice(body.id);
      if (existing) {
        throw ApiError.conflict(
          existing.cityId === cityId
            ? `Device "${body.id}" exists already; rotate its secret with POST /v1/cities/${cityId}/devices/${body.id}/rotate.`
            : `Device id "${body.id}" is taken (device ids are unique across cities: they are MQTT usernames); choose another id.`,
        );
      }
      const site = await state.getSite(body.siteId);
      if (!site || site.cityId !== cityId) {
        throw ApiError.invalidParameter('body.siteId', `site "${body.siteId}" does not exist in city "${cityId}"; create it with POST /v1/cities/${cityId}/sites`);
      }
      const { secret, hash } = await newSecret();
      const device = await audit.change(request, async (tx) => {
        const created = await tx.state.upsertDevice({ id: body.id, cityId, siteId: body.siteId, domain: body.domain, kind: body.kind, name: body.name ?? null, secretHash: hash, status: 'active' });
        return { result: created, audit: { action: 'device.provision', target: { type: 'device', id: created.id }, cityId, details: { after: pick(created, DEVICE_FIELDS) } } };
      });
      request.log.info({ deviceId: device.id, cityId, domain: device.domain, by: request.principal?.keyId }, 'device provisioned');
      const brokerNotified = await notify(request.log, device.id, 'updated');
      return reply.status(201).send({ device: deviceOut(device), mqtt: credentials(device, secret), brokerNotified });
    },
  );

  app.get(
    '/cities/:city/devices/:device',
    { schema: { tags: ['registry'], summary: 'One device (never its secret)', params: DeviceParams, response: { 200: DeviceOut, ...problems(...READ_PROBLEMS) } } },
    async (request) => deviceOut(await loadDevice(state, request.params.city, request.params.device)),
  );

  app.patch(
    '/cities/:city/devices/:device',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['registry'],
        summary: 'Change a device (site, kind, name); the domain is part of its topics and cannot change',
        params: DeviceParams,
        body: DevicePatch,
        response: { 200: DeviceChangeOut, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { city, device: deviceId } = request.params;
      const current = await loadDevice(state, city, deviceId);
      const body = request.body;
      if (body.siteId !== undefined) {
        const site = await state.getSite(body.siteId);
        if (!site || site.cityId !== city) throw ApiError.invalidParameter('body.siteId', `site "${body.siteId}" does not exist in city "${city}"`);
      }
      await audit.change(request, async (tx) => {
        const changed = await tx.state.upsertDevice({
          id: current.id,
          cityId: current.cityId,
          domain: current.domain,
          siteId: body.siteId ?? current.siteId,
          kind: body.kind ?? current.kind,
          ...(body.name !== undefined ? { name: body.name } : {}),
        });
        const changes = changedFields(current, changed, DEVICE_FIELDS);
        return { result: changed, audit: Object.keys(changes).length === 0 ? null : { action: 'device.update', target: { type: 'device', id: current.id }, cityId: current.cityId, details: { changes } } };
      });
      request.log.info({ deviceId, fields: Object.keys(body), by: request.principal?.keyId }, 'device changed');
      const brokerNotified = await notify(request.log, deviceId, 'updated');
      return { device: deviceOut(await reload(deviceId)), brokerNotified };
    },
  );

  app.post(
    '/cities/:city/devices/:device/rotate',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['registry'],
        summary: 'Rotate the MQTT secret: the old one stops working at once; the new one is returned once',
        params: DeviceParams,
        response: { 200: ProvisionOut, ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const { city, device: deviceId } = request.params;
      const current = await loadDevice(state, city, deviceId);
      if (current.status === 'revoked') {
        throw ApiError.conflict(`Device "${deviceId}" is revoked; an admin can bring it back with POST /v1/cities/${city}/devices/${deviceId}/reactivate (which issues a new secret).`);
      }
      const { secret, hash } = await newSecret();
      await audit.change(request, async (tx) => {
        await tx.state.setDeviceSecretHash(deviceId, hash);
        return { result: undefined, audit: { action: 'device.rotate', target: { type: 'device', id: deviceId }, cityId: current.cityId, details: { secretReplaced: true } } };
      });
      request.log.info({ deviceId, by: request.principal?.keyId }, 'device secret rotated');
      const brokerNotified = await notify(request.log, deviceId, 'rotated');
      const device = await reload(deviceId);
      return { device: deviceOut(device), mqtt: credentials(device, secret), brokerNotified };
    },
  );

  app.post(
    '/cities/:city/devices/:device/revoke',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['registry'],
        summary: 'Revoke a device: its connections are closed and it cannot log in again',
        params: DeviceParams,
        response: { 200: DeviceChangeOut, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { city, device: deviceId } = request.params;
      const current = await loadDevice(state, city, deviceId);
      if (current.status !== 'revoked') {
        await audit.change(request, async (tx) => {
          await tx.state.setDeviceStatus(deviceId, 'revoked');
          return { result: undefined, audit: { action: 'device.revoke', target: { type: 'device', id: deviceId }, cityId: current.cityId, details: { changes: { status: { from: current.status, to: 'revoked' } } } } };
        });
      }
      request.log.info({ deviceId, by: request.principal?.keyId }, 'device revoked');
      // announced also when it was revoked already: a broker that missed the first event catches up
      const brokerNotified = await notify(request.log, deviceId, 'revoked');
      return { device: deviceOut(await reload(deviceId)), brokerNotified };
    },
  );

  app.post(
    '/cities/:city/devices/:device/reactivate',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['registry'],
        summary: 'Reactivate a revoked device with a new secret (returned once); the old secret never works again',
        params: DeviceParams,
        response: { 200: ProvisionOut, ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const { city, device: deviceId } = request.params;
      const current = await loadDevice(state, city, deviceId);
      if (current.status !== 'revoked') throw ApiError.conflict(`Device "${deviceId}" is active; to change its secret use POST /v1/cities/${city}/devices/${deviceId}/rotate.`);
      const { secret, hash } = await newSecret();
      // the new hash first, then the status: the old secret is never valid on an active device (one transaction now, the order kept)
      await audit.change(request, async (tx) => {
        await tx.state.setDeviceSecretHash(deviceId, hash);
        await tx.state.setDeviceStatus(deviceId, 'active');
        return { result: undefined, audit: { action: 'device.reactivate', target: { type: 'device', id: deviceId }, cityId: current.cityId, details: { changes: { status: { from: 'revoked', to: 'active' } }, secretReplaced: true } } };
      });
      request.log.info({ deviceId, by: request.principal?.keyId }, 'device reactivated with a new secret');
      const brokerNotified = await notify(request.log, deviceId, 'rotated');
      const device = await reload(deviceId);
      return { device: deviceOut(device), mqtt: credentials(device, secret), brokerNotified };
    },
  );
};
