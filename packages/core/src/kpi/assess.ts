/** One city's assessment for one period: every KPI of its catalog, the dimension scores, the rules, what is missing. */
import { computeAir } from './air.ts';
import { AssessmentContext, periodDays } from './context.ts';
import { computeEnergy, referencePeriod } from './energy.ts';
import { computeMonitoring } from './monitoring.ts';
import { certificationRules, kpiScore, meetsTarget, missingToPass, overallScore, scoreDimensions } from './score.ts';
import { planHourlyNeeds, type HourlyNeed } from './station-days.ts';
import type { RollupRow } from '../types.ts';
import type { AssessmentInput, AssessmentPeriod, CityAssessment, CityDay, KpiCatalog, KpiDefinition, KpiId, KpiValue } from './types.ts';
import type { KpiOutcome } from './values.ts';
import { computeWaste } from './waste.ts';
import { computeWater } from './water.ts';

/** Project choices (PROJECT_CHOICES ids) every assessment depends on. */
const CHOICES = ['completeness', 'comparison-rounding', 'window-boundaries', 'twenty-four-hour-rolling', 'eight-hour-rolling', 'annual-statistic', 'city-aqi', 'aqi-input-rounding', 'aqi-result-rounding', 'aqi-table-switch', 'percentile-method', 'surface-water-window', 'noise', 'pm25-annual-date'];

/** The hourly rollups an assessment needs besides the daily ones (call with `hourly: []`, then load them). */
export function hourlyNeeds(input: AssessmentInput, catalog: KpiCatalog): HourlyNeed[] {
  return planHourlyNeeds(new AssessmentContext({ ...input, hourly: [] }, catalog));
}

/** The reference period to load for the energy KPIs, or null when the configured baselines make it unnecessary. */
export function energyReferencePeriod(input: Pick<AssessmentInput, 'period'>, catalog: KpiCatalog): AssessmentPeriod | null {
  const consumption = catalog.inputs.energyBaselineKwhPerDay === null;
  const peak = catalog.inputs.energyBaselinePeakKw === null;
  if (!consumption && !peak) return null;
  const ref = referencePeriod(input.period);
  return periodDays(ref).ok ? ref : null;
}

export interface PreparedAssessment {
  context: AssessmentContext;
  /** the hourly rollups to load before completeAssessment */
  needs: HourlyNeed[];
}

/**
 * First step of an assessment from the stores: index the daily rollups and say which hourly ones are needed.
 * The input's energyReference and alerts may still be set on `input` afterwards; they are read when completing.
 */
export function prepareAssessment(input: AssessmentInput, catalog: KpiCatalog): PreparedAssessment {
  const context = new AssessmentContext(input, catalog);
  return { context, needs: planHourlyNeeds(context) };
}

/** Second step: add the hourly rollups that were asked for and assess. */
export function completeAssessment(prepared: PreparedAssessment, hourly: readonly RollupRow[]): CityAssessment {
  prepared.context.addHourly(hourly);
  return assessContext(prepared.context);
}

export function assessCity(input: AssessmentInput, catalog: KpiCatalog): CityAssessment {
  return assessContext(new AssessmentContext(input, catalog));
}

function assessContext(ctx: AssessmentContext): CityAssessment {
  const { input, catalog } = ctx;
  const air = computeAir(ctx);
  const water = computeWater(ctx);
  const waste = computeWaste(ctx);
  const monitoring = computeMonitoring(ctx);
  const energy = computeEnergy(ctx);
  const outcomes: Record<KpiId, KpiOutcome> = {
    'air.pm25-station-days': air.pm25StationDays,
    'air.aqi-days': air.aqiDays,
    'air.pm25-annual-mean': air.annualMean,
    'air.measurements-within-standard': air.measurements,
    'water.samples-within-class': water.samplesWithinClass,
    'noise.days-within-standard': air.noiseDays,
    'waste.on-time-collection': waste.onTime,
    'waste.overflow-events': waste.overflow,
    'monitoring.stations': air.stations,
    'monitoring.data-completeness': monitoring.completeness,
    'monitoring.uptime': monitoring.uptime,
    'monitoring.alert-acknowledgement': monitoring.alertAck,
    'energy.consumption-vs-baseline': energy.consumptionVsBaseline,
    'energy.per-capita': energy.perCapita,
    'energy.renewable-share': energy.renewableShare,
    'energy.peak-demand': energy.peakDemand,
  };
  const kpis = catalog.kpis.map((def) => kpiValue(def, outcomes[def.id]));
  const dimensions = scoreDimensions(kpis);
  const overall = overallScore(dimensions);
  const rules = certificationRules(dimensions, overall);
  const passed = rules.every((r) => r.passed);
  const series: CityDay[] = ctx.days.map((day, i) => ({
    date: day.date,
    ...(air.series[i] as (typeof air.series)[number]),
    ...(water.series[i] as (typeof water.series)[number]),
    ...(waste.series[i] as (typeof waste.series)[number]),
    ...(energy.series[i] as (typeof energy.series)[number]),
    ...(monitoring.series[i] as (typeof monitoring.series)[number]),
  }));
  return {
    city: { ...input.city },
    period: { from: input.period.from, to: input.period.to, days: ctx.days.length },
    kpis,
    dimensions,
    overall,
    rules,
    passed,
    missing: passed ? [] : missingToPass(kpis, dimensions, overall),
    inputs: structuredClone(catalog.inputs),
    series,
    choices: [...CHOICES].sort(),
  };
}

function kpiValue(def: KpiDefinition, result: KpiOutcome): KpiValue {
  const value = result.status === 'ok' ? result.value : null;
  return {
    id: def.id,
    dimension: def.dimension,
    group: def.group,
    name: def.name,
    unit: def.unit,
    direction: def.direction,
    baseline: def.baseline,
    target: def.target,
    weight: def.weight,
    method: def.method,
    enabled: def.enabled,
    status: result.status,
    value,
    score: kpiScore(def, value),
    met: meetsTarget(def, value),
    completeness: result.completeness,
    standards: result.standards,
    notes: result.notes,
    details: result.details,
  };
}
