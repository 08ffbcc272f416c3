import { describe, expect, it } from 'vitest';
import { runPipelineBench } from '../src/pipeline.ts';

// CI proves the benchmark still runs; speed is never asserted here (see BENCHMARKS.md)
describe('pipeline benchmark, smoke mode', () => {
  it('pushes a small load through simulator -> broker -> ingest -> DuckDB and loses nothing', async () => {
    const result = await runPipelineBench({ backend: 'duckdb', devices: 8, offeredPerSecond: 400, readingsPerDevice: 10 });
    expect(result.sent).toBe(80);
    expect(result.acked).toBe(80);
    expect(result.stored).toBe(80);
    expect(result.lost).toBe(0);
    expect(result.dataPoints).toBeGreaterThan(80);
  });
});
