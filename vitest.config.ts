import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Integration tests start registries, mirrors and the bundled action as processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
