// Vite config of the browser game. Root is game-client/, the production build goes to <repo>/dist/client
// (served at / by server/main.ts). In dev (`npm run dev`) socket.io is proxied to the game server, so the
// page talks to its own origin in both modes.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createLogger, defineConfig, type Logger, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const gameServer = process.env.GAME_SERVER_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

/** Prints one summary of the production bundle: total, what the first screen needs, and the lazy chunks. */
function bundleReport(outDir: string): Plugin {
  return {
    name: 'arena-bundle-report',
    apply: 'build',
    closeBundle() {
      const files: { name: string; bytes: number; gzip: number }[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir)) {
          const path = join(dir, entry);
          if (statSync(path).isDirectory()) walk(path);
          else {
            const data = readFileSync(path);
            files.push({ name: relative(outDir, path), bytes: data.length, gzip: gzipSync(data).length });
          }
        }
      };
      walk(outDir);
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const first = files.filter((f) => f.name === 'index.html' || html.includes(f.name));
      const lazy = files.filter((f) => !first.includes(f));
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      const sum = (list: typeof files, key: 'bytes' | 'gzip') => list.reduce((a, f) => a + f[key], 0);
      const lines = [
        `client bundle: ${kb(sum(files, 'bytes'))} (${kb(sum(files, 'gzip'))} gzip) in ${files.length} files`,
        `  first screen (lobby): ${kb(sum(first, 'bytes'))} (${kb(sum(first, 'gzip'))} gzip): ${first.map((f) => f.name).join(', ')}`,
        `  loaded after the lobby paints: ${lazy.map((f) => `${f.name} ${kb(f.bytes)} (${kb(f.gzip)} gzip)`).join(', ')}`,
      ];
      this.environment.logger.info(lines.join('\n'));
    },
  };
}

/**
 * Vite's logger without the stack traces its proxy prints for a peer that went away: a browser tab closed
 * (or reloaded) with its socket.io connection open resets the socket, and the proxy logs ECONNRESET or
 * EPIPE with a stack, once per tab. That is expected; every other error is still printed.
 */
function quietOnProxyResets(): Logger {
  const logger = createLogger('info', { allowClearScreen: false });
  const error = logger.error.bind(logger);
  logger.error = (msg, options) => {
    const code = (options?.error as NodeJS.ErrnoException | null | undefined)?.code;
    if (msg.includes('proxy') && (code === 'ECONNRESET' || code === 'EPIPE')) return;
    error(msg, options);
  };
  return logger;
}

export default defineConfig(({ command }) => ({
  root: here,
  // The dev server only: a build keeps the log level its caller asks for (a custom logger would override it).
  customLogger: command === 'serve' ? quietOnProxyResets() : undefined,
  base: '/',
  publicDir: false,
  clearScreen: false,
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: false,
    // shared/ lives outside the Vite root.
    fs: { allow: [repoRoot] },
    proxy: {
      '/socket.io': { target: gameServer, ws: true, changeOrigin: true },
      '/healthz': { target: gameServer, changeOrigin: true },
      '/api': { target: gameServer, changeOrigin: true },
    },
  },
  plugins: [bundleReport(resolve(repoRoot, 'dist', 'client'))],
  build: {
    outDir: resolve(repoRoot, 'dist', 'client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Phaser is one ~1.3 MB module loaded lazily in its own chunk; the lobby chunk stays small.
    chunkSizeWarningLimit: 1600,
    reportCompressedSize: true,
    // Named, so the bundle report says what it is: otherwise it is named after whichever small module
    // live play and the games' parts share with it.
    rollupOptions: { output: { manualChunks: (id: string) => (/[\\/]node_modules[\\/]phaser[\\/]/.test(id) ? 'phaser' : undefined) } },
  },
}));
