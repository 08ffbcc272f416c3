/**
 * Operational rules: AQI band, offline and silent devices, stuck sensors, waste bins, water quality, supply voltage and
 * consumption against the device's own baseline. Numbers that come from a standard are read from the standards data;
 * the others are in choices.ts with their reasons.
 */
import { standardVersions } from '../standards/registry.ts';
import type { Limit } from '../standards/types.ts';
import { HOUR_MS, MINUTE_MS } from '../time.ts';
import * as c from './choices.ts';
import type { AlertRule } from './types.ts';

/** The limit of the latest edition of a standard; throws at load time when the data lacks it (a data bug, caught by the tests). */
function latestLimit(standardId: string, side: keyof Limit): number {
  const editions = standardVersions(standardId);
  const value = editions[editions.length - 1]?.limit[side];
  if (value === undefined) throw new Error(`rules: standard "${standardId}" has no ${side} limit in the standards data`);
  return value;
}

const DO_MIN = latestLimit('th-sw-do-class4', 'min');
const PH_MIN = latestLimit('th-sw-ph-class4', 'min');
const PH_MAX = latestLimit('th-sw-ph-class4', 'max');
const VOLTAGE_LOW = c.NOMINAL_VOLTAGE_V * (1 - c.VOLTAGE_TOLERANCE);
const VOLTAGE_HIGH = c.NOMINAL_VOLTAGE_V * (1 + c.VOLTAGE_TOLERANCE);
const VOLTAGE_MARGIN = c.NOMINAL_VOLTAGE_V * c.VOLTAGE_CLEAR_FRACTION;

const CHOICES = 'rule choices (packages/core/src/rules/choices.ts)';

export const OPERATIONAL_RULES: readonly AlertRule[] = [
  {
    id: 'air.aqi.band',
    name: { en: 'Air quality index (AQI) affects health', th: 'ดัชนีคุณภาพอากาศ (AQI) มีผลกระทบต่อสุขภาพ' },
    domains: ['air'],
    severity: 'major',
    enabled: true,
    conditions: [
      {
        id: 'aqi',
        kind: 'aqi-band',
        minLevel: c.AQI_ALERT_MIN_LEVEL as 4,
        clearMargin: c.AQI_CLEAR_MARGIN,
        severityByLevel: { '4': 'major', '5': 'critical' },
        expectedIntervalMs: {
          pm25: c.LONG_WINDOW_SLOT_MS,
          pm10: c.LONG_WINDOW_SLOT_MS,
          o3: c.LONG_WINDOW_SLOT_MS,
          co: c.LONG_WINDOW_SLOT_MS,
          no2: c.SHORT_WINDOW_SLOT_MS,
          so2: c.SHORT_WINDOW_SLOT_MS,
        },
      },
    ],
    forMs: 0,
    clearAfterQuietMs: HOUR_MS,
    escalation: { afterMs: HOUR_MS, maxLevel: 2 },
    reminderEveryMs: 6 * HOUR_MS,
    source: `Thai AQI (PCD, 2023 table from 2023-06-01); ${CHOICES} "aqi-band"`,
  },
  {
    id: 'ops.device.offline',
    name: { en: 'Device offline or not sending data', th: 'อุปกรณ์ออฟไลน์หรือไม่ส่งข้อมูล' },
    domains: ['air', 'water', 'energy', 'waste'],
    severity: 'minor',
    enabled: true,
    conditions: [
      { id: 'offline', kind: 'offline', afterMs: c.OFFLINE_AFTER_MS },
      { id: 'no-data', kind: 'no-data', afterMs: c.NO_DATA_AFTER_MS },
    ],
    forMs: 0,
    clearAfterQuietMs: 5 * MINUTE_MS,
    escalation: { afterMs: 2 * HOUR_MS, maxLevel: 1 },
    reminderEveryMs: 12 * HOUR_MS,
    source: `${CHOICES} "offline"`,
  },
  {
    id: 'ops.sensor.stuck',
    name: { en: 'Sensor stuck on one value', th: 'เซ็นเซอร์ค้างที่ค่าเดิม' },
    domains: ['air', 'water', 'energy'],
    severity: 'warning',
    enabled: true,
    conditions: [
      {
        id: 'stuck',
        kind: 'stuck',
        parameters: ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co', 'humidity', 'pH', 'dissolvedOxygen', 'conductivity', 'voltage'],
        minReadings: c.STUCK_MIN_READINGS,
        minDurationMs: c.STUCK_MIN_DURATION_MS,
      },
    ],
    forMs: 0,
    clearAfterQuietMs: 15 * MINUTE_MS,
    escalation: null,
    reminderEveryMs: 24 * HOUR_MS,
    source: `${CHOICES} "stuck"`,
  },
  {
    id: 'waste.fill.high',
    name: { en: 'Waste bin nearly full', th: 'ถังขยะใกล้เต็ม' },
    domains: ['waste'],
    severity: 'minor',
    enabled: true,
    conditions: [
      {
        id: 'fill',
        kind: 'threshold',
        parameter: 'fillingLevel',
        op: 'gte',
        value: c.WASTE_FILL_HIGH_PCT,
        clearValue: c.WASTE_FILL_HIGH_CLEAR_PCT,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
      },
    ],
    forMs: 0,
    clearAfterQuietMs: 5 * MINUTE_MS,
    escalation: { afterMs: 2 * HOUR_MS, maxLevel: 1 },
    reminderEveryMs: 4 * HOUR_MS,
    source: `${CHOICES} "waste"`,
  },
  {
    id: 'waste.overflow',
    name: { en: 'Waste bin overflowing', th: 'ขยะล้นถัง' },
    domains: ['waste'],
    severity: 'major',
    enabled: true,
    conditions: [
      {
        id: 'full',
        kind: 'threshold',
        parameter: 'fillingLevel',
        op: 'gte',
        value: c.WASTE_OVERFLOW_PCT,
        clearValue: c.WASTE_OVERFLOW_CLEAR_PCT,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
      },
      {
        id: 'lid',
        kind: 'threshold',
        parameter: 'lidOpen',
        op: 'gte',
        value: 1,
        clearValue: 0,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
        forMs: c.WASTE_LID_OPEN_FOR_MS,
      },
    ],
    forMs: 0,
    clearAfterQuietMs: 5 * MINUTE_MS,
    escalation: { afterMs: HOUR_MS, maxLevel: 2 },
    reminderEveryMs: 2 * HOUR_MS,
    source: `${CHOICES} "waste"`,
  },
  {
    id: 'waste.fire-risk',
    name: { en: 'Fire risk: waste bin hot inside', th: 'เสี่ยงไฟไหม้: อุณหภูมิในถังขยะสูง' },
    domains: ['waste'],
    severity: 'critical',
    enabled: true,
    conditions: [
      {
        id: 'hot',
        kind: 'threshold',
        parameter: 'temperature',
        op: 'gte',
        value: c.BIN_FIRE_RISK_C,
        clearValue: c.BIN_FIRE_RISK_CLEAR_C,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
      },
    ],
    forMs: 0,
    clearAfterQuietMs: 30 * MINUTE_MS,
    escalation: { afterMs: 15 * MINUTE_MS, maxLevel: 2 },
    reminderEveryMs: 30 * MINUTE_MS,
    source: `${CHOICES} "waste"`,
  },
  {
    id: 'water.do.low',
    name: { en: 'Dissolved oxygen too low for aquatic life', th: 'ออกซิเจนละลายน้ำต่ำเกินไป' },
    domains: ['water'],
    severity: 'major',
    enabled: true,
    conditions: [
      {
        id: 'low',
        kind: 'threshold',
        parameter: 'dissolvedOxygen',
        op: 'lt',
        value: DO_MIN,
        clearValue: DO_MIN + c.DO_CLEAR_MARGIN_MG_L,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
        reference: { standardId: 'th-sw-do-class4' },
      },
    ],
    forMs: c.WATER_FOR_MS,
    clearAfterQuietMs: 30 * MINUTE_MS,
    escalation: { afterMs: HOUR_MS, maxLevel: 2 },
    reminderEveryMs: 6 * HOUR_MS,
    source: `th-sw-do-class4 minimum (NEB No. 8), judged per reading as indicative; ${CHOICES} "water"`,
  },
  {
    id: 'water.ph.range',
    name: { en: 'pH outside the surface-water range', th: 'ค่า pH อยู่นอกเกณฑ์น้ำผิวดิน' },
    domains: ['water'],
    severity: 'major',
    enabled: true,
    conditions: [
      {
        id: 'low',
        kind: 'threshold',
        parameter: 'pH',
        op: 'lt',
        value: PH_MIN,
        clearValue: PH_MIN + c.PH_CLEAR_MARGIN,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
        reference: { standardId: 'th-sw-ph-class4' },
      },
      {
        id: 'high',
        kind: 'threshold',
        parameter: 'pH',
        op: 'gt',
        value: PH_MAX,
        clearValue: PH_MAX - c.PH_CLEAR_MARGIN,
        maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS,
        reference: { standardId: 'th-sw-ph-class4' },
      },
    ],
    forMs: c.WATER_FOR_MS,
    clearAfterQuietMs: 30 * MINUTE_MS,
    escalation: { afterMs: HOUR_MS, maxLevel: 2 },
    reminderEveryMs: 6 * HOUR_MS,
    source: `th-sw-ph-class4 range (NEB No. 8), judged per reading as indicative; ${CHOICES} "water"`,
  },
  {
    id: 'energy.voltage.range',
    name: { en: 'Supply voltage out of range', th: 'แรงดันไฟฟ้าผิดปกติ' },
    domains: ['energy'],
    severity: 'minor',
    enabled: true,
    conditions: [
      { id: 'low', kind: 'threshold', parameter: 'voltage', op: 'lt', value: VOLTAGE_LOW, clearValue: VOLTAGE_LOW + VOLTAGE_MARGIN, maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS },
      { id: 'high', kind: 'threshold', parameter: 'voltage', op: 'gt', value: VOLTAGE_HIGH, clearValue: VOLTAGE_HIGH - VOLTAGE_MARGIN, maxSampleAgeMs: c.LATEST_READING_MAX_AGE_MS },
    ],
    forMs: c.VOLTAGE_FOR_MS,
    clearAfterQuietMs: 15 * MINUTE_MS,
    escalation: { afterMs: 2 * HOUR_MS, maxLevel: 1 },
    reminderEveryMs: 12 * HOUR_MS,
    source: `${CHOICES} "voltage"`,
  },
  {
    id: 'energy.consumption.baseline',
    name: { en: 'Consumption far above the usual for this hour', th: 'การใช้ไฟฟ้าสูงกว่าปกติของช่วงเวลานี้มาก' },
    domains: ['energy'],
    severity: 'warning',
    enabled: true,
    conditions: [
      {
        id: 'baseline',
        kind: 'baseline',
        parameter: 'activePower',
        windowMs: HOUR_MS,
        expectedIntervalMs: c.SHORT_WINDOW_SLOT_MS,
        factor: c.BASELINE_FACTOR,
        minExcessFraction: c.BASELINE_MIN_EXCESS_FRACTION,
        clearFactor: c.BASELINE_CLEAR_FACTOR,
        minDays: c.BASELINE_MIN_DAYS,
        maxDays: c.BASELINE_MAX_DAYS,
      },
    ],
    forMs: 0,
    clearAfterQuietMs: 30 * MINUTE_MS,
    escalation: null,
    reminderEveryMs: 24 * HOUR_MS,
    source: `${CHOICES} "consumption-baseline"`,
  },
];
