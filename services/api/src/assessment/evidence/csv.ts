/** daily.csv: the daily rollup values the KPIs were computed from, one row per device, parameter and day (leq: sound levels only). */
import { bangkokDate, requiredCount, roundHalfUp, type AssessmentInput, type KpiCatalog, type RollupRow } from '@mueang/core';

const COLUMNS = ['date', 'domain', 'site', 'device', 'parameter', 'mean', 'min', 'max', 'leq', 'count', 'expected', 'completeness', 'valid'] as const;

function cell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function number(value: number): string {
  // a fixed number of significant decimals keeps the file stable and readable
  return String(roundHalfUp(value, 6));
}

function compare(a: RollupRow, b: RollupRow): number {
  if (a.start !== b.start) return a.start - b.start;
  if (a.domain !== b.domain) return a.domain < b.domain ? -1 : 1;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  return a.param < b.param ? -1 : a.param > b.param ? 1 : 0;
}

export function dailyCsv(input: AssessmentInput, catalog: KpiCatalog): string {
  const lines = [COLUMNS.join(',')];
  for (const row of [...input.daily].sort(compare)) {
    const expected = 86_400 / catalog.inputs.reportingIntervalSeconds[row.domain];
    lines.push(
      [
        bangkokDate(row.start),
        row.domain,
        cell(row.site),
        cell(row.device),
        cell(row.param),
        number(row.mean),
        number(row.min),
        number(row.max),
        row.leq === undefined ? '' : number(row.leq),
        String(row.count),
        number(expected),
        number(Math.min(1, row.count / expected)),
        row.count >= requiredCount(expected) ? 'true' : 'false',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
