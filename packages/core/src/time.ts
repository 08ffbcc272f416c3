/** Time helpers. Thailand has one time zone, UTC+7, with no daylight saving. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const BANGKOK_OFFSET_MS = 7 * HOUR_MS;
export const BANGKOK_TZ = 'Asia/Bangkok';

/** start of the UTC hour containing ts (Bangkok hours coincide with UTC hours) */
export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** start (as epoch ms) of the Asia/Bangkok calendar day containing ts */
export function bangkokDayStart(ts: number): number {
  return Math.floor((ts + BANGKOK_OFFSET_MS) / DAY_MS) * DAY_MS - BANGKOK_OFFSET_MS;
}

/** 'YYYY-MM-DD' of the Asia/Bangkok day containing ts */
export function bangkokDate(ts: number): string {
  return new Date(ts + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
}

/** epoch ms of 00:00 Asia/Bangkok on a 'YYYY-MM-DD' date */
export function bangkokDateStart(date: string): number {
  const ms = Date.parse(`${date}T00:00:00+07:00`);
  if (Number.isNaN(ms)) throw new RangeError(`"${date}" is not a date in YYYY-MM-DD form`);
  return ms;
}
