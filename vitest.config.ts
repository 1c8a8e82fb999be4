import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The real-tool tier has its own project (vitest.e2e.config.ts, npm run test:e2e).
    exclude: ['__tests__/e2e/**', 'node_modules/**'],
    // Integration tests start registries, mirrors and the bundled action as processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest.json' },
  },
})
