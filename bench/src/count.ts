import { DAY_MS, parametersOf, type Domain } from '@mueang/core';
import type { TelemetryStore } from '@mueang/storage';

/** a parameter every reading of the domain carries in the simulator's payloads: counting it counts readings */
const ALWAYS_SENT: Record<Domain, string> = { air: 'pm25', water: 'pH', energy: 'voltage', waste: 'fillingLevel' };

/** readings and data points (values) in the store between from and to, queried back from the store itself */
export async function countStored(store: TelemetryStore, from: number, to: number, city?: string): Promise<{ readings: number; dataPoints: number }> {
  let readings = 0;
  let dataPoints = 0;
  for (const domain of Object.keys(ALWAYS_SENT) as Domain[]) {
    const params = parametersOf(domain).map((p) => p.name);
    const rows = await store.aggregate({ domain, params, from, to, windowMs: DAY_MS, fn: 'count', groupBy: [], ...(city ? { city } : {}) });
    for (const row of rows) {
      readings += row.values[ALWAYS_SENT[domain]] ?? 0;
      for (const v of Object.values(row.values)) dataPoints += v;
    }
  }
  return { readings, dataPoints };
}
