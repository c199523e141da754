import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Native state (thread pool, dispatch) is per process; forks keep files isolated.
    pool: 'forks',
  },
});
