import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,shared,sim,game-client}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Installs Debian's Chromium, redis-server and nginx for the tests when missing (as root), else names the command.
    globalSetup: ['server/test-support/ensure-test-packages.ts'],
  },
});
