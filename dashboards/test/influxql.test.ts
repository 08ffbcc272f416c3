import { describe, expect, it } from 'vitest';
import { as, agg, compare, ident, lastDuration, literal, matchesVariable, num, oneOfRegex, select, showTagValues } from '../src/influxql.ts';

describe('InfluxQL builder', () => {
  it('quotes identifiers and literals so that no name is read as syntax', () => {
    expect(ident('pm25')).toBe('"pm25"');
    expect(ident('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(literal("O'Reilly")).toBe("'O\\'Reilly'");
    expect(() => ident('')).toThrow('must not be empty');
    expect(() => num(Number.NaN)).toThrow('finite');
  });

  it('matches template variables and value lists as anchored regular expressions', () => {
    expect(matchesVariable('site', 'site')).toBe('"site" =~ /^$site$/');
    expect(oneOfRegex(['a.b', 'c/d', 'e|f'])).toBe('/^(a\\.b|c\\/d|e\\|f)$/');
    expect(() => oneOfRegex([])).toThrow('at least one');
  });

  it('composes SELECT statements with subqueries, grouping, fill, order and limit', () => {
    const inner = select({ fields: [as(agg('mean', 'pm25'), 'c')], from: [{ measurement: 'air' }], where: [lastDuration('24h')], groupByTags: ['site'] });
    expect(inner).toBe('SELECT mean("pm25") AS "c" FROM "air" WHERE time > now() - 24h GROUP BY "site"');
    expect(select({ fields: [ident('c')], from: [{ subquery: inner }, { measurement: 'x' }], where: [compare('c', '>=', 1.5)], groupByTime: { interval: '1d', offset: '17h' }, fill: 'none', orderByTimeDesc: true, limit: 5 })).toBe(
      `SELECT "c" FROM (${inner}), "x" WHERE "c" >= 1.5 GROUP BY time(1d, 17h) fill(none) ORDER BY time DESC LIMIT 5`,
    );
    expect(() => select({ fields: [], from: [{ measurement: 'air' }] })).toThrow('at least one field');
    expect(() => select({ fields: ['1'], from: [{ measurement: 'air' }], limit: 0 })).toThrow('LIMIT');
    expect(() => lastDuration('1 day')).toThrow('not an InfluxQL duration');
  });

  it('writes template variable queries', () => {
    expect(showTagValues('device', { measurement: 'air', where: [matchesVariable('city', 'city')] })).toBe('SHOW TAG VALUES FROM "air" WITH KEY = "device" WHERE "city" =~ /^$city$/');
  });
});
