import { defineConfig } from 'vitest/config';

// .ci/run sets LOGITKIT_TEST_REPORT to collect a JSON report per configuration and print
// the plain "N passed, M failed" line CI reads.
const report = process.env.LOGITKIT_TEST_REPORT;

export default defineConfig({
  test: {
    // Heavy statistical and training tests run once, at the default tier, through
    // `npm run test:heavy` (LOGITKIT_HEAVY=1), not on every tier and backend.
    include: process.env.LOGITKIT_HEAVY === '1' ? ['test/heavy/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: process.env.LOGITKIT_HEAVY === '1' ? [] : ['test/heavy/**', '**/node_modules/**'],
    testTimeout: 120_000,
    // Native state (thread pool, dispatch) is per process; forks keep files isolated.
    pool: 'forks',
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
