import { AQI_BANDS } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, DESKTOP, PHONE, launchChromium, watchPageErrors, screenshot, signIn, startConsoleWorld, type ConsoleWorld } from './harness.ts';

/**
 * The operator console in Debian's Chromium against the platform `npm start` runs (embedded
 * stores, demo city). The tests run in order and share one platform: the first one opens the alert
 * page before the simulator starts, so the haze episode's alerts must arrive through the live stream.
 */

// what the callbacks passed to page.evaluate use: they run in the page, and this project's TypeScript has no DOM library
declare const window: { innerWidth: number; consoleTestMarker?: string; announced?: string[] };
declare const MutationObserver: new (callback: (records: Array<{ addedNodes: ArrayLike<{ textContent: string | null }> }>) => void) => { observe(target: unknown, options: { childList: boolean }): void };
declare const document: { activeElement: { id: string; closest(selector: string): unknown } | null; documentElement: { lang: string; scrollWidth: number }; getElementById(id: string): unknown };
declare function getComputedStyle(element: unknown): { outlineStyle: string };

const ok = requireComponents('console browser tests', 'chromium');
const NO_DATA_GREY = '#9e9e9e';
const BAND_COLOURS = AQI_BANDS.map((b) => b.colour.hex);

interface StationAqi {
  device: string;
  aqi: number | null;
  band: { colour: string; name: { en: string; th: string } } | null;
}

describe.skipIf(!ok)('operator console in Chromium (platform on the embedded stores, demo city)', () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let operator: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  const contexts: BrowserContext[] = [];

  async function newContext(options: typeof DESKTOP | typeof PHONE): Promise<BrowserContext> {
    const context = await browser.newContext({ ...options, locale: 'en-GB', timezoneId: 'Asia/Bangkok' });
    contexts.push(context);
    // one list for the whole suite, checked after every test
    watchPageErrors(context, (error) => errors.push(error));
    return context;
  }

  beforeAll(async () => {
    world = await startConsoleWorld();
    browser = await launchChromium();
    operator = await newContext(DESKTOP);
    page = await operator.newPage();
  }, 240_000);

  afterEach(() => {
    const seen = errors;
    errors = [];
    expect(seen, 'console errors and uncaught exceptions in the page').toEqual([]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  }, 120_000);

  it('shows an alert raised by the simulator live, and an operator acknowledges it', async () => {
    await signIn(page, world.baseUrl, world.keys.operator.key, `#/c/${world.city}/alerts`);
    await expect.poll(() => page.locator('.live-status').getAttribute('class'), { timeout: 30_000 }).toContain('live-live');
    await expect(page.locator('.alert-card').count()).resolves.toBe(0);
    await expect(page.locator('.role').getAttribute('data-role')).resolves.toBe('operator');
    // a reload would lose this: the alert must come through the open stream
    await page.evaluate(() => {
      window.consoleTestMarker = 'kept';
      // the live region keeps the last five announcements; a busy demo can push one out before it is read here
      window.announced = [];
      new MutationObserver((records) => {
        for (const r of records) for (const node of Array.from(r.addedNodes)) window.announced?.push(node.textContent ?? '');
      }).observe(document.getElementById('live-region'), { childList: true });
    });

    const demo = world.startDemo();
    const card = page.locator('.alert-card[data-rule="air.pm25.24h"]').first();
    await card.waitFor({ timeout: 150_000 });
    await demo;
    expect(await page.evaluate(() => window.consoleTestMarker)).toBe('kept');
    await expect.poll(async () => ((await page.evaluate(() => window.announced)) ?? []).join('\n')).toMatch(/New alert: PM2\.5, 24-hour mean above the standard/);
    await screenshot(page, 'alerts-live-desktop');

    const alertId = (await card.getAttribute('data-alert-id')) as string;
    expect(await card.getAttribute('data-status')).toBe('active_unacknowledged');
    const ack = card.getByRole('button', { name: 'Acknowledge' });
    await ack.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`.alert-card[data-alert-id="${alertId}"]`).getAttribute('data-status'), { timeout: 20_000 }).toBe('active_acknowledged');
    await expect(page.locator(`.alert-card[data-alert-id="${alertId}"] .ack-button`).count()).resolves.toBe(0);

    const stored = (await (await world.api(`/v1/cities/${world.city}/alerts/${alertId}`)).json()) as { alert: { acknowledged: boolean; acknowledgedBy: string }; history: Array<{ transition: string }> };
    expect(stored.alert).toMatchObject({ acknowledged: true, acknowledgedBy: world.keys.operator.name });
    expect(stored.history.map((h) => h.transition)).toEqual(expect.arrayContaining(['raised', 'acknowledged']));

    // an assignment made elsewhere (another operator, through the API) reaches this page live
    const assigned = await world.api(`/v1/cities/${world.city}/alerts/${alertId}/assign`, { key: world.keys.operator.key, method: 'POST', body: { assignee: 'Somchai (air team)' } });
    expect(assigned.status).toBe(200);
    await expect.poll(() => page.locator(`.alert-card[data-alert-id="${alertId}"] .alert-assignee`).textContent(), { timeout: 20_000 }).toBe('Somchai (air team)');
  }, 240_000);

  it("maps the demo city's stations with the colours of the API's AQI", async () => {
    const aqiResponse = page.waitForResponse((r: Response) => new URL(r.url()).pathname === `/v1/cities/${world.city}/aqi` && r.ok());
    await page.goto(`${world.baseUrl}/#/c/${world.city}`);
    const body = (await (await aqiResponse).json()) as { stations: StationAqi[] };
    await page.locator('.station-map .map-marker[data-kind="air"]').first().waitFor();

    const devices = (await (await world.api(`/v1/cities/${world.city}/devices?domain=air`)).json()) as { devices: Array<{ id: string }> };
    expect(body.stations.map((s) => s.device).sort()).toEqual(devices.devices.map((d) => d.id).sort());
    const markers = await page.locator('.station-map .map-marker[data-kind="air"]').evaluateAll((els) =>
      els.map((el) => ({ device: el.getAttribute('data-device'), colour: el.getAttribute('data-colour'), fill: el.querySelector('.map-shape')?.getAttribute('fill'), label: el.getAttribute('aria-label') })),
    );
    expect(markers).toHaveLength(devices.devices.length);
    for (const station of body.stations) {
      const expected = station.band?.colour ?? NO_DATA_GREY;
      const marker = markers.find((m) => m.device === station.device);
      expect(marker, station.device).toMatchObject({ colour: expected, fill: expected });
      if (station.band) expect(marker?.label).toContain(station.band.name.en);
      const badge = page.locator(`.stations-table tr[data-device="${station.device}"] .aqi-badge`);
      expect(await badge.getAttribute('data-colour')).toBe(expected);
      expect((await badge.textContent())?.trim()).toBe(station.aqi === null ? '–' : String(station.aqi));
    }
    // the haze episode: at least one station has an AQI, coloured with an official band colour
    expect(body.stations.some((s) => s.band !== null && BAND_COLOURS.includes(s.band.colour))).toBe(true);
    await screenshot(page, 'overview-desktop');
  }, 60_000);

  it('draws a station page with the standard line and the rolling window, completeness and device status', async () => {
    const firstStation = page.locator('.stations-table tbody tr').first();
    const device = (await firstStation.getAttribute('data-device')) as string;
    await firstStation.getByRole('link').click();
    await page.waitForURL(new RegExp(`#/c/${world.city}/station/${device}`));
    const pm25 = page.locator('.chart-card[data-param="pm25"]');
    await pm25.waitFor({ timeout: 30_000 });
    await expect(pm25.locator('.chart-limit').count()).resolves.toBe(1);
    await expect(pm25.locator('path.line-rolling').count()).resolves.toBe(1);
    await expect(pm25.locator('path.line-hourly').getAttribute('d')).resolves.toMatch(/^M[\d.]+,[\d.]+L/);
    expect(await pm25.textContent()).toContain('th-aaqs-pm25-24h');
    await expect(pm25.locator('.completeness').textContent()).resolves.toMatch(/^\d+ %$/);
    await expect(page.locator('.device-reporting').textContent()).resolves.toMatch(/Reporting|Silent|No data yet/);
    await screenshot(page, 'station-desktop');

    const week = page.getByRole('button', { name: 'Last 7 days' });
    await week.click();
    await expect.poll(() => week.getAttribute('aria-pressed')).toBe('true');
    await page.locator('.chart-card[data-param="pm25"]').waitFor();
    expect(page.url()).toContain('range=7d');
  }, 60_000);

  it('switches labels and dates to Thai with Buddhist Era years, and back', async () => {
    await page.goto(`${world.baseUrl}/#/c/${world.city}`);
    await page.locator('.updated-at').waitFor();
    const year = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', year: 'numeric' }).format(new Date()));
    await expect(page.locator('nav#nav a').first().textContent()).resolves.toBe('Overview');
    await expect(page.locator('.updated-at').textContent()).resolves.toContain(String(year));

    await page.locator('#lang-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('th');
    await expect(page.locator('nav#nav a').first().textContent()).resolves.toBe('ภาพรวม');
    const thaiDate = (await page.locator('.updated-at').textContent()) as string;
    expect(thaiDate).toContain(String(year + 543));
    expect(thaiDate).not.toContain(String(year));
    const cityBand = await page.locator('.city-aqi .band-name').textContent();
    expect(AQI_BANDS.map((b) => b.name.th).concat(['ไม่มีค่า AQI (ข้อมูลไม่พอ)'])).toContain(cityBand);
    await screenshot(page, 'overview-thai-desktop');

    // the choice is kept for the next page load
    await page.reload();
    await page.locator('.updated-at').waitFor();
    await expect(page.locator('nav#nav a').first().textContent()).resolves.toBe('ภาพรวม');
    await page.locator('#lang-toggle').click();
    await expect(page.locator('nav#nav a').first().textContent()).resolves.toBe('Overview');
  }, 60_000);

  it('shows the assessment and downloads the evidence pack', async () => {
    await page.goto(`${world.baseUrl}/#/c/${world.city}/assessment`);
    await page.locator('.kpi-table tbody tr').first().waitFor({ timeout: 60_000 });
    await expect(page.locator('.assessment-result .pill').textContent()).resolves.toMatch(/^(Passes|Does not pass)$/);
    await screenshot(page, 'assessment-desktop');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Download the evidence pack (.tar)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.tar$/);
    const saved = path.join(ARTIFACTS_DIR, download.suggestedFilename());
    await download.saveAs(saved);
    const tar = fs.readFileSync(saved);
    // a ustar archive holding the report and its manifest
    expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
    for (const name of ['index.html', 'manifest.json', 'assessment.json', 'daily.csv']) expect(tar.includes(Buffer.from(name))).toBe(true);
    await expect(page.getByRole('status').filter({ hasText: /Downloaded/ }).count()).resolves.toBe(1);
  }, 120_000);

  it('keeps a viewer from acknowledging: no button, and the API refuses a forced request', async () => {
    const viewer = await newContext(DESKTOP);
    const viewerPage = await viewer.newPage();
    await signIn(viewerPage, world.baseUrl, world.keys.viewer.key, `#/c/${world.city}/alerts`);
    await viewerPage.locator('.alert-card').first().waitFor({ timeout: 30_000 });
    await expect(viewerPage.locator('.role').getAttribute('data-role')).resolves.toBe('viewer');
    await expect(viewerPage.locator('.ack-button').count()).resolves.toBe(0);
    await expect(viewerPage.locator('.assign-form').count()).resolves.toBe(0);
    await expect(viewerPage.locator('.viewer-note').count()).resolves.toBe(1);
    await screenshot(viewerPage, 'alerts-viewer-desktop');

    const unacknowledged = viewerPage.locator('.alert-card[data-status="active_unacknowledged"]').first();
    const alertId = (await unacknowledged.getAttribute('data-alert-id')) as string;
    const forced = await viewer.request.post(`${world.baseUrl}/v1/cities/${world.city}/alerts/${alertId}/acknowledge`, {
      headers: { authorization: `Bearer ${world.keys.viewer.key}`, 'content-type': 'application/json' },
      data: {},
    });
    expect(forced.status()).toBe(403);
    expect(((await forced.json()) as { detail: string }).detail).toMatch(/needs role operator/);
    const after = (await (await world.api(`/v1/cities/${world.city}/alerts/${alertId}`)).json()) as { alert: { acknowledged: boolean } };
    expect(after.alert.acknowledged).toBe(false);

    // the link in alert notifications ({console}/alerts/{id}) opens that alert, with its history
    await viewerPage.goto(`${world.baseUrl}/alerts/${alertId}`);
    await viewerPage.waitForURL(new RegExp(`/#/c/${world.city}/alerts/${alertId}$`));
    const opened = viewerPage.locator(`.alert-card[data-alert-id="${alertId}"]`);
    await opened.locator('.transitions li').first().waitFor({ timeout: 30_000 });
    await expect(opened.locator('.transitions').textContent()).resolves.toContain('Raised');
  }, 60_000);

  it('works with the keyboard and on a phone-sized screen', async () => {
    // keyboard: the first Tab reaches the skip link (visibly focused), which moves the focus to the content
    await page.goto(`${world.baseUrl}/#/c/${world.city}`);
    await page.reload();
    await page.locator('.updated-at').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('skip-link');
    await expect(page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)).resolves.toBe('solid');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    // from there Tab reaches a station (on the map or in the list) and Enter opens it
    let onStation = false;
    for (let i = 0; i < 40 && !onStation; i++) {
      await page.keyboard.press('Tab');
      onStation = await page.evaluate(() => Boolean(document.activeElement?.closest('.map-marker[data-kind="air"], .stations-table')));
    }
    expect(onStation).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/c\/[^/]+\/station\//);
    await page.locator('.chart-card').first().waitFor({ timeout: 30_000 });

    const phone = await newContext(PHONE);
    const phonePage = await phone.newPage();
    await signIn(phonePage, world.baseUrl, world.keys.operator.key, `#/c/${world.city}`);
    for (const [name, hash, ready] of [
      ['overview', '', '.stations-table'],
      ['alerts', '/alerts', '.alert-card'],
      ['assessment', '/assessment', '.kpi-table'],
    ] as const) {
      await phonePage.goto(`${world.baseUrl}/#/c/${world.city}${hash}`);
      await phonePage.locator(ready).first().waitFor({ timeout: 60_000 });
      // nothing wider than the screen: tables scroll inside their own region
      const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, name).toBeLessThanOrEqual(1);
      await screenshot(phonePage, `${name}-phone`);
    }
    await phonePage.goto(`${world.baseUrl}/#/c/${world.city}`);
    await phonePage.locator('.stations-table tbody tr a').first().click();
    await phonePage.locator('.chart-card').first().waitFor({ timeout: 30_000 });
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    await screenshot(phonePage, 'station-phone');
  }, 120_000);
});
