/**
 * Inline SVG charts for the evidence report, drawn by hand: no script, no font or network access, and every number
 * printed with fixed decimals so that the same data gives the same bytes.
 */
import { escapeHtml } from './i18n.ts';

export const WIDTH = 720;
const MARGIN = { top: 28, right: 16, bottom: 34, left: 52 };

function f(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

export interface Series {
  label: string;
  colour: string;
  values: ReadonlyArray<number | null>;
  dashed?: boolean;
  /** draw as a step line (a limit that changes on a date) */
  step?: boolean;
  /** draw as bars instead of a line */
  bars?: boolean;
}

export interface TimeChart {
  title: string;
  /** one label per x position: the date */
  dates: readonly string[];
  series: Series[];
  yLabel: string;
  yMax?: number;
  yMin?: number;
  height?: number;
  /** label the x axis at these positions */
  xTicks: Array<{ index: number; label: string }>;
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

/** legend items left to right, wrapping to a new row at the chart's width; returns the SVG and the rows used */
function legend(series: Series[], firstBaseline: number): { svg: string; rows: number } {
  let x = MARGIN.left;
  let y = firstBaseline;
  let rows = 1;
  const items = series.map((s) => {
    const width = 24 + s.label.length * 5.2;
    if (x > MARGIN.left && x + width > WIDTH - MARGIN.right) {
      x = MARGIN.left;
      y += 13;
      rows += 1;
    }
    const item = `<rect x="${f(x)}" y="${f(y - 8)}" width="12" height="8" fill="${s.colour}"/><text x="${f(x + 16)}" y="${f(y)}" font-size="10">${escapeHtml(s.label)}</text>`;
    x += width;
    return item;
  });
  return { svg: items.join(''), rows };
}

/** A chart over the days of the period: lines, step lines and bars sharing one y axis. */
export function timeChart(chart: TimeChart): string {
  const key = legend(chart.series, 14);
  const top = MARGIN.top + (key.rows - 1) * 13;
  const height = (chart.height ?? 240) + (key.rows - 1) * 13;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = height - top - MARGIN.bottom;
  const n = Math.max(1, chart.dates.length);
  const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMin = chart.yMin ?? Math.min(0, ...all);
  const yMax = chart.yMax ?? niceMax(Math.max(1, ...all) * 1.05);
  const x = (i: number) => MARGIN.left + (plotW * (i + 0.5)) / n;
  const y = (v: number) => top + plotH - (plotH * (Math.min(yMax, Math.max(yMin, v)) - yMin)) / (yMax - yMin || 1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}" font-family="sans-serif">`);
  parts.push(`<title>${escapeHtml(chart.title)}</title>`);
  for (let k = 0; k <= 4; k += 1) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#ddd" stroke-width="0.5"/>`);
    parts.push(`<text x="${MARGIN.left - 4}" y="${f(y(v) + 3)}" font-size="9" text-anchor="end">${f(v).replace(/\.0$/, '')}</text>`);
  }
  parts.push(`<text x="12" y="${f(top + plotH / 2)}" font-size="9" transform="rotate(-90 12 ${f(top + plotH / 2)})" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`);
  for (const tick of chart.xTicks) {
    parts.push(`<line x1="${f(x(tick.index))}" x2="${f(x(tick.index))}" y1="${top + plotH}" y2="${top + plotH + 3}" stroke="#666"/>`);
    parts.push(`<text x="${f(x(tick.index))}" y="${top + plotH + 13}" font-size="9" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  const barWidth = Math.max(0.5, (plotW / n) * 0.8);
  for (const s of chart.series) {
    if (s.bars) {
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        parts.push(`<rect x="${f(x(i) - barWidth / 2)}" y="${f(y(v))}" width="${f(barWidth)}" height="${f(Math.max(0, y(yMin) - y(v)))}" fill="${s.colour}"/>`);
      });
      continue;
    }
    // a line broken at days without data
    let path = '';
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        open = false;
        return;
      }
      if (s.step) {
        const left = MARGIN.left + (plotW * i) / n;
        const right = MARGIN.left + (plotW * (i + 1)) / n;
        path += `${open ? 'L' : 'M'}${f(left)} ${f(y(v))}L${f(right)} ${f(y(v))}`;
      } else path += `${open ? 'L' : 'M'}${f(x(i))} ${f(y(v))}`;
      open = true;
    });
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="${s.step ? 1.5 : 1.2}"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    // single points that a line cannot show
    s.values.forEach((v, i) => {
      const prev = s.values[i - 1];
      const next = s.values[i + 1];
      if (v !== null && Number.isFinite(v) && !s.step && (prev === null || prev === undefined) && (next === null || next === undefined)) {
        parts.push(`<circle cx="${f(x(i))}" cy="${f(y(v))}" r="1.8" fill="${s.colour}"/>`);
      }
    });
  }
  parts.push(`<rect x="${MARGIN.left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999" stroke-width="0.5"/>`);
  parts.push(key.svg);
  parts.push('</svg>');
  return parts.join('');
}

export interface HorizontalBar {
  label: string;
  value: number | null;
  note?: string;
}

/** Horizontal bars on a 0-100 % scale with a target line. */
export function percentBars(title: string, bars: HorizontalBar[], target: number | null, targetLabel: string, colour: string): string {
  const row = 22;
  const labelW = 230;
  const height = MARGIN.top + Math.max(1, bars.length) * row + 24;
  const plotW = WIDTH - labelW - MARGIN.right - 60;
  const x = (v: number) => labelW + (plotW * Math.min(100, Math.max(0, v))) / 100;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(title)}" font-family="sans-serif"><title>${escapeHtml(title)}</title>`];
  bars.forEach((b, i) => {
    const top = MARGIN.top + i * row;
    parts.push(`<text x="${labelW - 6}" y="${f(top + 14)}" font-size="10" text-anchor="end">${escapeHtml(b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${f(top + 4)}" width="${f(plotW)}" height="14" fill="#eee"/>`);
    if (b.value !== null) {
      parts.push(`<rect x="${labelW}" y="${f(top + 4)}" width="${f(x(b.value) - labelW)}" height="14" fill="${colour}"/>`);
      parts.push(`<text x="${f(labelW + plotW + 6)}" y="${f(top + 15)}" font-size="10">${f(b.value)} %${b.note ? ` ${escapeHtml(b.note)}` : ''}</text>`);
    } else parts.push(`<text x="${f(labelW + plotW + 6)}" y="${f(top + 15)}" font-size="10">—${b.note ? ` ${escapeHtml(b.note)}` : ''}</text>`);
  });
  if (target !== null) {
    const tx = x(target);
    parts.push(`<line x1="${f(tx)}" x2="${f(tx)}" y1="${MARGIN.top}" y2="${f(MARGIN.top + bars.length * row + 4)}" stroke="#c00" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${f(tx)}" y="${MARGIN.top - 6}" font-size="9" text-anchor="middle" fill="#c00">${escapeHtml(targetLabel)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface CalendarCell {
  date: string;
  colour: string | null;
  label: string;
}

/** One row per month, one cell per day of the month; empty cells for days without a value. */
export function calendarHeatmap(title: string, cells: readonly CalendarCell[], monthTitle: (date: string) => string, legendItems: Array<{ colour: string; label: string }>): string {
  const cell = 18;
  const left = 70;
  const months: Array<{ key: string; first: string; days: CalendarCell[] }> = [];
  for (const c of cells) {
    const key = c.date.slice(0, 7);
    const last = months[months.length - 1];
    if (last && last.key === key) last.days.push(c);
    else months.push({ key, first: c.date, days: [c] });
  }
  const legendRows = 1;
  const height = MARGIN.top + months.length * (cell + 2) + 16 + legendRows * 16;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(title)}" font-family="sans-serif"><title>${escapeHtml(title)}</title>`];
  for (let d = 1; d <= 31; d += 1) parts.push(`<text x="${f(left + (d - 1) * (cell + 2) + cell / 2)}" y="${MARGIN.top - 6}" font-size="8" text-anchor="middle">${d}</text>`);
  months.forEach((m, row) => {
    const top = MARGIN.top + row * (cell + 2);
    parts.push(`<text x="${left - 6}" y="${f(top + cell * 0.7)}" font-size="10" text-anchor="end">${escapeHtml(monthTitle(m.first))}</text>`);
    for (const c of m.days) {
      const day = Number(c.date.slice(8, 10));
      parts.push(`<rect x="${f(left + (day - 1) * (cell + 2))}" y="${f(top)}" width="${cell}" height="${cell}" fill="${c.colour ?? '#f2f2f2'}" stroke="#bbb" stroke-width="0.5"><title>${escapeHtml(c.label)}</title></rect>`);
    }
  });
  let lx = left;
  const ly = MARGIN.top + months.length * (cell + 2) + 14;
  for (const item of legendItems) {
    parts.push(`<rect x="${f(lx)}" y="${f(ly - 9)}" width="12" height="10" fill="${item.colour}" stroke="#bbb" stroke-width="0.5"/><text x="${f(lx + 16)}" y="${f(ly)}" font-size="9">${escapeHtml(item.label)}</text>`);
    lx += 24 + item.label.length * 5;
  }
  parts.push('</svg>');
  return parts.join('');
}
