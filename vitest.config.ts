import { defineConfig } from 'vitest/config';

// One run over every workspace package's tests and the cross-package suites in test/.
// Packages are resolved to their TypeScript sources through the "source" export condition.
export default defineConfig({
  resolve: {
    conditions: ['source'],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup/fast-check-seed.ts'],
    globalSetup: ['./test/setup/cli-cache-dir.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
