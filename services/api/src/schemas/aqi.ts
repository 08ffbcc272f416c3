import { AQI_POLLUTANTS } from '@mueang/core';
import { Type } from 'typebox';
import { IsoTime, NullableString } from './common.ts';

const Pollutant = Type.Enum([...AQI_POLLUTANTS]);
const Band = Type.Object({ level: Type.Integer(), name: Type.Object({ en: Type.String(), th: Type.String() }), colour: Type.String() });
const NullableBand = Type.Union([Band, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullablePollutant = Type.Union([Pollutant, Type.Null()]);

export const StationAqi = Type.Object({
  device: Type.String(),
  site: Type.String(),
  siteName: NullableString,
  status: Type.Enum(['ok', 'no-data', 'invalid']),
  aqi: NullableInt,
  band: NullableBand,
  responsiblePollutant: NullablePollutant,
  nonOfficial: Type.Boolean({ description: 'AQI above 200 is extrapolated (project choice aqi-above-200)' }),
  subIndices: Type.Array(Type.Object({ pollutant: Pollutant, concentration: Type.Number(), unit: Type.String(), aqi: Type.Integer() })),
  missing: Type.Array(Pollutant),
  insufficient: Type.Array(Type.Object({ pollutant: Pollutant, completeness: Type.Number() }), { description: 'pollutants left out: under 75 % of the expected samples in their window' }),
  message: NullableString,
});

export const CityAqi = Type.Object({
  status: Type.Enum(['ok', 'no-data']),
  aqi: NullableInt,
  band: NullableBand,
  worstStation: NullableString,
  responsiblePollutant: NullablePollutant,
  medianAqi: NullableInt,
  stationCount: Type.Integer(),
  stationsWithoutData: Type.Array(Type.String()),
  nonOfficial: Type.Boolean(),
});

export const AqiOut = Type.Object({
  city: Type.String(),
  at: IsoTime,
  table: Type.Object({ id: Type.String(), version: Type.String() }),
  method: Type.String(),
  cityAqi: CityAqi,
  stations: Type.Array(StationAqi),
});
