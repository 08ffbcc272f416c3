import { Type } from 'typebox';
import { IdString, IsoTime, NullableNumber, NullableString } from '../schemas/common.ts';
import { TREND_RANGES } from './trend.ts';

const Bilingual = Type.Object({ en: Type.String(), th: Type.String() });
const Reporting = Type.Enum(['reporting', 'silent', 'never', 'revoked'], { description: 'reporting: a reading in the last 30 min; silent: older; never: none' });
const NullableBoolean = Type.Union([Type.Boolean(), Type.Null()]);

export const DeviceStatus = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  domain: Type.String(),
  kind: Type.String(),
  name: NullableString,
  status: Type.Enum(['active', 'revoked']),
  lastSeen: Type.Union([IsoTime, Type.Null()]),
  reporting: Reporting,
});

const LimitUse = Type.Object({ id: Type.String(), version: Type.String(), min: NullableNumber, max: NullableNumber, statistic: Type.String(), percentile: NullableNumber });

export const SiteStatusOut = Type.Object({
  city: Type.String(),
  at: IsoTime,
  sites: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      nameTh: NullableString,
      lat: NullableNumber,
      lon: NullableNumber,
      kind: NullableString,
      waterClass: NullableNumber,
      domains: Type.Array(Type.String()),
    }),
  ),
  devices: Type.Array(DeviceStatus),
  water: Type.Array(
    Type.Object({
      site: Type.String(),
      device: Type.String(),
      waterClass: NullableNumber,
      status: Type.Enum(['compliant', 'non-compliant', 'insufficient-data', 'not-assessed']),
      params: Type.Array(
        Type.Object({
          param: Type.String(),
          unit: Type.String(),
          value: NullableNumber,
          completeness: Type.Number(),
          verdict: Type.Enum(['pass', 'exceed', 'insufficient-data']),
          standards: Type.Array(LimitUse),
        }),
      ),
    }),
  ),
  energy: Type.Array(
    Type.Object({
      site: Type.String(),
      device: Type.String(),
      kwhLast24h: NullableNumber,
      completeness: Type.Number(),
      baselineKwhPerDay: NullableNumber,
      baselineDays: Type.Integer(),
      changePercent: NullableNumber,
    }),
  ),
  waste: Type.Array(
    Type.Object({
      site: Type.String(),
      bins: Type.Integer(),
      needCollection: Type.Integer(),
      overflowing: Type.Integer(),
      devices: Type.Array(
        Type.Object({ device: Type.String(), fillingLevel: NullableNumber, lidOpen: NullableBoolean, ts: Type.Union([IsoTime, Type.Null()]), needsCollection: Type.Boolean(), overflowing: Type.Boolean() }),
      ),
    }),
  ),
  thresholds: Type.Object({ wasteFullPercent: Type.Number(), wasteOverflowPercent: Type.Number(), minCompleteness: Type.Number(), noDataAfterMinutes: Type.Number() }),
  method: Type.Object({ devices: Type.String(), water: Type.String(), energy: Type.String(), waste: Type.String() }),
});

export const TrendParams = Type.Object({ city: IdString('City id'), device: IdString('Device id') }, { additionalProperties: false });
export const TrendQuery = Type.Object(
  { range: Type.Optional(Type.Enum(Object.keys(TREND_RANGES), { default: '24h', description: 'the last 24 h, 7 days or 30 days' })) },
  { additionalProperties: false },
);

const Point = Type.Array(Type.Union([Type.Number(), Type.Null()]), { minItems: 2, maxItems: 2 });

export const TrendOut = Type.Object({
  city: Type.String(),
  device: Type.Object({ ...DeviceStatus.properties, expectedIntervalS: Type.Number() }),
  site: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), nameTh: NullableString, waterClass: NullableNumber }), Type.Null()]),
  range: Type.String(),
  from: IsoTime,
  to: IsoTime,
  source: Type.Enum(['raw', 'rollup-1h']),
  params: Type.Array(
    Type.Object({
      param: Type.String(),
      label: Bilingual,
      unit: Type.String(),
      decimals: Type.Integer(),
      statistic: Type.Union([Type.Literal('mean'), Type.Literal('leq')], { description: "how points and the rolling line average: 'leq' (energy mean) for sound levels" }),
      completeness: Type.Number({ description: '0-1 over the range' }),
      points: Type.Array(Point, { description: '[hour start (epoch ms), hourly mean or Leq]' }),
      standard: Type.Union([
        Type.Object({
          id: Type.String(),
          version: Type.String(),
          name: Bilingual,
          min: NullableNumber,
          max: NullableNumber,
          unit: Type.String(),
          statistic: Type.String(),
          percentile: NullableNumber,
          averaging: Type.Object({ kind: Type.String(), periodMs: NullableNumber, label: Bilingual }),
        }),
        Type.Null(),
      ]),
      rolling: Type.Union([
        Type.Object({ periodMs: Type.Number(), label: Bilingual, points: Type.Array(Point, { description: '[window end (epoch ms), rolling mean or null]' }) }),
        Type.Null(),
      ]),
    }),
  ),
  method: Type.String(),
});
