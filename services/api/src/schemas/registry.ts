import { Type } from 'typebox';
import { Domain, FreeText, IdString, IsoTime, NO_NUL_PATTERN, NullableInput, NullableNumber, NullableString } from './common.ts';

export const RoleSchema = Type.Enum(['admin', 'operator', 'viewer'], { description: 'admin > operator > viewer' });

export const CityOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameTh: NullableString,
  province: NullableString,
  timezone: Type.String(),
  publicData: Type.Boolean({ description: 'true: the city publishes open data at /open/v1/{city}/...' }),
  createdAt: IsoTime,
});

export const SiteOut = Type.Object({
  id: Type.String(),
  cityId: Type.String(),
  name: Type.String(),
  nameTh: NullableString,
  lat: NullableNumber,
  lon: NullableNumber,
  kind: NullableString,
  waterClass: Type.Union([Type.Integer(), Type.Null()], { description: 'assigned Thai surface-water class 1-5 (water sites)' }),
  createdAt: IsoTime,
});

export const DeviceOut = Type.Object({
  id: Type.String(),
  cityId: Type.String(),
  siteId: Type.String(),
  domain: Domain,
  kind: Type.String(),
  name: NullableString,
  status: Type.Enum(['active', 'revoked']),
  hasCredentials: Type.Boolean({ description: 'true when an MQTT secret is set (the secret itself is never shown again)' }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const MqttCredentials = Type.Object(
  {
    username: Type.String({ description: 'MQTT username = device id' }),
    password: Type.String({ description: 'MQTT password: shown only in this response; store it on the device now' }),
    clientId: Type.String({ description: 'use the device id as MQTT client id' }),
    topicPrefix: Type.String({ description: 'the device may publish and subscribe only below this prefix' }),
    telemetryTopic: Type.String(),
    statusTopic: Type.String(),
    brokerUrl: Type.Optional(Type.String()),
    notice: Type.String(),
  },
  { description: 'MQTT credentials, returned once' },
);

export const ProvisionOut = Type.Object({ device: DeviceOut, mqtt: MqttCredentials, brokerNotified: Type.Boolean() });
export const DeviceChangeOut = Type.Object({
  device: DeviceOut,
  brokerNotified: Type.Boolean({ description: 'false: the broker could not be told at once; it applies the change within its cache TTL (30 s by default)' }),
});

const Name = (what: string) => FreeText({ minLength: 1, maxLength: 200, description: what });
const OptionalText = (what: string, max = 200) => Type.Optional(NullableInput<string>({ type: 'string', maxLength: max, pattern: NO_NUL_PATTERN, description: `${what}; null clears it` }));

export const CityCreate = Type.Object(
  {
    id: IdString('City id, e.g. cnx'),
    name: Name('Name in English'),
    nameTh: OptionalText('Name in Thai'),
    province: OptionalText('Province'),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone, default Asia/Bangkok' })),
    publicData: Type.Optional(Type.Boolean({ description: 'publish open data (default false)' })),
  },
  { additionalProperties: false },
);

export const CityPatch = Type.Object(
  {
    name: Type.Optional(Name('Name in English')),
    nameTh: OptionalText('Name in Thai'),
    province: OptionalText('Province'),
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
    publicData: Type.Optional(Type.Boolean({ description: 'opt in (true) or out (false) of the public open-data API' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Lat = Type.Optional(NullableInput<number>({ type: 'number', minimum: -90, maximum: 90, description: 'WGS 84 latitude; give lat and lon together; null clears both' }));
const Lon = Type.Optional(NullableInput<number>({ type: 'number', minimum: -180, maximum: 180, description: 'WGS 84 longitude; give lat and lon together; null clears both' }));
const WaterClass = Type.Optional(NullableInput<number>({ type: 'integer', minimum: 1, maximum: 5, description: 'assigned Thai surface-water class 1-5; null clears it' }));

export const SiteCreate = Type.Object(
  {
    id: IdString('Site id'),
    name: Name('Site name'),
    nameTh: OptionalText('Name in Thai'),
    lat: Lat,
    lon: Lon,
    kind: OptionalText('e.g. roadside, residential, river, building', 64),
    waterClass: WaterClass,
  },
  { additionalProperties: false },
);

export const SitePatch = Type.Object(
  { name: Type.Optional(Name('Site name')), nameTh: OptionalText('Name in Thai'), lat: Lat, lon: Lon, kind: OptionalText('Site kind', 64), waterClass: WaterClass },
  { additionalProperties: false, minProperties: 1 },
);

export const DeviceCreate = Type.Object(
  {
    id: IdString('Device id; also its MQTT username'),
    siteId: IdString('Site of the device (in this city)'),
    domain: Domain,
    kind: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$', description: 'model or kind, e.g. aq-station, sonde, smart-meter, bin-sensor' }),
    name: OptionalText('Display name'),
  },
  { additionalProperties: false },
);

export const DevicePatch = Type.Object(
  {
    siteId: Type.Optional(IdString('Move the device to another site of this city')),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$' })),
    name: OptionalText('Display name'),
  },
  { additionalProperties: false, minProperties: 1 },
);
