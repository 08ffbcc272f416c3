import { ProcMonitor } from '../proc-stats.ts';
import type { SecondStats } from '../roles/generator.ts';
import { Cleanup, Generators, loadAverage, startInflux, startServer, waitIdle, type Log } from './common.ts';
import { closedRun, connectFleet, type LoadOptions } from './throughput.ts';

export interface OverloadOptions {
  load: LoadOptions;
  /** offered rate during the overload as a multiple of the sustainable rate (2 = twice) */
  factor: number;
  overloadMs: number;
  /** after the overload: this share of the sustainable rate, while the backlog drains */
  recoveryShare: number;
  recoveryMs: number;
  /** publishes each device may have waiting for a PUBACK (devices do not wait for acks to publish) */
  inFlightPerDevice: number;
}

export interface OverloadSecond extends SecondStats {
  second: number;
  /** readings whose store write completed in this second */
  stored: number;
  platformRssMb: number;
}

export interface OverloadResult {
  sustainablePerSecond: number;
  offeredPerSecond: number;
  /** stored per second during the overload phase */
  storedDuringOverload: number;
  recoveryOfferedPerSecond: number;
  /** seconds after the overload ended until the devices' backlog was sent and the store caught up */
  recoverySeconds: number | null;
  /** stored per second over the last 10 s of the run, against what was offered then */
  storedAtEnd: number;
  backlogPeak: number;
  platformRssBeforeMb: number;
  platformRssPeakMb: number;
  platformRssEndMb: number;
  acked: number;
  stored: number;
  lost: number;
  unacked: number;
  unsent: number;
  timeline: OverloadSecond[];
  loadAverage: number;
}

/**
 * The platform (InfluxDB) at `factor` x its sustainable rate for `overloadMs`, then at
 * `recoveryShare` x while the backlog drains: memory must stay bounded, everything acknowledged
 * must be stored, and the stored rate must come back to what is offered.
 */
export async function runOverload(options: OverloadOptions, log: Log): Promise<OverloadResult> {
  const monitor = new ProcMonitor(250);
  const cleanup = new Cleanup();
  const { load } = options;
  try {
    const influxd = await startInflux(monitor, cleanup);
    const server = await startServer('platform', { mode: 'platform', fleetSize: load.devices, store: { kind: 'influxdb', url: influxd.url, database: 'mueang' }, loginCost: load.loginCost ?? 'production' }, monitor, cleanup);
    const runStart = Date.now();
    const gens = await Generators.start(load.generators, monitor, cleanup);
    await connectFleet(gens, server.url!, load.devices, log);
    const loadAvg = loadAverage();

    // the sustainable rate, measured now, on this machine's current load
    const probe = await gens.run(closedRun(load));
    let acked = probe.acked;
    let unacked = probe.unacked;
    const idle = await waitIdle(server.child, acked);
    const sustainable = idle.writtenReadings / ((idle.lastWriteAt - probe.firstSendAt) / 1000);
    const offered = Math.round(sustainable * options.factor);
    const recoveryRate = Math.round(sustainable * options.recoveryShare);
    log(`overload: sustainable ${Math.round(sustainable)}/s; offering ${offered}/s for ${options.overloadMs / 1000} s, then ${recoveryRate}/s for ${options.recoveryMs / 1000} s`);

    const rssBefore = monitor.rssSeries('platform', Date.now() - 2000).at(-1)?.rssMb ?? 0;
    const run = await gens.run({
      mode: 'open',
      segments: [
        { perSecond: offered, durationMs: options.overloadMs },
        { perSecond: recoveryRate, durationMs: options.recoveryMs },
      ],
      window: options.inFlightPerDevice * load.devices,
      drainTimeoutMs: 120_000,
    });
    acked += run.acked;
    unacked += run.unacked;
    const after = await waitIdle(server.child, acked);
    const stored = await server.child.call<{ readings: number }>('count', { from: runStart - 120_000, to: Date.now() + 120_000 });
    const perSecondStored = new Map(await server.child.call<Array<[number, number]>>('timeline', { from: run.firstSendAt }));
    const rss = monitor.rssSeries('platform', run.firstSendAt);
    const firstSecond = Math.floor(run.firstSendAt / 1000);
    const lastSecond = Math.floor(Math.max(after.lastWriteAt, run.lastAckAt) / 1000);
    const timeline: OverloadSecond[] = [];
    for (let s = firstSecond; s <= lastSecond; s++) {
      const g = run.perSecond[s - firstSecond] ?? { offered: 0, sent: 0, acked: 0, backlog: 0 };
      const inSecond = rss.filter((r) => Math.floor(r.at / 1000) === s).map((r) => r.rssMb);
      timeline.push({ second: s - firstSecond, ...g, stored: perSecondStored.get(s) ?? 0, platformRssMb: inSecond.length ? Math.max(...inSecond) : (timeline.at(-1)?.platformRssMb ?? 0) });
    }
    const overloadSeconds = Math.round(options.overloadMs / 1000);
    const during = timeline.slice(1, overloadSeconds);
    const storedDuring = during.length ? during.reduce((s, t) => s + t.stored, 0) / during.length : 0;
    // recovered: the first second after the overload with no backlog left on the devices
    const recoveredAt = timeline.findIndex((t, i) => i >= overloadSeconds && t.backlog === 0);
    const end = timeline.slice(-11, -1);
    const storedAtEnd = end.length ? end.reduce((s, t) => s + t.stored, 0) / end.length : 0;
    const result: OverloadResult = {
      sustainablePerSecond: sustainable,
      offeredPerSecond: offered,
      storedDuringOverload: storedDuring,
      recoveryOfferedPerSecond: recoveryRate,
      recoverySeconds: recoveredAt >= 0 ? recoveredAt - overloadSeconds : null,
      storedAtEnd,
      backlogPeak: Math.max(0, ...timeline.map((t) => t.backlog)),
      platformRssBeforeMb: rssBefore,
      platformRssPeakMb: Math.max(0, ...rss.map((r) => r.rssMb)),
      platformRssEndMb: rss.at(-1)?.rssMb ?? 0,
      acked,
      stored: stored.readings,
      lost: acked - stored.readings,
      unacked,
      unsent: run.unsent,
      timeline,
      loadAverage: loadAvg,
    };
    log(
      `overload: stored ${Math.round(storedDuring)}/s while ${offered}/s was offered; backlog peak ${result.backlogPeak}; recovered ${result.recoverySeconds ?? 'never'} s after; RSS ${rssBefore.toFixed(0)} -> peak ${result.platformRssPeakMb.toFixed(0)} MB; lost ${result.lost}`,
    );
    return result;
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}
