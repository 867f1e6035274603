import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Parity tests run whole YOLOv5 forwards/backwards on the cpu backend: seconds, not milliseconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
