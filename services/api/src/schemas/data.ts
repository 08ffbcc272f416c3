import { Type } from 'typebox';
import { AGGREGATE_FUNCTIONS, GROUP_BY, WINDOW_NAMES } from '../data/aggregate.ts';
import { Domain, IdString, IsoTime, ParamsList, TimeParam, Values } from './common.ts';

export const RangeQuery = {
  from: Type.Optional(TimeParam('Start, inclusive (default: `to` minus the default span)')),
  to: Type.Optional(TimeParam('End, exclusive (default: now)')),
};
export const TagQuery = {
  device: Type.Optional(IdString('Only this device')),
  site: Type.Optional(IdString('Only this site')),
};

export const ReadingsQuery = Type.Object(
  {
    domain: Domain,
    ...RangeQuery,
    ...TagQuery,
    params: Type.Optional(ParamsList),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'most readings returned (oldest first)' })),
  },
  { additionalProperties: false },
);

export const Reading = Type.Object({ ts: IsoTime, device: Type.String(), site: Type.String(), values: Values });

export const ReadingsOut = Type.Object({
  city: Type.String(),
  domain: Domain,
  from: IsoTime,
  to: IsoTime,
  count: Type.Integer(),
  truncated: Type.Boolean({ description: 'true when `limit` cut the result: ask again from the last ts' }),
  readings: Type.Array(Reading),
});

export const AggregateQuery = Type.Object(
  {
    domain: Domain,
    ...RangeQuery,
    ...TagQuery,
    params: Type.Optional(ParamsList),
    window: Type.Optional(Type.Enum([...WINDOW_NAMES], { default: '1h', description: '1d = Asia/Bangkok calendar days (daily rollups); others are UTC-aligned' })),
    fn: Type.Optional(
      Type.Enum([...AGGREGATE_FUNCTIONS], { default: 'mean', description: 'leq = the energy mean of sound levels (noise only), as the Thai noise standard averages them' }),
    ),
    groupBy: Type.Optional(Type.Enum([...GROUP_BY], { default: 'device' })),
  },
  { additionalProperties: false },
);

export const AggregateOut = Type.Object({
  city: Type.String(),
  domain: Domain,
  from: IsoTime,
  to: IsoTime,
  window: Type.String(),
  fn: Type.String(),
  groupBy: Type.String(),
  source: Type.Enum(['raw', 'rollup-1h', 'rollup-1d'], { description: 'raw points or the precomputed hourly/daily rollups' }),
  rows: Type.Array(Type.Object({ start: IsoTime, device: Type.Optional(Type.String()), site: Type.Optional(Type.String()), values: Values })),
});

export const LatestQuery = Type.Object({ domain: Type.Optional(Domain), ...TagQuery }, { additionalProperties: false });
export const LatestOut = Type.Object({
  city: Type.String(),
  devices: Type.Array(Type.Object({ device: Type.String(), site: Type.String(), domain: Domain, ts: IsoTime, values: Values })),
});
