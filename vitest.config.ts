import { defineConfig } from 'vitest/config';

// .ci/run sets LOGITKIT_TEST_REPORT to collect a JSON report per configuration and print
// the plain "N passed, M failed" line CI reads.
const report = process.env.LOGITKIT_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Native state (thread pool, dispatch) is per process; forks keep files isolated.
    pool: 'forks',
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
