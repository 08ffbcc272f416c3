import { buildFleet, DEMO_FLEET_SPEC, provisionFleet } from '@mueang/sim';
import { loadConfig, startDemo, startPlatform, type Demo, type Platform } from '@mueang/platform';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/**
 * The platform `npm start` runs (broker, ingest, alerts, the API with the console) on the embedded
 * stores in a temporary DATA_DIR, on free ports. The demo simulator is started by the test itself
 * (startDemo, the same code `npm start` runs) once a page is watching, so that the haze episode's
 * alerts are raised while the console is open: that is what shows they arrive live.
 */
export interface ConsoleWorld {
  platform: Platform;
  baseUrl: string;
  city: string;
  keys: { operator: IssuedKey; viewer: IssuedKey };
  /** start the demo fleet: a day of history with the haze episode, then live readings; resolves once the history is stored */
  startDemo(): Promise<Demo>;
  /** a /v1 request with a key (default: the admin key) */
  api(path: string, init?: { key?: string; method?: string; body?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface IssuedKey {
  key: string;
  name: string;
}

export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-artifacts/console');

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-browser-'));
  const logger = pino({ level: process.env.CONSOLE_TEST_LOG_LEVEL ?? 'silent' });
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', MQTT_PORT: '0', MQTT_WS_PORT: '0', HTTP_PORT: '0', SIMULATOR: '0' });
  const platform = await startPlatform(config, logger);
  let demo: Demo | null = null;
  const baseUrl = platform.addresses.http;
  const api: ConsoleWorld['api'] = (p, init = {}) =>
    fetch(`${baseUrl}${p}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.key ?? platform.adminKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  try {
    // the demo city's registry (cities, sites, devices) exists before any reading, as after a first start
    const fleet = buildFleet(DEMO_FLEET_SPEC);
    await provisionFleet(platform.state, fleet);
    const city = fleet.cities[0]!.id;
    const issue = async (name: string, role: 'operator' | 'viewer'): Promise<IssuedKey> => {
      const res = await api('/v1/keys', { method: 'POST', body: { name, role, cityId: city } });
      if (res.status !== 201) throw new Error(`could not create the ${role} key: ${res.status} ${await res.text()}`);
      return { key: ((await res.json()) as { key: string }).key, name };
    };
    const keys = { operator: await issue('duty operator', 'operator'), viewer: await issue('city viewer', 'viewer') };
    return {
      platform,
      baseUrl,
      city,
      keys,
      api,
      async startDemo() {
        demo = await startDemo({ dataDir, brokerUrl: platform.broker.url, state: platform.state, ratePerMinute: 6, backfillDays: 1, logger });
        // the history stored and its hourly and daily rollups computed, as the rollup job does every 30 s
        await platform.ingest.flush();
        return demo;
      },
      async close() {
        await demo?.stop().catch(() => undefined);
        await platform.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await platform.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const DESKTOP = { viewport: { width: 1366, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** report every console error and uncaught exception of the pages of a context */
export function watchPageErrors(context: BrowserContext, report: (error: string) => void): void {
  const watch = (page: Page) => {
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error') report(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => report(`pageerror: ${err.message}`));
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
}

/** sign in through the login form, as a person would */
export async function signIn(page: Page, baseUrl: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  const input = page.getByLabel(/API key|คีย์ API/);
  await input.fill(key);
  await page.getByRole('button', { name: /^(Sign in|เข้าสู่ระบบ)$/ }).click();
  await page.locator('nav#nav a').first().waitFor();
}

/** the whole page as `{name}.png`, and what the first screen shows as `{name}-screen.png` */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-screen.png`) });
}
