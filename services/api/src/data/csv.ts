/**
 * RFC 4180 CSV: CRLF line ends, a field is quoted when it holds a comma, a double quote, CR or
 * LF, and a double quote inside it is doubled. A field starting with = + - @ (or tab/CR) is
 * prefixed with an apostrophe so spreadsheets do not run it as a formula (OWASP CSV injection);
 * numbers are written as numbers and never need it.
 */
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: ReadonlyArray<string | number | null | undefined>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}
