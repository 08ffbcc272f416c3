/**
 * The InfluxQL of the panels that are more than "mean of a field per site": device presence, completeness, alerts,
 * dead letters, energy and waste aggregates. Each takes the location filter so the template variables apply.
 */
import { BANGKOK_OFFSET_MS, DAY_MS, type Domain } from '@mueang/core';
import { durationOf } from './aqi-query.ts';
import { agg, as, call, compare, ident, INTERVAL, literal, select, tagEquals, TIME_FILTER, type SelectSpec } from './influxql.ts';
import { ALERT_EVENT_FIELDS, ALERT_EVENT_MEASUREMENT, ALERT_STATE, DEAD_LETTER_MEASUREMENT, DOMAINS, READING_TAGS, readingFields, readingMeasurement, ROLLUP_MEASUREMENT } from './schema.ts';

const DEVICE_TAGS = [...READING_TAGS];

/** GROUP BY time(1d, 17h): windows from Asia/Bangkok midnight, as the daily rollups (Thailand keeps no DST) */
export const BANGKOK_DAY = { interval: '1d', offset: durationOf(DAY_MS - BANGKOK_OFFSET_MS) };

/** Per tag value, the mean of a field per Grafana interval. */
export function meanPerInterval(domain: Domain, field: string, where: string[], by: string): string {
  return select({
    fields: [as(agg('mean', field), field)],
    from: [{ measurement: readingMeasurement(domain) }],
    where: [TIME_FILTER, ...where],
    groupByTime: { interval: INTERVAL },
    groupByTags: [by],
    fill: 'none',
  });
}

/**
 * A rolling mean over `windowMs` ending at each hour: moving_average of the hourly means (hours without data are
 * skipped, so it is the display of a rolling mean, not the completeness-checked statistic the alerts evaluate).
 */
export function rollingMeanPerHour(domain: Domain, field: string, windowMs: number, where: string[], by: string): string {
  const hours = windowMs / 3_600_000;
  if (!Number.isInteger(hours) || hours < 1) throw new RangeError(`rolling window ${windowMs} ms is not a whole number of hours`);
  const hourly = agg('mean', field);
  return select({
    fields: [as(hours === 1 ? hourly : call('moving_average', hourly, hours), field)],
    from: [{ measurement: readingMeasurement(domain) }],
    where: [TIME_FILTER, ...where],
    groupByTime: { interval: '1h' },
    groupByTags: [by],
    fill: 'none',
  });
}

/** Every reading field of every domain as one column `f` (a union), for "any reading" questions. */
function anyReading(fieldQuery: (domain: Domain, field: string) => SelectSpec): Array<{ subquery: string }> {
  return DOMAINS.flatMap((domain) => readingFields(domain).map((field) => ({ subquery: select(fieldQuery(domain, field)) })));
}

/** When each device last sent a reading (any parameter) within the dashboard range: the time column of the result. */
export function lastSeen(where: string[]): string {
  return select({
    fields: [as(agg('last', 'f'), 'lastValue')],
    from: anyReading((domain, field) => ({
      fields: [as(agg('last', field), 'f')],
      from: [{ measurement: readingMeasurement(domain) }],
      where: [TIME_FILTER, ...where],
      groupByTags: DEVICE_TAGS,
    })),
    groupByTags: DEVICE_TAGS,
  });
}

/**
 * Devices that sent no reading (any parameter) in the last `silentFor` (the alert rule's no-data time) but did within
 * `knownFor`. Per domain: the readings counted per device, plus 0 for every device with a reading within `knownFor`
 * (its first one in the window, LIMIT 1: one point per series is read); kept where the sum is 0.
 * The sums are per domain because InfluxQL keeps series of different measurements apart.
 */
export function silentDevices(where: string[], silentFor: string, knownFor: string): string {
  const perDomain = DOMAINS.map((domain) => {
    const fields = readingFields(domain);
    const recent = fields.map((field) =>
      select({ fields: [as(agg('count', field), 'n')], from: [{ measurement: readingMeasurement(domain) }], where: [`time > now() - ${silentFor}`, ...where], groupByTags: DEVICE_TAGS }),
    );
    const known = fields.map((field) =>
      select({ fields: [as(`${ident(field)} * 0`, 'n')], from: [{ measurement: readingMeasurement(domain) }], where: [`time > now() - ${knownFor}`, ...where], groupByTags: DEVICE_TAGS, limit: 1 }),
    );
    return select({ fields: [as(agg('sum', 'n'), 'readings')], from: [...recent, ...known].map((subquery) => ({ subquery })), groupByTags: DEVICE_TAGS });
  });
  return select({ fields: [ident('readings')], from: perDomain.map((subquery) => ({ subquery })), where: [compare('readings', '=', 0)], groupByTags: DEVICE_TAGS });
}

/** The number of silent devices per domain (one series per measurement: label them with the alias `$m`). */
export function silentDeviceCount(where: string[], silentFor: string, knownFor: string): string {
  return select({ fields: [as(agg('count', 'readings'), 'devices')], from: [{ subquery: silentDevices(where, silentFor, knownFor) }] });
}

/**
 * Data completeness of each device over the last `window`: the share of its domain's reporting slots (one per
 * reporting interval) holding at least one reading of any parameter, in %. A slot counts once however many readings
 * it holds, as in core's completeness rule.
 */
export function completenessPerDevice(domain: Domain, intervalSeconds: number, where: string[], window: string, windowMs: number): string {
  const slotsExpected = windowMs / (intervalSeconds * 1000);
  const union = readingFields(domain).map((field) => ({
    subquery: select({ fields: [as(ident(field), 'f')], from: [{ measurement: readingMeasurement(domain) }], where: [`time > now() - ${window}`, ...where] }),
  }));
  const slots = select({
    fields: [as(agg('count', 'f'), 'n')],
    from: union,
    where: [`time > now() - ${window}`],
    groupByTime: { interval: `${intervalSeconds}s` },
    groupByTags: DEVICE_TAGS,
    fill: 'none',
  });
  return select({ fields: [as(`${agg('count', 'n')} * 100 / ${slotsExpected}`, 'completeness')], from: [{ subquery: slots }], groupByTags: DEVICE_TAGS });
}

/** Completeness of every device of every domain (one union, so one table). */
export function completenessAllDomains(intervals: Readonly<Record<Domain, number>>, where: string[], window: string, windowMs: number): string {
  return select({
    fields: [ident('completeness')],
    from: DOMAINS.map((d) => ({ subquery: completenessPerDevice(d, intervals[d], where, window, windowMs) })),
    groupByTags: DEVICE_TAGS,
  });
}

/** The mean completeness over the devices of each domain (one series per measurement: label them with `$m`). */
export function completenessMean(intervals: Readonly<Record<Domain, number>>, where: string[], window: string, windowMs: number): string {
  return select({
    fields: [as(agg('mean', 'completeness'), 'completeness')],
    from: DOMAINS.map((d) => ({ subquery: completenessPerDevice(d, intervals[d], where, window, windowMs) })),
  });
}

// ---- alerts ----

/** an alert is identified on the dashboards by its device and rule (the alerts service deduplicates on them) */
const ALERT_KEY = ['city', 'device', 'rule'];

function latestAlertEvents(where: string[], lookback: string, columns: string[]): string {
  return select({
    fields: [as(agg('last', ALERT_EVENT_FIELDS.state), 'state'), ...columns.map(ident)],
    from: [{ measurement: ALERT_EVENT_MEASUREMENT }],
    where: [`time > now() - ${lookback}`, ...where],
    groupByTags: ALERT_KEY,
  });
}

const ACTIVE = `${ident('state')} = ${literal(ALERT_STATE.active)}`;

/**
 * Alerts whose latest event within `lookback` leaves them active: per device and rule the last event, with its
 * severity, transition, alert id and site, kept when its state is active.
 */
export function activeAlerts(where: string[], lookback: string): string {
  const columns = ['severity', 'transition', ALERT_EVENT_FIELDS.site, ALERT_EVENT_FIELDS.alertId];
  return select({ fields: columns.map(ident), from: [{ subquery: latestAlertEvents(where, lookback, columns) }], where: [ACTIVE], groupByTags: ALERT_KEY });
}

export function activeAlertCount(where: string[], lookback: string): string {
  return select({ fields: [as(agg('count', 'state'), 'active alerts')], from: [{ subquery: latestAlertEvents(where, lookback, []) }], where: [ACTIVE] });
}

/** The state (active / cleared) of each device and rule per interval, for a state timeline. */
export function alertStates(where: string[]): string {
  return select({
    fields: [as(agg('last', ALERT_EVENT_FIELDS.state), 'state')],
    from: [{ measurement: ALERT_EVENT_MEASUREMENT }],
    where: [TIME_FILTER, ...where],
    groupByTime: { interval: INTERVAL },
    groupByTags: ['device', 'rule'],
    fill: 'previous',
  });
}

/** Alerts raised per interval, by severity. */
export function alertsRaised(where: string[]): string {
  return select({
    fields: [as(agg('count', ALERT_EVENT_FIELDS.alertId), 'raised')],
    from: [{ measurement: ALERT_EVENT_MEASUREMENT }],
    where: [TIME_FILTER, tagEquals('transition', 'raised'), ...where],
    groupByTime: { interval: INTERVAL },
    groupByTags: ['severity'],
    fill: 'none',
  });
}

// ---- dead letters ----

export function deadLettersByReason(where: string[]): string {
  return select({
    fields: [as(agg('count', 'topic'), 'dead letters')],
    from: [{ measurement: DEAD_LETTER_MEASUREMENT }],
    where: [TIME_FILTER, ...where],
    groupByTime: { interval: INTERVAL },
    groupByTags: ['reason'],
    fill: 'none',
  });
}

export function latestDeadLetters(where: string[], limit: number): string {
  return select({
    fields: ['reason', 'domain', 'device', 'param', 'message', 'topic'].map(ident),
    from: [{ measurement: DEAD_LETTER_MEASUREMENT }],
    where: [TIME_FILTER, ...where],
    orderByTimeDesc: true,
    limit,
  });
}

// ---- energy (kWh = day mean of power x 24 h, as core's Smart Energy KPIs) ----

function dailyRollup(param: string, where: string[], alias: string, rp: string | undefined, expr = `${ident('mean')} * 24`): SelectSpec {
  return { fields: [as(expr, alias)], from: [{ measurement: ROLLUP_MEASUREMENT.day, retentionPolicy: rp }], where: [TIME_FILTER, tagEquals('domain', 'energy'), tagEquals('param', param), ...where] };
}

/** Total demand of the selected meters per interval (sum over meters of each meter's mean power). */
export function totalDemand(where: string[], interval = INTERVAL): string {
  const perMeter = select({
    fields: [as(agg('mean', 'activePower'), 'kw')],
    from: [{ measurement: readingMeasurement('energy') }],
    where: [TIME_FILTER, ...where],
    groupByTime: { interval },
    groupByTags: ['device'],
  });
  return select({ fields: [as(agg('sum', 'kw'), 'demand')], from: [{ subquery: perMeter }], where: [TIME_FILTER], groupByTime: { interval }, fill: 'none' });
}

export function peakDemand(where: string[]): string {
  return select({ fields: [as(agg('max', 'demand'), 'peak')], from: [{ subquery: totalDemand(where) }] });
}

/** Consumption per Asia/Bangkok day from the daily rollups (kWh). */
export function dailyConsumption(where: string[], rp?: string): string {
  return select({ fields: [as(agg('sum', 'kwh'), 'consumption')], from: [{ subquery: select(dailyRollup('activePower', where, 'kwh', rp)) }], where: [TIME_FILTER], groupByTime: BANGKOK_DAY, fill: 'none' });
}

/** The baseline: mean daily consumption of the last `days` days (moving average of the daily totals). */
export function consumptionBaseline(where: string[], days: number, rp?: string): string {
  return select({ fields: [as(call('moving_average', ident('consumption'), days), 'baseline')], from: [{ subquery: dailyConsumption(where, rp) }] });
}

/** Solar generation as a share of consumption per day (%), as the renewable-share KPI: solar kWh / consumed kWh. */
export function solarShare(where: string[], perDay: boolean, rp?: string): string {
  return select({
    fields: [as(`${agg('sum', 'solar')} / ${agg('sum', 'load')} * 100`, 'solar share')],
    from: [{ subquery: select(dailyRollup('solarPower', where, 'solar', rp, ident('mean'))) }, { subquery: select(dailyRollup('activePower', where, 'load', rp, ident('mean'))) }],
    where: [TIME_FILTER],
    ...(perDay ? { groupByTime: BANGKOK_DAY, fill: 'none' as const } : {}),
  });
}

// ---- noise ----

/**
 * Leq 24 h per Asia/Bangkok day and station from the daily rollups' `leq` (the energy mean of the day's readings, as the
 * Thai noise standard averages them); the loudest station of a site when it has several.
 */
export function noiseLeqPerDay(where: string[], by: string, rp?: string): string {
  return select({
    fields: [as(agg('max', 'leq'), 'Leq 24 h')],
    from: [{ measurement: ROLLUP_MEASUREMENT.day, retentionPolicy: rp }],
    where: [TIME_FILTER, tagEquals('domain', 'air'), tagEquals('param', 'noise'), ...where],
    groupByTime: BANGKOK_DAY,
    groupByTags: [by],
    fill: 'none',
  });
}

// ---- waste ----

/** Each bin's latest fill level within `maxAge` where it is at or above the level (`op` from the alert rule). */
export function binsAtLevel(where: string[], op: '>' | '>=', level: number, maxAge: string): string {
  const latest = select({
    fields: [as(agg('last', 'fillingLevel'), 'fill')],
    from: [{ measurement: readingMeasurement('waste') }],
    where: [`time > now() - ${maxAge}`, ...where],
    groupByTags: DEVICE_TAGS,
  });
  return select({ fields: [ident('fill')], from: [{ subquery: latest }], where: [compare('fill', op, level)], groupByTags: DEVICE_TAGS });
}

export function countBinsAtLevel(where: string[], op: '>' | '>=', level: number, maxAge: string): string {
  return select({ fields: [as(agg('count', 'fill'), 'bins')], from: [{ subquery: binsAtLevel(where, op, level, maxAge) }] });
}

/** Bins whose daily maximum reached the overflow level, per Asia/Bangkok day (from the daily rollups). */
export function overflowBinDays(where: string[], op: '>' | '>=', level: number, rp?: string): string {
  return select({
    fields: [as(agg('count', 'max'), 'bins overflowing')],
    from: [{ measurement: ROLLUP_MEASUREMENT.day, retentionPolicy: rp }],
    where: [TIME_FILTER, tagEquals('domain', 'waste'), tagEquals('param', 'fillingLevel'), compare('max', op, level), ...where],
    groupByTime: BANGKOK_DAY,
    fill: 'none',
  });
}
