/** Language helpers for the evidence report: Thai dates in the Buddhist Era, English dates in the Common Era. */
import type { BilingualText } from '@mueang/core';

export const LANGS = ['both', 'th', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** The Buddhist Era year is the Common Era year + 543. */
export const BUDDHIST_ERA_OFFSET = 543;

const TH_MONTHS = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
const TH_MONTHS_SHORT = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const EN_MONTHS_SHORT = EN_MONTHS.map((m) => m.slice(0, 3));

function parts(date: string): { y: number; m: number; d: number } {
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)) - 1, d: Number(date.slice(8, 10)) };
}

/** '2024-01-05' -> '5 มกราคม พ.ศ. 2567' */
export function thaiDate(date: string): string {
  const { y, m, d } = parts(date);
  return `${d} ${TH_MONTHS[m]} พ.ศ. ${y + BUDDHIST_ERA_OFFSET}`;
}

/** '2024-01-05' -> '5 January 2024' */
export function englishDate(date: string): string {
  const { y, m, d } = parts(date);
  return `${d} ${EN_MONTHS[m]} ${y}`;
}

/** month label for charts: 'ม.ค. 67' (Buddhist Era, two digits) or 'Jan 2024' */
export function monthLabel(date: string, lang: 'th' | 'en'): string {
  const { y, m } = parts(date);
  return lang === 'th' ? `${TH_MONTHS_SHORT[m]} ${String(y + BUDDHIST_ERA_OFFSET).slice(2)}` : `${EN_MONTHS_SHORT[m]} ${y}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Bilingual text as inline HTML for the chosen language (both: 'Thai / English' on one line). */
export function t(lang: Lang, text: BilingualText): string {
  if (lang === 'th') return `<span lang="th">${escapeHtml(text.th)}</span>`;
  if (lang === 'en') return `<span lang="en">${escapeHtml(text.en)}</span>`;
  return `<span lang="th">${escapeHtml(text.th)}</span><span class="en" lang="en"> / ${escapeHtml(text.en)}</span>`;
}

/** Bilingual sentences as blocks (both: the Thai text, the English text below it). */
export function tb(lang: Lang, text: BilingualText): string {
  if (lang !== 'both') return t(lang, text);
  return `<span class="thb" lang="th">${escapeHtml(text.th)}</span><span class="enb" lang="en">${escapeHtml(text.en)}</span>`;
}

/** Plain text (SVG labels): 'th', 'en' or 'th / en'. */
export function plain(lang: Lang, text: BilingualText): string {
  return lang === 'th' ? text.th : lang === 'en' ? text.en : `${text.th} / ${text.en}`;
}


/** Numbers as the report prints them: at most `decimals` places, no trailing zeros, thousands separated. */
export function num(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  const [whole, fraction] = Math.abs(rounded).toFixed(decimals).split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction?.replace(/0+$/, '') ?? '';
  return `${rounded < 0 ? '−' : ''}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}
