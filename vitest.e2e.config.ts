import { defineConfig } from 'vitest/config'

// The real-tool tier: the real Trivy, cosign, Kyverno CLI and gator, built from their Go modules by
// scripts/real-tools.sh (globalSetup runs it, reusing its cache), against loopback registries.
export default defineConfig({
  test: {
    include: ['__tests__/e2e/**/*.e2e.test.ts'],
    globalSetup: ['__tests__/e2e/support/global-setup.ts'],
    // Real scans and signatures take seconds each; the tool build is done once, before any test.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: real Trivy and cosign are CPU-heavy, so test files run one at a time.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-e2e.json' },
  },
})
