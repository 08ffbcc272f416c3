// @ts-nocheck
import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
await page.goto('file:///tmp/asx/report-both.html');
const height = await page.evaluate(() => document.body.scrollHeight);
console.log('height', height);
for (let y = 0, i = 0; y < height; y += 1400, i++) {
  await page.screenshot({ path: `/tmp/asx/part-${i}.png`, fullPage: true, clip: { x: 0, y, width: 1000, height: Math.min(1400, height - y) } });
}
await browser.close();
