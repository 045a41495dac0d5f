import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,shared,sim,game-client}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
