import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'integration_tests/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 180_000, // a loaded 2-core machine runs the planner replays and end-to-end syncs slowly
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
