/**
 * Rule choices: every number of the default alert rules that is not a Thai standard, decided once here with its reason.
 * Limits of standards are never typed here: the standard rules read them from the standards data.
 */
import { HOUR_MS, MINUTE_MS } from '../time.ts';
import type { BilingualText } from '../standards/types.ts';

/** Standards: hysteresis. A maximum-type limit clears at 95 % of the limit (PM2.5 37.5 -> 35.6). */
export const STANDARD_CLEAR_FRACTION = 0.05;

/**
 * Standards: completeness slots. Windows of 8 h or more need 75 % of their hours to hold a reading (18 of 24 h, 6 of
 * 8 h: the common "18 valid hours" practice); 1 h windows need 3 of their four 15-minute quarters.
 */
export const LONG_WINDOW_SLOT_MS = HOUR_MS;
export const SHORT_WINDOW_SLOT_MS = 15 * MINUTE_MS;
/** windows of at least this length use LONG_WINDOW_SLOT_MS */
export const LONG_WINDOW_FROM_MS = 8 * HOUR_MS;

/** Standards judged on single readings (noise Lmax) and thresholds: the latest reading counts for this long. */
export const LATEST_READING_MAX_AGE_MS = HOUR_MS;

/** AQI: alert from band 4 ("starting to affect health", AQI 101); clears at AQI 95 or less. */
export const AQI_ALERT_MIN_LEVEL = 4;
export const AQI_CLEAR_MARGIN = 5;

/** Device offline (broker status) or silent (no readings) for this long. */
export const OFFLINE_AFTER_MS = 15 * MINUTE_MS;
export const NO_DATA_AFTER_MS = 30 * MINUTE_MS;

/** Stuck sensor: the same value 12 times in a row, over at least an hour. */
export const STUCK_MIN_READINGS = 12;
export const STUCK_MIN_DURATION_MS = HOUR_MS;

/** Waste bins: nearly full at 80 % (clears at 60 %: emptied), overflow at 100 % or a lid open for 30 min. */
export const WASTE_FILL_HIGH_PCT = 80;
export const WASTE_FILL_HIGH_CLEAR_PCT = 60;
export const WASTE_OVERFLOW_PCT = 100;
export const WASTE_OVERFLOW_CLEAR_PCT = 90;
export const WASTE_LID_OPEN_FOR_MS = 30 * MINUTE_MS;

/** Fire risk in a bin: 60 °C inside (clears at 45 °C). */
export const BIN_FIRE_RISK_C = 60;
export const BIN_FIRE_RISK_CLEAR_C = 45;

/** Water: dissolved oxygen hysteresis (fires below the class 4 minimum, clears 0.5 mg/L above it). */
export const DO_CLEAR_MARGIN_MG_L = 0.5;
/** Water: pH hysteresis (fires outside the surface-water range, clears 0.2 inside it). */
export const PH_CLEAR_MARGIN = 0.2;
/** Water: a reading must persist for 10 minutes (a sonde lifted out of the water reads nonsense for a moment). */
export const WATER_FOR_MS = 10 * MINUTE_MS;

/** Energy: nominal low-voltage supply in Thailand and the tolerance around it. */
export const NOMINAL_VOLTAGE_V = 230;
export const VOLTAGE_TOLERANCE = 0.1;
/** Energy: hysteresis 2 % of nominal, and a 5-minute duration so that motor starts do not alert. */
export const VOLTAGE_CLEAR_FRACTION = 0.02;
export const VOLTAGE_FOR_MS = 5 * MINUTE_MS;

/** Energy: the 1 h mean above 1.5 × the hour's baseline and at least 20 % of the busiest baseline hour above it. */
export const BASELINE_FACTOR = 1.5;
export const BASELINE_CLEAR_FACTOR = 1.2;
export const BASELINE_MIN_EXCESS_FRACTION = 0.2;
export const BASELINE_MIN_DAYS = 3;
export const BASELINE_MAX_DAYS = 14;

/**
 * Disk space of the platform's own volumes (ingest journal, embedded store): warning below 10 % or 2 GB free, critical
 * below 5 % or 500 MB free, whichever comes first (ingest's DISK_* variables change them). Reported every 5 min at
 * least; a report older than 15 min is no evidence either way.
 */
export const DISK_WARNING_FREE_FRACTION = 0.1;
export const DISK_WARNING_FREE_BYTES = 2_000_000_000;
export const DISK_CRITICAL_FREE_FRACTION = 0.05;
export const DISK_CRITICAL_FREE_BYTES = 500_000_000;
export const DISK_REPORT_EVERY_MS = 5 * MINUTE_MS;
export const DISK_REPORT_MAX_AGE_MS = 15 * MINUTE_MS;

export interface RuleChoice {
  id: string;
  title: BilingualText;
  choice: string;
  reason: string;
}

export const RULE_CHOICES: readonly RuleChoice[] = [
  {
    id: 'standard-hysteresis',
    title: { en: 'Clearing a standard exceedance', th: 'การยกเลิกการแจ้งเตือนเกินมาตรฐาน' },
    choice: `An exceedance clears when the statistic is back at or below ${(1 - STANDARD_CLEAR_FRACTION) * 100} % of a maximum-type limit (or ${(1 + STANDARD_CLEAR_FRACTION) * 100} % of a minimum) for the quiet period.`,
    reason: 'A 24 h mean hovering at the limit would otherwise raise and clear every few minutes.',
  },
  {
    id: 'standard-completeness-slots',
    title: { en: 'Data needed for a window', th: 'ข้อมูลที่ต้องมีในแต่ละช่วงเวลาเฉลี่ย' },
    choice: '24 h and 8 h windows count hours with at least one reading (18 of 24, 6 of 8 needed); 1 h windows count 15-minute quarters (3 of 4).',
    reason: 'The 75 % completeness rule (project choice "completeness") needs a slot length; hourly slots work for stations reporting every minute or every hour.',
  },
  {
    id: 'insufficient-data',
    title: { en: 'Insufficient data', th: 'ข้อมูลไม่เพียงพอ' },
    choice: 'A window without enough data neither raises nor clears an alert; an active alert stays active and its quiet period starts again.',
    reason: 'DESIGN.md: a window without enough data yields "insufficient data", never a pass.',
  },
  {
    id: 'aqi-band',
    title: { en: 'AQI alerts', th: 'การแจ้งเตือนดัชนีคุณภาพอากาศ' },
    choice: `A station alerts from band ${AQI_ALERT_MIN_LEVEL} (AQI 101, "starting to affect health") as major, band 5 (> 200) as critical; a band change while active changes the severity; it clears at AQI ${100 - AQI_CLEAR_MARGIN} or less.`,
    reason: 'AQI 100 equals the standards (reference §2.1); band 5 is "affects health".',
  },
  {
    id: 'offline',
    title: { en: 'Offline and silent devices', th: 'อุปกรณ์ออฟไลน์หรือไม่ส่งข้อมูล' },
    choice: `Offline on the broker for ${OFFLINE_AFTER_MS / MINUTE_MS} min, or no reading for ${NO_DATA_AFTER_MS / MINUTE_MS} min (two OR conditions of one rule).`,
    reason: 'ThingsBoard inactivity events fire late or not at all (#1334, #2968); the broker status and the data are watched separately so either catches it.',
  },
  {
    id: 'stuck',
    title: { en: 'Stuck sensor', th: 'เซ็นเซอร์ค้าง' },
    choice: `The same value ${STUCK_MIN_READINGS} times in a row over at least ${STUCK_MIN_DURATION_MS / HOUR_MS} h, for measured quantities that always vary (pollutants, water quality, voltage).`,
    reason: 'Real sensors have noise in the last digit; a frozen value is a failed sensor or gateway.',
  },
  {
    id: 'waste',
    title: { en: 'Waste bins', th: 'ถังขยะ' },
    choice: `Nearly full at ${WASTE_FILL_HIGH_PCT} % (clears at ${WASTE_FILL_HIGH_CLEAR_PCT} %); overflow at ${WASTE_OVERFLOW_PCT} % or a lid open for ${WASTE_LID_OPEN_FOR_MS / MINUTE_MS} min; fire risk at ${BIN_FIRE_RISK_C} °C inside (clears at ${BIN_FIRE_RISK_CLEAR_C} °C).`,
    reason: 'Operational thresholds of the issue; no Thai standard covers them. A bin in the sun reaches about 50 °C; 60 °C is beyond weather.',
  },
  {
    id: 'water',
    title: { en: 'Water quality', th: 'คุณภาพน้ำ' },
    choice: `Dissolved oxygen below the surface-water class 4 minimum, or pH outside the class 2-4 range, for ${WATER_FOR_MS / MINUTE_MS} min; single readings, so "indicative" of the percentile standards.`,
    reason: 'Numbers from NEB Notification No. 8 (th-sw-do-class4, th-sw-ph-class4); reference §9.4: alert on single readings as indicative.',
  },
  {
    id: 'voltage',
    title: { en: 'Supply voltage', th: 'แรงดันไฟฟ้า' },
    choice: `Outside ${NOMINAL_VOLTAGE_V} V ± ${VOLTAGE_TOLERANCE * 100} % for ${VOLTAGE_FOR_MS / MINUTE_MS} min.`,
    reason: 'Thai low-voltage supply is 230 V phase (catalog "voltage"); ±10 % is the usual supply tolerance (general knowledge, not a Thai source read here).',
  },
  {
    id: 'consumption-baseline',
    title: { en: 'Consumption above baseline', th: 'การใช้ไฟฟ้าสูงกว่าปกติ' },
    choice: `The 1 h mean of active power above ${BASELINE_FACTOR} × the mean of the same hour on the previous ${BASELINE_MIN_DAYS}-${BASELINE_MAX_DAYS} days, and at least ${BASELINE_MIN_EXCESS_FRACTION * 100} % of the device's busiest hour above it.`,
    reason: 'A baseline per hour of day follows office and street-light schedules; the second test keeps small night loads from alerting on noise.',
  },
  {
    id: 'disk-space',
    title: { en: 'Disk space of the platform', th: 'พื้นที่ดิสก์ของระบบ' },
    choice: `Warning below ${DISK_WARNING_FREE_FRACTION * 100} % or ${DISK_WARNING_FREE_BYTES / 1e9} GB free, critical below ${DISK_CRITICAL_FREE_FRACTION * 100} % or ${DISK_CRITICAL_FREE_BYTES / 1e6} MB free (whichever comes first), on each volume holding the ingest journal or the embedded store; clears after ${DISK_REPORT_EVERY_MS / MINUTE_MS * 2} min back above the warning level.`,
    reason: 'The percentage catches small disks early (an SD card), the bytes large ones; 500 MB is some hours of a city\'s readings in the journal, time to act before ingest must hold acknowledgements.',
  },
];
