import { describe, expect, it } from 'vitest';
import { ALERT_LATENCY_SCENARIO, runAlertLatencyBench } from '../src/alert-latency.ts';

// CI proves the alert-latency benchmark still runs end to end; speed is never asserted here (see BENCHMARKS.md)
describe('alert-latency benchmark, smoke mode', () => {
  it('every triggering reading under background load comes back as one signed webhook', async () => {
    const result = await runAlertLatencyBench({ ...ALERT_LATENCY_SCENARIO.smoke, log: () => undefined });
    expect(result.published).toBe(ALERT_LATENCY_SCENARIO.smoke.alerts);
    expect(result.delivered).toBe(result.published);
    expect(result.latencyMs.count).toBe(result.delivered);
    expect(result.badSignatures).toBe(0);
    expect(result.unexpected).toBe(0);
    expect(result.background.devices).toBe(ALERT_LATENCY_SCENARIO.smoke.devices);
    expect(result.background.acked).toBeGreaterThan(0);
    expect(result.background.acked).toBe(result.background.sent);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p50);
  }, 120_000);
});
