/**
 * One mapping of PostgreSQL text values to JS for both drivers, so that a row reads the same on
 * `pg` and on PGlite: int8 (counts) -> number, timestamptz/timestamp -> epoch ms, date -> 'YYYY-MM-DD'
 * string (pg's default turns it into a local-time Date, PGlite's into a UTC one).
 * bool, int2/int4, float4/float8, text and json already map the same on both.
 */
export const OID = {
  int8: 20,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

/** int8 as a JS number: exact up to 2^53 (ms timestamps, counts); larger values lose precision. */
export function parseInt8(text: string): number {
  return Number(text);
}

// DateStyle ISO output (the default, and set by both drivers): "2024-01-02 03:04:05.123456+07",
// offsets may carry minutes and seconds ("+05:30", "-03:30:15"), years before 1 AD end in " BC".
const TIMESTAMP_TEXT = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

/** timestamptz or timestamp (read as UTC) -> epoch milliseconds (microseconds are truncated). */
export function parseTimestampMs(text: string): number {
  if (text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY;
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) throw new Error(`cannot read timestamp "${text}": expected DateStyle ISO output`);
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(0);
  // setUTCFullYear: Date.UTC would read years 0-99 as 1900-1999
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  const offsetSeconds = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)) : 0;
  return date.getTime() - offsetSeconds * 1000;
}

function identity(text: string): string {
  return text;
}

/** oid -> parser of the text representation, shared by both drivers */
export const TEXT_PARSERS: Record<number, (text: string) => unknown> = {
  [OID.int8]: parseInt8,
  [OID.date]: identity,
  [OID.timestamp]: parseTimestampMs,
  [OID.timestamptz]: parseTimestampMs,
};

/** epoch ms -> a value both drivers send as a timestamptz parameter */
export function timestampParam(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
