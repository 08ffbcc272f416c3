import { writeFileSync } from 'node:fs';
import { openStateStore, openTelemetryStore } from '@mueang/storage';
import { buildEvidencePack, loadAndAssess, stateAlertSource, writeKpiOverrides } from '../../services/api/src/assessment/index.ts';
import { CITY, OVERRIDES, PERIOD, loadAlerts, loadRegistry, loadTelemetry } from '../../services/api/test/assessment/fixture.ts';
import { chromium } from 'playwright-core';
const state = await openStateStore({ kind: 'pglite' });
await loadRegistry(state); await loadAlerts(state); await writeKpiOverrides(state, CITY, OVERRIDES, 't');
const telemetry = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
await loadTelemetry(telemetry);
const loaded = await loadAndAssess({ telemetry, state, alerts: stateAlertSource(state) }, (await state.getCity(CITY))!, PERIOD);
for (const lang of ['both'] as const) {
  const pack = buildEvidencePack(loaded.assessment, loaded.input, loaded.catalog, lang);
  writeFileSync(`/tmp/asx/report-${lang}.html`, pack.files['index.html']);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
await page.goto('file:///tmp/asx/report-both.html');
await page.screenshot({ path: '/tmp/asx/shot.png', fullPage: true });
await browser.close(); await telemetry.close(); await state.close();
