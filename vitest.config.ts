import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the console one (PLACEORDER_TEST_REPORT) so that .ci/run can
// check that the PostgreSQL half of the suite really ran.
const report = process.env.PLACEORDER_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them and over PostgreSQL.
    maxWorkers: 2,
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
