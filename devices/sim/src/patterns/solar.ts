import { DAY_MS, HOUR_MS } from '@mueang/core';

/**
 * Sun position in closed form (declination by Cooper's formula, hour angle from longitude; the
 * equation of time, at most ~16 min, is ignored), and the exact integral of sin(elevation) over
 * the daylight hours, so that a PV meter's energy counter is the integral of its power.
 */

const RAD = Math.PI / 180;

/** days since 1970-01-01 on local solar time at this longitude */
export function solarDayIndex(lon: number, tMs: number): number {
  return Math.floor((tMs + (lon / 15) * HOUR_MS) / DAY_MS);
}

interface SunDay {
  sinLatSinDec: number;
  cosLatCosDec: number;
  /** sunset hour angle, radians */
  sunset: number;
}

function sunDay(lat: number, solarDay: number): SunDay {
  const date = new Date(solarDay * DAY_MS);
  const dayOfYear = Math.floor((solarDay * DAY_MS - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
  const declination = 23.44 * RAD * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const sinLatSinDec = Math.sin(lat * RAD) * Math.sin(declination);
  const cosLatCosDec = Math.cos(lat * RAD) * Math.cos(declination);
  const cosSunset = Math.max(-1, Math.min(1, -sinLatSinDec / cosLatCosDec));
  return { sinLatSinDec, cosLatCosDec, sunset: Math.acos(cosSunset) };
}

function hourAngle(lon: number, tMs: number, solarDay: number): number {
  const solarHours = (tMs + (lon / 15) * HOUR_MS - solarDay * DAY_MS) / HOUR_MS;
  return ((solarHours - 12) / 24) * 2 * Math.PI;
}

/** sin of the sun's elevation, 0 when the sun is below the horizon */
export function sunHeight(lat: number, lon: number, tMs: number): number {
  const day = solarDayIndex(lon, tMs);
  const s = sunDay(lat, day);
  return Math.max(0, s.sinLatSinDec + s.cosLatCosDec * Math.cos(hourAngle(lon, tMs, day)));
}

/** the sun's elevation in degrees (negative at night) */
export function sunElevationDeg(lat: number, lon: number, tMs: number): number {
  const day = solarDayIndex(lon, tMs);
  const s = sunDay(lat, day);
  const sinElevation = s.sinLatSinDec + s.cosLatCosDec * Math.cos(hourAngle(lon, tMs, day));
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / RAD;
}

/** integral of sunHeight over a whole solar day, in hours */
export function dailySunHours(lat: number, solarDay: number): number {
  const s = sunDay(lat, solarDay);
  return (24 / Math.PI) * (s.cosLatCosDec * Math.sin(s.sunset) + s.sunset * s.sinLatSinDec);
}

/** integral of sunHeight from the start of the solar day containing tMs up to tMs, in hours */
export function sunHoursSoFar(lat: number, lon: number, tMs: number): number {
  const day = solarDayIndex(lon, tMs);
  const s = sunDay(lat, day);
  const w = Math.min(s.sunset, Math.max(-s.sunset, hourAngle(lon, tMs, day)));
  return (12 / Math.PI) * (s.cosLatCosDec * (Math.sin(w) + Math.sin(s.sunset)) + s.sinLatSinDec * (w + s.sunset));
}
