import { AQI_BANDS, HOUR_MS } from '@mueang/core';
import { alertRepository, type AlertRepository } from '@mueang/storage';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertFeed, CONSOLE_DIR, contentSecurityPolicy, tileOrigin, type AlertFeedEvent } from '../../src/console/index.ts';
import { createFixture, KEYS, NOW, type Fixture } from '../fixtures.ts';

/**
 * The console's server side: static files with their caching and security headers, the site
 * status and trend read models against hand-computed values of the API fixture, and the live alert
 * stream over real HTTP (PGlite + DuckDB).
 */

let f: Fixture;
let alerts: AlertRepository;

beforeAll(async () => {
  f = await createFixture({ api: { console: { alertPollIntervalMs: 50 } } });
  alerts = alertRepository(f.state);
});

afterAll(async () => {
  await f?.close();
});

describe('static console', () => {
  it('serves the page with a strict CSP, revalidation and ETag (304 when unchanged)', async () => {
    const res = await f.call({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const again = await f.call({ method: 'GET', url: '/', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // the notification link opens the same page
    expect((await f.call({ method: 'GET', url: '/alerts/al-cnx-pm25' })).body).toBe(res.body);
  });

  it('caches assets of the current version for a year, and serves every file the page and its modules load', async () => {
    const page = (await f.call({ method: 'GET', url: '/' })).body;
    const version = /\/console\/(v[0-9a-f]{16})\/app\.js/.exec(page)?.[1] as string;
    expect(version).toBeDefined();
    const wanted = new Set([...page.matchAll(/\/console\/v[0-9a-f]{16}\/([a-z0-9_-]+\.(?:js|css))/g)].map((m) => m[1] as string));
    // every relative import of every module must resolve to a served file
    for (const name of fs.readdirSync(CONSOLE_DIR).filter((n) => n.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(CONSOLE_DIR, name), 'utf8');
      for (const m of text.matchAll(/from '\.\/([a-z0-9_-]+\.js)'/g)) wanted.add(m[1] as string);
    }
    expect(wanted).toContain('reference.js');
    for (const file of wanted) {
      const res = await f.call({ method: 'GET', url: `/console/${version}/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type'], file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
    const old = await f.call({ method: 'GET', url: '/console/v0000000000000000/app.js' });
    expect(old.statusCode).toBe(200);
    expect(old.headers['cache-control']).toBe('no-cache');
    const missing = await f.call({ method: 'GET', url: `/console/${version}/nothing.js` });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('gives the page the AQI bands, names and colours of @mueang/core', async () => {
    const page = (await f.call({ method: 'GET', url: '/' })).body;
    const version = /\/console\/(v[0-9a-f]{16})\//.exec(page)?.[1] as string;
    const module = (await f.call({ method: 'GET', url: `/console/${version}/reference.js` })).body;
    const json = /export const REFERENCE = Object\.freeze\((.*)\);\n/.exec(module)?.[1] as string;
    const reference = JSON.parse(json) as { aqiBands: Array<{ level: number; colour: string; name: { th: string; en: string } }>; rules: Record<string, unknown> };
    expect(reference.aqiBands.map((b) => [b.level, b.colour, b.name.th, b.name.en])).toEqual(AQI_BANDS.map((b) => [b.level, b.colour.hex, b.name.th, b.name.en]));
    expect(reference.rules['air.pm25.24h']).toBeDefined();
  });
});

describe('map tiles (optional)', () => {
  it('lets the page load images from the configured tile server only, and refuses an unusable template', () => {
    expect(contentSecurityPolicy({ tileUrl: null, tileAttribution: null })).toContain("img-src 'self' data:;");
    const csp = contentSecurityPolicy({ tileUrl: 'https://tiles.cnx.example.go.th/osm/{z}/{x}/{y}.png', tileAttribution: '© OpenStreetMap contributors' });
    expect(csp).toContain("img-src 'self' data: https://tiles.cnx.example.go.th;");
    expect(tileOrigin('http://10.0.0.5:8080/{z}/{x}/{y}.png')).toBe('http://10.0.0.5:8080');
    expect(() => tileOrigin('tiles/{z}/{x}/{y}.png')).toThrow(/not a URL/);
    expect(() => tileOrigin('ftp://tiles.example/{z}/{x}/{y}.png')).toThrow(/http/);
    expect(() => tileOrigin('https://tiles.example/{z}/{x}.png')).toThrow(/\{y\}/);
  });
});

describe('site status', () => {
  it('judges water against the class limits, energy against its baseline, bins against the full threshold', async () => {
    const res = await f.call({ method: 'GET', url: '/v1/cities/cnx/site-status', as: 'viewerCnx' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // cnx-wq1, class 3, 15-min samples with a 6 h gap in the last 24 h: 72 of 96 slots = 0.75, just enough
    const water = body.water.find((w: { device: string }) => w.device === 'cnx-wq1');
    expect(water.status).toBe('compliant');
    const byParam = Object.fromEntries(water.params.map((p: { param: string }) => [p.param, p]));
    expect(byParam.pH).toMatchObject({ value: 7.2, verdict: 'pass', completeness: 0.75 });
    expect(byParam.pH.standards[0]).toMatchObject({ id: 'th-sw-ph-class3', min: 5, max: 9 });
    expect(byParam.dissolvedOxygen).toMatchObject({ value: 5, verdict: 'pass' });
    expect(byParam.dissolvedOxygen.standards[0]).toMatchObject({ min: 4, statistic: 'percentile', percentile: 20 });
    expect(byParam.bod).toMatchObject({ value: 1.5, verdict: 'pass' });
    // cnx-em1 has 2 h of one-minute readings: under 75 % of a day, no kWh and no baseline
    expect(body.energy).toEqual([{ site: 'cnx-hall', device: 'cnx-em1', kwhLast24h: null, completeness: expect.closeTo(120 / 1440, 3), baselineKwhPerDay: null, baselineDays: 0, changePercent: null }]);
    // cnx-bin1 at 45 %: below the default 90 % full threshold; its newest reading has the lid open
    expect(body.waste).toEqual([
      { site: 'cnx-district', bins: 1, needCollection: 0, overflowing: 0, devices: [{ device: 'cnx-bin1', fillingLevel: 45, lidOpen: true, ts: new Date(NOW - 15 * 60_000).toISOString(), needsCollection: false, overflowing: false }] },
    ]);
    expect(body.thresholds).toMatchObject({ wasteFullPercent: 90, wasteOverflowPercent: 100, minCompleteness: 0.75 });
    const devices = Object.fromEntries(body.devices.map((d: { id: string; reporting: string }) => [d.id, d.reporting]));
    expect(devices).toEqual({ 'cnx-aq1': 'reporting', 'cnx-aq2': 'reporting', 'cnx-wq1': 'reporting', 'cnx-bin1': 'reporting', 'cnx-em1': 'reporting' });
    expect(body.sites.find((s: { id: string }) => s.id === 'cnx-river')).toMatchObject({ waterClass: 3, domains: ['water'], lat: 18.7877 });
  });

  it('keeps to the city of the key', async () => {
    expect((await f.call({ method: 'GET', url: '/v1/cities/cnx/site-status', as: 'adminBkk' })).statusCode).toBe(403);
    expect((await f.call({ method: 'GET', url: '/v1/cities/cnx/site-status' })).statusCode).toBe(401);
  });
});

describe('device trend', () => {
  it('draws hourly means with the 24 h standard and its rolling mean, only where 75 % of the window is covered', async () => {
    const aq1 = (await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-aq1/trend?range=24h', as: 'viewerCnx' })).json();
    const pm25 = aq1.params.find((p: { param: string }) => p.param === 'pm25');
    expect(pm25.standard).toMatchObject({ id: 'th-aaqs-pm25-24h', max: 37.5, averaging: { periodMs: 24 * HOUR_MS } });
    expect(new Set(pm25.points.map((p: number[]) => p[1]))).toEqual(new Set([37.5]));
    // data since NOW - 24 h 59 min: a window ending at E holds 18 h (75 %) once E >= NOW - 6 h 59 min, so the
    // hourly window ends NOW - 6 h ... NOW + 1 h (the end of the hour holding NOW) have a value, the earlier ones none
    const valued = pm25.rolling.points.filter((p: Array<number | null>) => p[1] !== null);
    expect(valued.map((p: number[]) => p[0])).toEqual([-6, -5, -4, -3, -2, -1, 0, 1].map((h) => NOW + h * HOUR_MS));
    expect(valued.every((p: number[]) => p[1] === 37.5)).toBe(true);
    expect(aq1.device).toMatchObject({ id: 'cnx-aq1', reporting: 'reporting', expectedIntervalS: 60 });

    // cnx-aq2 has only 12 h: the 24 h window never reaches 75 %, so no rolling value is drawn
    const aq2 = (await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-aq2/trend', as: 'viewerCnx' })).json();
    const aq2pm25 = aq2.params.find((p: { param: string }) => p.param === 'pm25');
    // readings NOW - 11 h 59 min ... NOW touch 13 hours: the first only with its last minute, the last only with NOW
    expect(aq2pm25.points.length).toBe(13);
    expect(aq2pm25.rolling.points.every((p: Array<number | null>) => p[1] === null)).toBe(true);
    // O3: the 8 h standard the AQI averages over, and 8 h windows inside the 12 h are covered
    const o3 = aq2.params.find((p: { param: string }) => p.param === 'o3');
    expect(o3.standard).toMatchObject({ id: 'th-aaqs-o3-8h', averaging: { periodMs: 8 * HOUR_MS } });
    expect(o3.rolling.points.some((p: Array<number | null>) => p[1] === 80)).toBe(true);
  });

  it('shows water against the limits of the site class, and reads 30 days from the hourly rollups', async () => {
    const wq = (await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-wq1/trend?range=30d', as: 'viewerCnx' })).json();
    expect(wq.source).toBe('rollup-1h');
    expect(wq.site).toMatchObject({ id: 'cnx-river', waterClass: 3 });
    const ph = wq.params.find((p: { param: string }) => p.param === 'pH');
    expect(ph.standard).toMatchObject({ id: 'th-sw-ph-class3', min: 5, max: 9 });
    expect(ph.rolling).toBeNull();
    const bad = await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/bkk-aq1/trend', as: 'adminAll' });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().detail).toMatch(/No device "bkk-aq1" in city "cnx"/);
  });
});

describe('device trend of noise', () => {
  it('draws hourly Leq (energy means) and the Leq 24 h against the general noise standard', async () => {
    // a noise station at cnx-s1: each hour six minutes at 90 dBA and 54 at 50 (hourly mean 54, Leq 80.0)
    await f.state.upsertDevice({ id: 'cnx-noise1', cityId: 'cnx', siteId: 'cnx-s1', domain: 'air', kind: 'aq-station', name: 'Night market noise' });
    const points = Array.from({ length: 1440 }, (_, k) => ({ ts: NOW - k * 60_000, city: 'cnx', site: 'cnx-s1', device: 'cnx-noise1', domain: 'air' as const, values: { noise: k % 60 < 6 ? 90 : 50 } }));
    await f.telemetry.writePoints(points);
    const leq = 10 * Math.log10((6 * 10 ** 9 + 54 * 10 ** 5) / 60);
    const trend = (await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-noise1/trend?range=24h', as: 'viewerCnx' })).json();
    const noise = trend.params.find((p: { param: string }) => p.param === 'noise');
    expect(noise.statistic).toBe('leq');
    expect(noise.standard).toMatchObject({ id: 'th-noise-leq-24h', max: 70, statistic: 'leq', averaging: { periodMs: 24 * HOUR_MS } });
    // the full hours (the first and last hours of the range hold part of an hour each)
    const full = noise.points.filter((p: [number, number]) => p[0] > NOW - 23 * HOUR_MS && p[0] < NOW - HOUR_MS);
    expect(full.length).toBeGreaterThan(20);
    for (const [, value] of full as Array<[number, number]>) expect(value).toBeCloseTo(leq, 3);
    const valued = noise.rolling.points.filter((p: Array<number | null>) => p[1] !== null);
    expect(valued.length).toBeGreaterThan(0);
    for (const [, value] of valued) expect(Math.abs((value as number) - leq)).toBeLessThan(0.5);
    // the other air parameters stay arithmetic means
    const other = await f.call({ method: 'GET', url: '/v1/cities/cnx/devices/cnx-aq1/trend?range=24h', as: 'viewerCnx' });
    expect(other.json().params.every((p: { statistic: string }) => p.statistic === 'mean')).toBe(true);
  });
});

describe('live alert stream', () => {
  it('follows a city by polling the alert store, one poller per city, stopped when nobody listens', async () => {
    const feed = new AlertFeed({ repository: alerts, pollIntervalMs: 20, now: () => NOW });
    const events: AlertFeedEvent[] = [];
    const { unsubscribe, primed } = feed.subscribe('cnx', { onAlert: (e) => events.push(e), onStatus: () => undefined });
    const second = feed.subscribe('cnx', { onAlert: () => undefined, onStatus: () => undefined });
    await primed;
    expect(feed.watchedCities).toEqual(['cnx']);
    // the known alerts are the starting point, not news
    await new Promise((r) => setTimeout(r, 60));
    expect(events).toEqual([]);
    await alerts.assign('al-cnx-pm25', { assignee: 'Malee', by: 'test', now: NOW });
    await expect.poll(() => events.map((e) => `${e.change}:${e.alert.id}`)).toEqual(['assigned:al-cnx-pm25']);
    unsubscribe();
    expect(feed.watchedCities).toEqual(['cnx']);
    second.unsubscribe();
    expect(feed.watchedCities).toEqual([]);
    feed.close();
  });

  it('streams raised and acknowledged alerts as server-sent events in the shape of the alert routes', async () => {
    const address = await f.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const res = await fetch(`${address}/v1/cities/cnx/alerts/stream`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${KEYS.viewerCnx.key}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const nextEvent = async (): Promise<{ event: string; data: Record<string, unknown> }> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) return { event, data: JSON.parse(data) };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
      }
    };
    expect((await nextEvent()).event).toBe('ready');

    const observation = { parameter: 'pm10', value: 150, unit: 'µg/m³', standard: { id: 'th-aaqs-pm10-24h', version: 'x' }, window: { from: NOW - 24 * HOUR_MS, to: NOW } };
    await alerts.raise({ id: 'al-cnx-stream', dedupKey: 'cnx-aq2|air.pm10.24h', cityId: 'cnx', siteId: 'cnx-s2', deviceId: 'cnx-aq2', domain: 'air', ruleId: 'air.pm10.24h', severity: 'major', observation, at: NOW, now: NOW });
    await alerts.raise({ id: 'al-bkk-stream', dedupKey: 'bkk-aq1|air.pm10.24h', cityId: 'bkk', siteId: 'bkk-s1', deviceId: 'bkk-aq1', domain: 'air', ruleId: 'air.pm10.24h', severity: 'major', observation, at: NOW, now: NOW });
    const raised = await nextEvent();
    expect(raised).toMatchObject({ event: 'alert', data: { change: 'raised', alert: { id: 'al-cnx-stream', cityId: 'cnx', state: 'active', status: 'active_unacknowledged', value: 150 } } });
    const listed = (await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts/al-cnx-stream', as: 'viewerCnx' })).json();
    expect(Object.keys(raised.data.alert as object).sort()).toEqual(Object.keys(listed.alert).sort());

    const ack = await f.call({ method: 'POST', url: '/v1/cities/cnx/alerts/al-cnx-stream/acknowledge', as: 'operatorCnx', payload: {} });
    expect(ack.statusCode).toBe(200);
    // the bkk alert never reaches a cnx stream: the next event is the acknowledgement
    expect(await nextEvent()).toMatchObject({ event: 'alert', data: { change: 'acknowledged', alert: { id: 'al-cnx-stream', acknowledged: true, acknowledgedBy: 'test operatorCnx' } } });
    const streamed = async () => (await f.call({ method: 'GET', url: '/metrics' })).body.match(/mueang_api_requests_total\{method="GET",route="\/v1\/cities\/:city\/alerts\/stream",status="200"\} (\d+)/)?.[1];
    // counted once it ends (a stream has no response time to wait for)
    expect(await streamed()).toBeUndefined();
    controller.abort();
    await expect.poll(streamed).toBe('1');
  });

  it('refuses other cities, and clients that do not ask for an event stream', async () => {
    const other = await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts/stream', as: 'adminBkk', headers: { accept: 'text/event-stream' } });
    expect(other.statusCode).toBe(403);
    const json = await f.call({ method: 'GET', url: '/v1/cities/cnx/alerts/stream', as: 'viewerCnx', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(406);
    expect(json.json().detail).toMatch(/Accept: text\/event-stream/);
  });
});
