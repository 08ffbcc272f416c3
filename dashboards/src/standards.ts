/**
 * Thresholds, colours and standard lines, all read from @mueang/core's standards data and alert rules: nothing here
 * types a limit again. A test compares every threshold in the built JSON with these sources.
 */
import {
  AQI_BANDS,
  AQI_PALETTE,
  AQI_STANDARD_IDS,
  defaultRule,
  getStandard,
  standardsFor,
  type AqiPollutant,
  type Limit,
  type Standard,
  type ThresholdCondition,
} from '@mueang/core';
import { ThresholdsConfigBuilder, ThresholdsMode, type Threshold } from '@grafana/grafana-foundation-sdk/dashboard';

/** within a limit / beyond it: the AQI palette's "good" green and "affects health" red */
export const WITHIN_COLOUR = (AQI_PALETTE.find((c) => c.band === 2) ?? AQI_PALETTE[0]!).hex;
/** approaching a limit: the palette's orange */
export const NEAR_COLOUR = (AQI_PALETTE.find((c) => c.band === 4) ?? AQI_PALETTE[AQI_PALETTE.length - 1]!).hex;
export const BEYOND_COLOUR = (AQI_PALETTE.find((c) => c.band === 5) ?? AQI_PALETTE[AQI_PALETTE.length - 1]!).hex;

function thresholds(steps: Threshold[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Thai AQI bands: each band's colour from its first AQI value (0, 26, 51, 101, 201). */
export function aqiThresholdSteps(): Threshold[] {
  return AQI_BANDS.map((band, i) => ({ value: i === 0 ? null : band.minAqi, color: band.colour.hex }));
}

export function aqiThresholds(): ThresholdsConfigBuilder {
  return thresholds(aqiThresholdSteps());
}

/** Steps for a limit: a maximum turns red at the limit, a minimum is red below it, a range is red outside it. */
export function limitThresholdSteps(limit: Limit): Threshold[] {
  if (limit.min !== undefined && limit.max !== undefined) {
    return [
      { value: null, color: BEYOND_COLOUR },
      { value: limit.min, color: WITHIN_COLOUR },
      { value: limit.max, color: BEYOND_COLOUR },
    ];
  }
  if (limit.min !== undefined) return [{ value: null, color: BEYOND_COLOUR }, { value: limit.min, color: WITHIN_COLOUR }];
  if (limit.max !== undefined) return [{ value: null, color: WITHIN_COLOUR }, { value: limit.max, color: BEYOND_COLOUR }];
  throw new RangeError('a limit needs a min or a max');
}

export function limitThresholds(limit: Limit): ThresholdsConfigBuilder {
  return thresholds(limitThresholdSteps(limit));
}

/**
 * The edition of a standard in force on `at` (the build date). Dashboards are rebuilt when an edition changes; the
 * committed JSON names the edition in each panel description.
 */
export function standardInForce(id: string, at: number): Standard {
  const standard = getStandard(id, at);
  if (!standard) throw new Error(`dashboards: standard "${id}" has no edition in force on ${new Date(at).toISOString().slice(0, 10)} in the standards data`);
  return standard;
}

/** The ambient standard the Thai AQI judges a pollutant against (AQI 100 = the standard). */
export function aqiStandard(pollutant: AqiPollutant, at: number): Standard {
  return standardInForce(AQI_STANDARD_IDS[pollutant], at);
}

/** The surface-water standard of a parameter for a water class (a limit judged on each sample or a percentile). */
export function surfaceWaterStandard(parameter: string, waterClass: number, at: number): Standard | undefined {
  const [first, ...others] = standardsFor(parameter, at, { category: 'surface-water', waterClass: waterClass as 1 | 2 | 3 | 4 | 5 });
  if (others.length > 0) throw new Error(`dashboards: several surface-water standards for ${parameter} class ${waterClass}; pick one by scope`);
  return first;
}

/** "th-aaqs-pm25-24h (2023-06-01), PCD ...": how a panel names the standard it draws. */
export function describeStandard(standard: Standard): string {
  const side = standard.limit.min !== undefined && standard.limit.max !== undefined ? `${standard.limit.min}–${standard.limit.max}` : standard.limit.max !== undefined ? `≤ ${standard.limit.max}` : `≥ ${standard.limit.min}`;
  return `${standard.name.en} ${side} ${standard.unit} — standard ${standard.id}, edition ${standard.version}; ${standard.source}`;
}

/** A threshold condition of a default alert rule, so a panel highlights exactly what the alerts fire on. */
export function ruleThreshold(ruleId: string, conditionId: string): ThresholdCondition {
  const rule = defaultRule(ruleId);
  const condition = rule?.conditions.find((c) => c.id === conditionId);
  if (!condition || condition.kind !== 'threshold') throw new Error(`dashboards: default rule "${ruleId}" has no threshold condition "${conditionId}"`);
  return condition;
}

/** The InfluxQL comparison operator of a threshold condition. */
export function influxOperator(op: ThresholdCondition['op']): '>' | '>=' | '<' | '<=' {
  return { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op] as '>' | '>=' | '<' | '<=';
}
