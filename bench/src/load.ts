import { buildFleet, runFleet, type FleetSpec } from '@mueang/sim';

/**
 * The load generator, run as its own process so that it does not share a CPU core's event loop
 * with the broker and ingest it measures. Input: a JSON job in argv[2]; output: one JSON line.
 */
interface LoadJob {
  url: string;
  spec: FleetSpec;
  perSecond: number;
  readingsPerDevice: number;
  maxInFlight?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
const fleet = buildFleet(job.spec);
const started = performance.now();
const run = await runFleet({
  url: job.url,
  fleet,
  rate: { perSecond: job.perSecond },
  readingsPerDevice: job.readingsPerDevice,
  maxInFlight: job.maxInFlight ?? 5000,
  connectTimeoutMs: 120_000,
});
const publishingStarted = performance.now();
const summary = await run.done;
process.stdout.write(
  `${JSON.stringify({ sent: summary.sent, acked: summary.acked, errors: summary.errors, skipped: summary.skipped, connectMs: publishingStarted - started, publishMs: performance.now() - publishingStarted, startedAtEpoch: Date.now() - (performance.now() - publishingStarted) })}\n`,
);
process.exit(0);
