/** Shared pieces for the standards data files: averaging periods and the text of a source citation. */
import { DAY_MS, HOUR_MS } from '../../time.ts';
import type { Averaging } from '../types.ts';

export const ROLLING_1H: Averaging = { kind: 'rolling', periodMs: HOUR_MS, label: { en: '1-hour mean', th: 'เฉลี่ย 1 ชั่วโมง' } };
export const ROLLING_8H: Averaging = { kind: 'rolling', periodMs: 8 * HOUR_MS, label: { en: '8-hour rolling mean', th: 'เฉลี่ย 8 ชั่วโมงต่อเนื่อง' } };
export const ROLLING_24H: Averaging = { kind: 'rolling', periodMs: DAY_MS, label: { en: '24-hour rolling mean', th: 'เฉลี่ย 24 ชั่วโมงต่อเนื่อง' } };
export const CALENDAR_MONTH: Averaging = { kind: 'calendar', calendarUnit: 'month', label: { en: '1-month mean', th: 'เฉลี่ย 1 เดือน' } };
export const CALENDAR_YEAR: Averaging = { kind: 'calendar', calendarUnit: 'year', label: { en: '1-year mean', th: 'เฉลี่ย 1 ปี' } };
export const EACH_SAMPLE: Averaging = { kind: 'instant', label: { en: 'each sample', th: 'ทุกตัวอย่าง' } };

export interface Citation {
  /** the notification (or scheme) the number comes from */
  notification: string;
  /** Royal Gazette publication, or what the reference says about it */
  gazette: string;
  /** in force from / until, as the reference gives it */
  effective: string;
  /** source keys of STANDARD_SOURCES */
  keys: readonly string[];
  /** reference section */
  section: string;
}

/** "notification; Royal Gazette ...; effective ...; thai-standards.md §x [KEY] [KEY]" */
export function cite(c: Citation): string {
  return `${c.notification}; Royal Gazette: ${c.gazette}; effective: ${c.effective}; thai-standards.md ${c.section} ${c.keys.map((k) => `[${k}]`).join(' ')}`;
}
