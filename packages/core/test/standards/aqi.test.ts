import { describe, expect, it } from 'vitest';
import {
  AQI_BANDS,
  cityAqi,
  stationAqi,
  stationAqiFromSamples,
  subIndex,
  type AqiPollutant,
  type StationAqiResult,
  type SubIndex,
} from '../../src/standards/index.ts';
import { HOUR, bkk, repeat, seriesEndingAt } from './helpers.ts';

const NEW_TABLE_DAY = '2024-01-15';
const OLD_TABLE_DAY = '2022-01-15';

function sub(pollutant: AqiPollutant, concentration: number, at: string | number = NEW_TABLE_DAY): SubIndex {
  const result = subIndex(pollutant, concentration, at);
  if (!result.ok) throw new Error(`unexpected error: ${result.error.message}`);
  return result.subIndex;
}

function ok(result: StationAqiResult) {
  if (result.status !== 'ok') throw new Error(`expected an AQI, got ${result.status}`);
  return result;
}

describe('Thai AQI: AQI 100 equals each ambient standard', () => {
  it.each([
    ['pm25', 37.5],
    ['pm10', 120],
    ['o3', 70],
    ['co', 9],
    ['no2', 170],
    ['so2', 300],
  ] as const)('%s at %d gives 100', (pollutant, standard) => {
    expect(sub(pollutant, standard).aqi).toBe(100);
  });

  it('reference §9.5 checks: PM2.5 15.0 -> 25, 75.0 -> 200', () => {
    expect(sub('pm25', 15.0).aqi).toBe(25);
    expect(sub('pm25', 75.0).aqi).toBe(200);
  });
});

describe('Thai AQI: every band edge of the 2023 table', () => {
  const edges: Record<AqiPollutant, number[]> = {
    pm25: [15.0, 15.1, 25.0, 25.1, 37.5, 37.6, 75.0, 75.1],
    pm10: [50, 51, 80, 81, 120, 121, 180, 181],
    o3: [35, 36, 50, 51, 70, 71, 120, 121],
    co: [4.4, 4.5, 6.4, 6.5, 9.0, 9.1, 30.0, 30.1],
    no2: [60, 61, 106, 107, 170, 171, 340, 341],
    so2: [100, 101, 200, 201, 300, 301, 400, 401],
  };
  const expectedAqi = [25, 26, 50, 51, 100, 101, 200, 201];
  const expectedLevel = [1, 2, 2, 3, 3, 4, 4, 5];

  for (const [pollutant, concentrations] of Object.entries(edges) as [AqiPollutant, number[]][]) {
    it(`${pollutant}: ${concentrations.join(' / ')}`, () => {
      const results = concentrations.map((c) => sub(pollutant, c));
      expect(results.map((r) => r.aqi)).toEqual(expectedAqi);
      expect(results.map((r) => r.band.level)).toEqual(expectedLevel);
    });
  }

  it('interpolates inside a band (PM2.5 20.0: 26 + 24/9.9 × 4.9 = 37.88 -> 38)', () => {
    const r = sub('pm25', 20.0);
    expect(r.exactAqi).toBeCloseTo(37.8788, 3);
    expect(r.aqi).toBe(38);
  });

  it('rounds the input to the table resolution before choosing the band (15.04 -> 15.0, 15.05 -> 15.1)', () => {
    expect(sub('pm25', 15.04)).toMatchObject({ roundedConcentration: 15.0, aqi: 25 });
    expect(sub('pm25', 15.05)).toMatchObject({ roundedConcentration: 15.1, aqi: 26 });
    expect(sub('co', 9.04).aqi).toBe(100);
    expect(sub('co', 9.05).aqi).toBe(101);
  });

  it('bands carry Thai and English names and the palette colour', () => {
    expect(AQI_BANDS.map((b) => b.name.th)).toEqual([
      'คุณภาพอากาศดีมาก',
      'คุณภาพอากาศดี',
      'ปานกลาง',
      'เริ่มมีผลกระทบต่อสุขภาพ',
      'มีผลกระทบต่อสุขภาพ',
    ]);
    expect(sub('pm25', 80).band).toMatchObject({ level: 5, name: { en: 'Affects health' }, colour: { hex: '#CD0000' } });
    expect(sub('pm25', 10).band.colour.name.en).toBe('blue');
  });
});

describe('Thai AQI: table chosen by date (2023-06-01 switch)', () => {
  it('PM2.5 45 µg/m³ gives 80 on 2023-05-31 and 121 on 2023-06-01', () => {
    const before = sub('pm25', 45, '2023-05-31');
    const after = sub('pm25', 45, '2023-06-01');
    // old: 51 + 49/12 × (45 - 38) = 79.58; new: 101 + 99/37.4 × (45 - 37.6) = 120.59
    expect(before).toMatchObject({ aqi: 80, tableVersion: 'pre-2023' });
    expect(before.band.level).toBe(3);
    expect(after).toMatchObject({ aqi: 121, tableVersion: '2023-06-01' });
    expect(after.band.level).toBe(4);
  });

  it('switches on the Asia/Bangkok day, not the UTC day', () => {
    // 00:30 in Bangkok on 1 June is still 31 May in UTC
    expect(sub('pm25', 45, bkk('2023-06-01T00:30')).tableVersion).toBe('2023-06-01');
    expect(sub('pm25', 45, bkk('2023-05-31T23:30')).tableVersion).toBe('pre-2023');
  });

  it('the pre-2023 PM2.5 table has integer breakpoints; 37.4 rounds into 26-50', () => {
    const at = OLD_TABLE_DAY;
    expect(sub('pm25', 25, at).aqi).toBe(25);
    expect(sub('pm25', 26, at).aqi).toBe(26);
    expect(sub('pm25', 37, at).aqi).toBe(50);
    expect(sub('pm25', 37.4, at)).toMatchObject({ roundedConcentration: 37, aqi: 50 });
    expect(sub('pm25', 37.5, at)).toMatchObject({ roundedConcentration: 38, aqi: 51 });
    expect(sub('pm25', 50, at).aqi).toBe(100);
    expect(sub('pm25', 51, at).aqi).toBe(101);
    expect(sub('pm25', 90, at).aqi).toBe(200);
    expect(sub('pm25', 91, at).aqi).toBe(201);
  });
});

describe('Thai AQI: above 200', () => {
  it('extends the 101-200 slope from the first red breakpoint and flags the number non-official', () => {
    // 201 + (100 - 75.1) × 99 / 37.4 = 266.9
    expect(sub('pm25', 100)).toMatchObject({ aqi: 267, nonOfficial: true });
    expect(sub('pm25', 100).band.level).toBe(5);
    // no cap: 201 + (150 - 75.1) × 99 / 37.4 = 399.3
    expect(sub('pm25', 150).aqi).toBe(399);
    // old table: 201 + (100 - 91) × 99 / 39 = 223.8
    expect(sub('pm25', 100, OLD_TABLE_DAY).aqi).toBe(224);
  });

  it('the first red breakpoint itself is the official 201', () => {
    expect(sub('pm25', 75.1)).toMatchObject({ aqi: 201, nonOfficial: false });
  });

  it('grows with the concentration', () => {
    const values = [80, 120, 200, 400].map((c) => sub('pm25', c).aqi);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('Thai AQI: station and responsible pollutant', () => {
  it('AQI = highest sub-index, naming the pollutant', () => {
    // pm25 20 -> 38; pm10 130 -> 101 + 99/59 × 9 = 116.1; o3 40 -> 26 + 24/14 × 4 = 32.9
    const result = ok(stationAqi({ pm25: 20, pm10: 130, o3: 40 }, NEW_TABLE_DAY));
    expect(result.aqi).toBe(116);
    expect(result.responsiblePollutant).toBe('pm10');
    expect(result.responsiblePollutants).toEqual(['pm10']);
    expect(result.band.level).toBe(4);
    expect(result.subIndices.map((s) => [s.pollutant, s.aqi])).toEqual([
      ['pm25', 38],
      ['pm10', 116],
      ['o3', 33],
    ]);
    expect(result.missing).toEqual(['co', 'no2', 'so2']);
  });

  it('names every pollutant sharing the top sub-index', () => {
    const result = ok(stationAqi({ o3: 70, pm10: 120, pm25: 10 }, NEW_TABLE_DAY));
    expect(result.aqi).toBe(100);
    expect(result.responsiblePollutants).toEqual(['pm10', 'o3']);
    expect(result.responsiblePollutant).toBe('pm10');
  });

  it('refuses bad inputs with a reason and keeps the good ones', () => {
    const result = ok(stationAqi({ pm25: -3, benzene: 5, no2: Number.NaN, o3: 40 }, NEW_TABLE_DAY));
    expect(result.aqi).toBe(33);
    expect(result.rejected.map((r) => [r.pollutant, r.code])).toEqual([
      ['benzene', 'aqi.unknown_pollutant'],
      ['pm25', 'aqi.negative'],
      ['no2', 'aqi.not_finite'],
    ]);
    expect(result.rejected[1]?.message).toContain('negative');
  });

  it('no usable value -> no-data, an invalid date -> invalid', () => {
    expect(stationAqi({ pm25: -1 }, NEW_TABLE_DAY).status).toBe('no-data');
    expect(stationAqi({}, NEW_TABLE_DAY).status).toBe('no-data');
    const invalid = stationAqi({ pm25: 10 }, '2023-02-30');
    expect(invalid.status).toBe('invalid');
  });
});

describe('Thai AQI from raw samples: each pollutant over its own averaging', () => {
  const at = bkk('2024-01-15T12:00');

  it('PM over 24 h, O3 over 8 h, NO2 over 1 h', () => {
    // PM2.5: 16 h at 20 then 8 h at 80 -> 24 h mean 40 (an 8 h mean would be 80)
    const pm25 = seriesEndingAt(at, HOUR, [...repeat(20, 16), ...repeat(80, 8)]);
    // O3: 8 hourly values at 70 after 16 hours at 0 -> the 8 h mean is 70
    const o3 = seriesEndingAt(at, HOUR, [...repeat(0, 16), ...repeat(70, 8)]);
    // NO2: only the last hour counts
    const no2 = seriesEndingAt(at, HOUR, [...repeat(500, 23), 100]);
    const result = ok(stationAqiFromSamples({ pm25, o3, no2 }, at, { expectedIntervalMs: HOUR }));
    const byPollutant = Object.fromEntries(result.subIndices.map((s) => [s.pollutant, s]));
    expect(byPollutant.pm25?.concentration).toBeCloseTo(40, 9);
    expect(byPollutant.pm25?.aqi).toBe(107); // 101 + 99/37.4 × (40 - 37.6) = 107.4
    expect(byPollutant.o3?.aqi).toBe(100);
    expect(byPollutant.no2?.concentration).toBe(100);
    expect(result.responsiblePollutant).toBe('pm25');
  });

  it('a pollutant with an incomplete window is left out and listed', () => {
    const pm25 = seriesEndingAt(at, HOUR, repeat(60, 17)); // 17 of 24 hours: below 75 %
    const o3 = seriesEndingAt(at, HOUR, repeat(40, 8));
    const result = ok(stationAqiFromSamples({ pm25, o3 }, at, { expectedIntervalMs: HOUR }));
    expect(result.aqi).toBe(33);
    expect(result.responsiblePollutant).toBe('o3');
    expect(result.insufficient).toEqual([{ pollutant: 'pm25', completeness: 17 / 24, samples: 17, required: 18 }]);
    expect(result.missing).not.toContain('pm25');
  });
});

describe('City AQI: worst station with the median alongside', () => {
  const day = NEW_TABLE_DAY;
  it('headline is the worst station', () => {
    const city = cityAqi([
      { stationId: 's1', result: stationAqi({ o3: 40 }, day) }, // 33
      { stationId: 's2', result: stationAqi({ pm10: 130 }, day) }, // 116
      { stationId: 's3', result: stationAqi({ pm25: 20 }, day) }, // 38
      { stationId: 's4', result: stationAqi({}, day) },
    ]);
    expect(city).toMatchObject({
      status: 'ok',
      aqi: 116,
      worstStationId: 's2',
      responsiblePollutant: 'pm10',
      medianAqi: 38,
      stationCount: 3,
      stationsWithoutData: ['s4'],
    });
  });

  it('median of an even count is the mean of the middle two, rounded', () => {
    const city = cityAqi([
      { stationId: 'a', result: stationAqi({ pm25: 20 }, day) }, // 38
      { stationId: 'b', result: stationAqi({ o3: 40 }, day) }, // 33
    ]);
    expect(city).toMatchObject({ aqi: 38, medianAqi: 36 }); // (33 + 38) / 2 = 35.5 -> 36
  });

  it('no station with data -> no-data', () => {
    expect(cityAqi([]).status).toBe('no-data');
  });
});
