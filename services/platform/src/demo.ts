import { buildFleet, DEMO_FLEET_SPEC, backfill, provisionFleet, runFleet, withCredentials, type Episode, type Fleet, type FleetRun } from '@mueang/sim';
import type { StateStore } from '@mueang/storage';
import { HOUR_MS, DAY_MS } from '@mueang/core';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export interface DemoOptions {
  dataDir: string;
  brokerUrl: string;
  state: StateStore;
  /** readings per device per minute */
  ratePerMinute: number;
  backfillDays: number;
  logger: Logger;
  now?: number;
}

export interface Demo {
  fleet: Fleet;
  run: FleetRun;
  haze: Episode;
  stop(): Promise<void>;
}

interface DemoState {
  /** epoch ms up to which history has been written */
  backfilledTo: number;
  /** the haze episode, fixed at first start so every restart continues the same story */
  haze: Episode;
}

/**
 * The demo city (Chiang Mai, 36 devices): provisioned with random secrets saved in
 * DATA_DIR/sim-credentials.json (mode 0600), a few days of history written at first start (and the
 * gap since the last run at every start), then live readings. A haze episode that began 18 h
 * before the first start and ends 4 h after it exceeds the PM2.5 24 h standard at once and meets
 * it again some hours later, so alerts visibly raise and clear.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const log = options.logger.child({ component: 'simulator' });
  const now = options.now ?? Date.now();
  const credentialsFile = path.join(options.dataDir, 'sim-credentials.json');
  const stateFile = path.join(options.dataDir, 'sim-state.json');

  let fleet = buildFleet({ ...DEMO_FLEET_SPEC, secrets: 'random' });
  if (fs.existsSync(credentialsFile)) {
    const saved = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as { credentials: Array<{ deviceId: string; secret: string }> };
    fleet = withCredentials(buildFleet(DEMO_FLEET_SPEC), saved.credentials);
  }
  const provisioned = await provisionFleet(options.state, fleet);
  if (!fs.existsSync(credentialsFile)) {
    const body = { note: 'MQTT credentials of the simulated demo fleet: username = deviceId, password = secret. Keep this file private.', credentials: provisioned.credentials };
    fs.writeFileSync(credentialsFile, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  }

  let demoState: DemoState;
  if (fs.existsSync(stateFile)) demoState = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as DemoState;
  else {
    demoState = {
      backfilledTo: Math.floor((now - options.backfillDays * DAY_MS) / 60_000) * 60_000,
      haze: { kind: 'haze', startMs: now - 18 * HOUR_MS, durationMs: 22 * HOUR_MS, peak: 140, cityId: fleet.cities[0]!.id },
    };
  }
  const saveState = () => fs.writeFileSync(stateFile, `${JSON.stringify(demoState, null, 2)}\n`);

  const from = Math.max(demoState.backfilledTo, now - 400 * DAY_MS + DAY_MS);
  const to = Math.floor(now / 60_000) * 60_000;
  if (options.backfillDays > 0 && to - from >= 60_000) {
    log.info({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), devices: fleet.devices.length }, 'writing the demo history (one reading per device per minute)');
    const result = await backfill({ url: options.brokerUrl, fleet, from, to, intervalMs: 60_000, episodes: [demoState.haze] });
    log.info({ readings: result.readingsAcked, seconds: Math.round(result.elapsedMs / 100) / 10 }, 'demo history written');
  }
  demoState.backfilledTo = to;
  saveState();

  const run = await runFleet({
    url: options.brokerUrl,
    fleet,
    rate: { intervalMs: Math.round(60_000 / options.ratePerMinute) },
    episodes: [demoState.haze],
    requireAllConnected: false,
    progressIntervalMs: 30_000,
    onProgress: (p) => log.info({ sent: p.sent, acked: p.acked, errors: p.errors, perSecond: Math.round(p.rate * 10) / 10, connected: p.connected }, 'simulator progress'),
  });
  return {
    fleet,
    run,
    haze: demoState.haze,
    stop: async () => {
      await run.stop();
      demoState.backfilledTo = Math.floor(Date.now() / 60_000) * 60_000;
      saveState();
    },
  };
}
