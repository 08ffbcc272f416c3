import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'devices/*/test/**/*.test.ts', 'dashboards/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two cores on these machines; the end-to-end suites start real servers
    maxWorkers: 2,
    reporters: ['default'],
  },
});
