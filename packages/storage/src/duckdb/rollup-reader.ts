import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { isDomain, type RollupRow } from '@mueang/core';
import { compareRollups } from '../influx/result-order.ts';

/**
 * Reading rollup rows out of DuckDB fast. Turning a VARCHAR cell into a JS string costs several
 * microseconds in @duckdb/node-api (a native call and a TextDecoder per cell), five string columns
 * per row made 80 % of a year-long assessment query (127,750 daily rows: ~1 s of conversion, 0.1 s
 * of query). So the rows are read in two passes over the same WHERE on the one serialized connection:
 * the distinct (query, domain, device, param, city, site) groups with their row counts, then only
 * the numbers, in the same group order; the strings are decoded once per group.
 */

/** what the two passes select from: `r` is telemetry_rollups; `queryIndex` an integer expression (0 for one query) */
export interface RollupSource {
  from: string;
  where: string;
  values: DuckDBValue[];
  queryIndex: string;
}

const GROUP_KEYS = ['r.domain', 'r.device', 'r.param', 'r.city', 'r.site'];

export async function readRollupGroups(c: DuckDBConnection, period: '1h' | '1d', source: RollupSource, queries: number): Promise<RollupRow[][]> {
  const keys = [source.queryIndex, ...GROUP_KEYS].join(', ');
  const groupSql = `SELECT ${keys}, count(*) FROM ${source.from} WHERE ${source.where} GROUP BY ${keys} ORDER BY ${keys}`;
  const numberSql =
    `SELECT CAST(r.start AS DOUBLE), r.mean, r.min, r.max, CAST(r.count AS DOUBLE), r.sum, r.leq FROM ${source.from} ` +
    `WHERE ${source.where} ORDER BY ${keys}, r.start`;
  // getColumnsJS has no columns at all for an empty result
  const groups = columns((await c.runAndReadAll(groupSql, source.values)).getColumnsJS(), 7);
  const numbers = columns((await c.runAndReadAll(numberSql, source.values)).getColumnsJS(), 7) as Array<Array<number | null>>;
  const [index, domain, device, param, city, site, count] = groups as [unknown[], string[], string[], string[], string[], string[], unknown[]];
  const [start, mean, min, max, rowCount, sum, leq] = numbers as [number[], number[], number[], number[], number[], number[], Array<number | null>];

  const out: RollupRow[][] = Array.from({ length: queries }, () => []);
  const spans: GroupSpan[][] = Array.from({ length: queries }, () => []);
  let row = 0;
  for (let g = 0; g < index.length; g += 1) {
    const n = Number(count[g]);
    const d = domain[g] as string;
    const q = Number(index[g]);
    const target = out[q];
    if (!isDomain(d) || !target) {
      row += n;
      continue;
    }
    const dev = device[g] as string;
    const par = param[g] as string;
    const cit = city[g] as string;
    const sit = site[g] as string;
    (spans[q] as GroupSpan[]).push({ from: target.length, to: target.length + n });
    for (const end = row + n; row < end; row += 1) {
      const level = leq[row];
      const rollup: RollupRow = {
        period,
        start: start[row] as number,
        city: cit,
        site: sit,
        device: dev,
        domain: d,
        param: par,
        mean: mean[row] as number,
        min: min[row] as number,
        max: max[row] as number,
        count: rowCount[row] as number,
        sum: sum[row] as number,
      };
      if (typeof level === 'number') rollup.leq = level;
      target.push(rollup);
    }
  }
  return out.map((rows, q) => sortLikeEveryAdapter(rows, spans[q] as GroupSpan[]));
}

function columns(read: unknown[][], n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => read[i] ?? []);
}

/** rows [from, to) of one result share their strings and are in start order */
interface GroupSpan {
  from: number;
  to: number;
}

/**
 * compareRollups' order (start, then domain, device, param, city, site by UTF-16 code units) without comparing strings
 * per pair of rows: each group is ranked once, then rows sort by (start, rank).
 */
function sortLikeEveryAdapter(rows: RollupRow[], spans: GroupSpan[]): RollupRow[] {
  if (spans.length < 2) return rows;
  const ranked = [...spans].sort((a, b) => compareRollups({ ...(rows[a.from] as RollupRow), start: 0 }, { ...(rows[b.from] as RollupRow), start: 0 }));
  const ranks = new Uint32Array(rows.length);
  ranked.forEach((span, rank) => ranks.fill(rank, span.from, span.to));
  const order = Array.from({ length: rows.length }, (_, i) => i);
  order.sort((a, b) => (rows[a] as RollupRow).start - (rows[b] as RollupRow).start || (ranks[a] as number) - (ranks[b] as number));
  return order.map((i) => rows[i] as RollupRow);
}
