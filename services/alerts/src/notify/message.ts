/**
 * Render an AlertNotification into Thai and English text. Pure: the same notification always gives the
 * same strings. Times are Asia/Bangkok; Thai dates use the Buddhist Era (CE + 543), English ones say "ICT".
 */
import { BANGKOK_OFFSET_MS, BANGKOK_TZ, getParameter, isDomain, standardVersions, SYSTEM_PARAMETER_LABELS, type Standard } from '@mueang/core';
import type { AlertNotification, AlertTransition, Bilingual, Recipient, RenderedMessage, Severity } from './types.ts';

const BUDDHIST_ERA_OFFSET = 543;

const SEVERITY_LABEL: Record<Severity, Bilingual> = {
  critical: { en: 'CRITICAL', th: 'วิกฤต' },
  major: { en: 'MAJOR', th: 'รุนแรง' },
  minor: { en: 'MINOR', th: 'ปานกลาง' },
  warning: { en: 'WARNING', th: 'เฝ้าระวัง' },
  info: { en: 'INFO', th: 'แจ้งเพื่อทราบ' },
};

const thaiFormat = new Intl.DateTimeFormat('th-TH-u-ca-buddhist', {
  timeZone: BANGKOK_TZ,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const englishFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: BANGKOK_TZ,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '4 Nov 2026 10:05 ICT' */
export function formatEnglishTime(ts: number): string {
  return `${formatEnglishDateTime(ts)} ICT`;
}

/** '4 พ.ย. 2569 10:05 น.' (Buddhist Era year) */
export function formatThaiTime(ts: number): string {
  return `${formatThaiDateTime(ts)} น.`;
}

function formatEnglishDateTime(ts: number): string {
  const p = parts(englishFormat, ts);
  return `${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`;
}

function formatThaiDateTime(ts: number): string {
  const p = parts(thaiFormat, ts);
  // An ICU without the Buddhist calendar (small-icu builds) silently falls back to CE: check, do not trust.
  const ceYear = new Date(ts + BANGKOK_OFFSET_MS).getUTCFullYear();
  const year = Number(p.year) === ceYear + BUDDHIST_ERA_OFFSET ? p.year : String(ceYear + BUDDHIST_ERA_OFFSET);
  return `${p.day} ${p.month} ${year} ${p.hour}:${p.minute}`;
}

function parts(format: Intl.DateTimeFormat, ts: number): Record<'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const out = { day: '', month: '', year: '', hour: '', minute: '' };
  for (const part of format.formatToParts(new Date(ts))) {
    if (part.type in out) out[part.type as keyof typeof out] = part.value;
  }
  return out;
}

/** The standard edition named by a notification, when the core standards data has it. */
export function findStandardEdition(standard: AlertNotification['standard']): Standard | undefined {
  if (standard === null) return undefined;
  return standardVersions(standard.id).find((s) => s.version === standard.version);
}

/**
 * The averaging period in words: '24-hour mean' / 'ค่าเฉลี่ย 24 ชั่วโมง'. Taken from the core standards data when
 * the edition is known there; otherwise read from the notification's own `averaging` text ('24h', 'PT8H', '1y', ...),
 * which is shown as given when it is none of those.
 */
export function averagingWords(standard: NonNullable<AlertNotification['standard']>): Bilingual {
  const edition = findStandardEdition(standard);
  return edition ? editionAveragingWords(edition) : parseAveragingWords(standard.averaging);
}

function editionAveragingWords(edition: Standard): Bilingual {
  const { kind, periodMs, calendarUnit } = edition.averaging;
  if (kind === 'instant') return { en: 'single sample', th: 'ค่าจากตัวอย่างเดียว' };
  if (kind === 'sample-window' && edition.statistic === 'percentile' && edition.percentile !== undefined && periodMs !== undefined) {
    const days = Math.round(periodMs / 86_400_000);
    return {
      en: `${ordinal(edition.percentile)} percentile of the samples over ${days} days`,
      th: `เปอร์เซ็นไทล์ที่ ${edition.percentile} ของตัวอย่างในรอบ ${days} วัน`,
    };
  }
  if (kind === 'calendar' && calendarUnit !== undefined) return calendarWords(calendarUnit, edition.statistic === 'leq');
  if (periodMs !== undefined) return hoursWords(periodMs / 3_600_000, edition.statistic === 'leq');
  return edition.averaging.label;
}

function parseAveragingWords(text: string): Bilingual {
  const trimmed = text.trim();
  const hours = /^(?:PT)?(\d+)\s*(?:h|hr|hrs|hour|hours)$/i.exec(trimmed);
  if (hours) return hoursWords(Number(hours[1]), false);
  const days = /^(?:P)?(\d+)\s*(?:d|day|days)$/i.exec(trimmed);
  if (days) return hoursWords(Number(days[1]) * 24, false);
  if (/^(?:1y|p1y|year|annual|calendar-year)$/i.test(trimmed)) return calendarWords('year', false);
  if (/^(?:1mo|p1m|month|monthly|calendar-month)$/i.test(trimmed)) return calendarWords('month', false);
  if (/^(?:instant|sample|each sample)$/i.test(trimmed)) return { en: 'single sample', th: 'ค่าจากตัวอย่างเดียว' };
  return { en: trimmed, th: trimmed };
}

function hoursWords(hours: number, leq: boolean): Bilingual {
  if (leq) return { en: `${hours}-hour Leq`, th: `ค่า Leq ${hours} ชั่วโมง` };
  return { en: `${hours}-hour mean`, th: `ค่าเฉลี่ย ${hours} ชั่วโมง` };
}

function calendarWords(unit: 'day' | 'month' | 'year', leq: boolean): Bilingual {
  const en = { day: 'daily', month: 'monthly', year: 'annual' }[unit];
  const th = { day: 'รายวัน', month: 'รายเดือน', year: 'รายปี' }[unit];
  return leq ? { en: `${en} Leq`, th: `ค่า Leq ${th}` } : { en: `${en} mean`, th: `ค่าเฉลี่ย${th}` };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** '62.4 µg/m³' with the precision of the standard (or of the catalog parameter) */
export function formatQuantity(value: number, unit: string | null, decimals: number): string {
  const number = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
  return unit ? `${number} ${unit}` : number;
}

function decimalsFor(n: AlertNotification, edition: Standard | undefined): number {
  if (edition) return edition.decimals;
  const spec = n.parameter && isDomain(n.domain) ? getParameter(n.domain, n.parameter) : undefined;
  return spec?.decimals ?? (n.domain === 'system' ? 1 : 2);
}

/** how the limit binds: 'limit 37.5 µg/m³' for a maximum, 'minimum 2.0 mg/L' for a floor such as dissolved oxygen */
function limitWords(n: AlertNotification, edition: Standard | undefined, decimals: number): Bilingual {
  const standard = n.standard as NonNullable<AlertNotification['standard']>;
  const quantity = formatQuantity(standard.limit, n.unit, decimals);
  const isFloor = edition !== undefined && edition.limit.min === standard.limit && edition.limit.max !== standard.limit;
  return isFloor ? { en: `minimum ${quantity}`, th: `ไม่ต่ำกว่า ${quantity}` } : { en: `limit ${quantity}`, th: `ไม่เกิน ${quantity}` };
}

function headline(n: AlertNotification): Bilingual {
  const who = { ack: n.acknowledgedBy ?? null, assignee: n.assignee ?? null };
  const severity = SEVERITY_LABEL[n.severity];
  const phrases: Record<AlertTransition, Bilingual> = {
    raised: { en: 'Alert raised', th: 'เกิดการแจ้งเตือน' },
    escalated: { en: `Escalated to level ${n.escalationLevel}, not yet acknowledged`, th: `ยกระดับเป็นระดับ ${n.escalationLevel} เนื่องจากยังไม่มีผู้รับทราบ` },
    reminder: { en: 'Still active (reminder)', th: 'ยังอยู่ในสถานะแจ้งเตือน (แจ้งซ้ำ)' },
    cleared: n.standard
      ? { en: 'Alert cleared, back within the standard', th: 'สิ้นสุดการแจ้งเตือน ค่ากลับเข้าเกณฑ์มาตรฐาน' }
      : { en: 'Alert cleared', th: 'สิ้นสุดการแจ้งเตือน' },
    acknowledged: who.ack ? { en: `Acknowledged by ${who.ack}`, th: `รับทราบแล้วโดย ${who.ack}` } : { en: 'Acknowledged', th: 'รับทราบแล้ว' },
    assigned: who.assignee ? { en: `Assigned to ${who.assignee}`, th: `มอบหมายให้ ${who.assignee}` } : { en: 'Assignment changed', th: 'เปลี่ยนผู้รับผิดชอบ' },
    severity_changed: { en: `Severity changed to ${severity.en}`, th: `เปลี่ยนระดับความรุนแรงเป็น ${severity.th}` },
  };
  return phrases[n.transition];
}

const TITLE_VERB: Record<AlertTransition, Bilingual> = {
  raised: { en: 'Raised', th: 'แจ้งเตือนใหม่' },
  escalated: { en: 'Escalated', th: 'ยกระดับ' },
  reminder: { en: 'Reminder', th: 'แจ้งเตือนซ้ำ' },
  cleared: { en: 'Cleared', th: 'สิ้นสุดแล้ว' },
  acknowledged: { en: 'Acknowledged', th: 'รับทราบแล้ว' },
  assigned: { en: 'Assigned', th: 'มอบหมายแล้ว' },
  severity_changed: { en: 'Severity changed', th: 'เปลี่ยนระดับ' },
};

function placeName(n: AlertNotification): Bilingual {
  const cityTh = n.city.nameTh ?? n.city.name;
  if (n.site === null) return { en: n.city.name, th: cityTh };
  return { en: `${n.site.name}, ${n.city.name}`, th: `${n.site.nameTh ?? n.site.name} ${cityTh}` };
}

/** air and water sites are monitoring stations ('สถานี'); energy and waste sites are buildings or locations */
function placeLabel(n: AlertNotification): Bilingual {
  if (n.site === null) return { en: 'City', th: 'เมือง' };
  return n.domain === 'air' || n.domain === 'water' ? { en: 'Station', th: 'สถานี' } : { en: 'Site', th: 'สถานที่' };
}

export function renderMessage(n: AlertNotification): RenderedMessage {
  const edition = findStandardEdition(n.standard);
  const decimals = decimalsFor(n, edition);
  const severity = SEVERITY_LABEL[n.severity];
  const head = headline(n);
  const place = placeName(n);
  const shortPlace: Bilingual = n.site ? { en: n.site.name, th: n.site.nameTh ?? n.site.name } : { en: n.city.name, th: n.city.nameTh ?? n.city.name };
  const verb = TITLE_VERB[n.transition];

  const en: string[] = [`[${severity.en}] ${head.en}: ${n.ruleName.en}`];
  const th: string[] = [`[${severity.th}] ${head.th}: ${n.ruleName.th}`];
  const label = placeLabel(n);
  en.push(`${label.en}: ${place.en}`);
  th.push(`${label.th}: ${place.th}`);
  if (n.device) {
    en.push(`Device: ${n.device.name ? `${n.device.name} (${n.device.id})` : n.device.id}`);
    th.push(`อุปกรณ์: ${n.device.name ? `${n.device.name} (${n.device.id})` : n.device.id}`);
  }
  if (n.system) {
    en.push(`Server: ${n.system.summary}`);
    th.push(`เซิร์ฟเวอร์: ${n.system.summary}`);
  }
  if (n.value !== null) {
    const spec = n.parameter && isDomain(n.domain) ? getParameter(n.domain, n.parameter) : undefined;
    const systemLabel = n.parameter ? SYSTEM_PARAMETER_LABELS[n.parameter] : undefined;
    const name: Bilingual = spec ? spec.label : (systemLabel ?? { en: n.parameter ?? 'Value', th: n.parameter ?? 'ค่าที่วัดได้' });
    const quantity = formatQuantity(n.value, n.unit, decimals);
    const detailsEn: string[] = [];
    const detailsTh: string[] = [];
    if (n.standard) {
      const words = averagingWords(n.standard);
      detailsEn.push(words.en);
      detailsTh.push(words.th);
    }
    if (n.windowFrom !== null && n.windowTo !== null) {
      detailsEn.push(`${formatEnglishDateTime(n.windowFrom)} – ${formatEnglishTime(n.windowTo)}`);
      detailsTh.push(`ช่วง ${formatThaiTime(n.windowFrom)} – ${formatThaiTime(n.windowTo)}`);
    }
    en.push(`${name.en}: ${quantity}${detailsEn.length ? ` (${detailsEn.join(', ')})` : ''}`);
    th.push(`${name.th}: ${quantity}${detailsTh.length ? ` (${detailsTh.join(' ')})` : ''}`);
  }
  if (n.standard) {
    const words = averagingWords(n.standard);
    const limit = limitWords(n, edition, decimals);
    en.push(`Standard: ${n.standard.id} version ${n.standard.version}, ${limit.en} (${words.en})`);
    th.push(`มาตรฐาน: ${n.standard.id} ฉบับ ${n.standard.version} ${limit.th} (${words.th})`);
    en.push(`Source: ${n.standard.source}`);
    th.push(`ที่มา: ${n.standard.source}`);
  }
  en.push(`Time: ${formatEnglishTime(n.at)}`);
  th.push(`เวลา: ${formatThaiTime(n.at)}`);
  if (n.escalationLevel > 0 && n.transition !== 'escalated') {
    en.push(`Escalation level: ${n.escalationLevel}`);
    th.push(`ขั้นการยกระดับ: ${n.escalationLevel}`);
  }
  if (n.assignee && n.transition !== 'assigned') {
    en.push(`Assignee: ${n.assignee}`);
    th.push(`ผู้รับผิดชอบ: ${n.assignee}`);
  }
  en.push(`Alert: ${n.alertId} (rule ${n.ruleId})`);
  th.push(`รหัสการแจ้งเตือน: ${n.alertId} (กฎ ${n.ruleId})`);
  if (n.consoleUrl) {
    en.push(`Details: ${n.consoleUrl}`);
    th.push(`ดูรายละเอียด: ${n.consoleUrl}`);
  }
  return {
    title: {
      en: `[${severity.en}] ${verb.en}: ${n.ruleName.en} – ${shortPlace.en}`,
      th: `[${severity.th}] ${verb.th}: ${n.ruleName.th} – ${shortPlace.th}`,
    },
    text: { en: en.join('\n'), th: th.join('\n') },
  };
}

/** The text a recipient reads: one language, or Thai then English for 'both'. */
export function textFor(message: RenderedMessage, language: Recipient['language']): string {
  if (language === 'both') return `${message.text.th}\n\n${message.text.en}`;
  return message.text[language];
}

/** The title a recipient reads: one language, or 'Thai | English' for 'both'. */
export function titleFor(message: RenderedMessage, language: Recipient['language']): string {
  if (language === 'both') return `${message.title.th} | ${message.title.en}`;
  return message.title[language];
}
