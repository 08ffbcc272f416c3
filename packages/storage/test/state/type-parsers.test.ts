import { describe, expect, it } from 'vitest';
import { parseTimestampMs } from '@mueang/storage';

describe('timestamp text -> epoch ms', () => {
  it('reads DateStyle ISO output with any offset', () => {
    expect(parseTimestampMs('2024-01-02 03:04:05+00')).toBe(Date.parse('2024-01-02T03:04:05Z'));
    expect(parseTimestampMs('2024-01-02 03:04:05.678+07')).toBe(Date.parse('2024-01-01T20:04:05.678Z'));
    expect(parseTimestampMs('2024-01-02 03:04:05.5-03:30')).toBe(Date.parse('2024-01-02T06:34:05.500Z'));
    expect(parseTimestampMs('1900-01-01 00:00:00+06:42:04')).toBe(Date.parse('1899-12-31T17:17:56Z'));
    expect(parseTimestampMs('2024-01-02 03:04:05')).toBe(Date.parse('2024-01-02T03:04:05Z'));
  });

  it('truncates microseconds to milliseconds', () => {
    expect(parseTimestampMs('2024-01-02 03:04:05.123999+00')).toBe(Date.parse('2024-01-02T03:04:05.123Z'));
  });

  it('keeps years below 100 and BC years', () => {
    expect(parseTimestampMs('0050-06-15 12:00:00+00')).toBe(Date.parse('0050-06-15T12:00:00Z'));
    expect(new Date(parseTimestampMs('0044-03-15 00:00:00+00 BC')).getUTCFullYear()).toBe(-43);
    expect(new Date(parseTimestampMs('10000-01-01 00:00:00+00')).getUTCFullYear()).toBe(10000);
  });

  it('maps infinity and refuses text it does not understand', () => {
    expect(parseTimestampMs('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTimestampMs('-infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(() => parseTimestampMs('01/02/2024 03:04:05 PST')).toThrow(/DateStyle ISO/);
  });
});
