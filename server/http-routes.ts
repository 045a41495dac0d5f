// Plain HTTP routes next to socket.io: health, Prometheus metrics, and the built game client.

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface HttpRouteDeps {
  health(): { ready: boolean; body: Record<string, unknown> };
  metricsText(): Promise<string>;
  metricsContentType: string;
  /** Directory of the built client (index.html at its root), or null when not built. */
  staticDir: string | null;
  /** Answers every request under /api/ (match recordings); absent: 404. */
  api?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function createHttpHandler(deps: HttpRouteDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // socket.io handles its own path before this handler is called.
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} not allowed` } });
      return;
    }
    if (url.pathname === '/healthz') {
      const { ready, body } = deps.health();
      sendJson(res, ready ? 200 : 503, body);
      return;
    }
    if (url.pathname === '/metrics') {
      deps
        .metricsText()
        .then((text) => {
          res.writeHead(200, { 'content-type': deps.metricsContentType });
          res.end(text);
        })
        .catch((err: unknown) => sendJson(res, 500, { error: { code: 'INTERNAL', message: String(err) } }));
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (deps.api) deps.api(req, res, url);
      else sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no API route ${url.pathname}` } });
      return;
    }
    serveStatic(deps.staticDir, url.pathname, req, res);
  };
}

function serveStatic(dir: string | null, pathname: string, req: IncomingMessage, res: ServerResponse): void {
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><title>Arena server</title><p>The game server is running. The browser client is not built yet: run <code>npm run build</code>.</p>',
    );
    return;
  }
  const root = resolve(dir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'malformed URL' } });
    return;
  }
  let target = normalize(join(root, decoded));
  if (target !== root && !target.startsWith(root + sep)) {
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
    return;
  }
  // Client-side routes (e.g. /replay/<id>) fall back to index.html.
  if (!existsSync(target) || statSync(target).isDirectory()) target = join(root, 'index.html');
  const type = MIME[extname(target)] ?? 'application/octet-stream';
  const cache = target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  const accepts = String(req.headers['accept-encoding'] ?? '').includes('gzip');
  if (accepts && COMPRESSIBLE.has(extname(target))) {
    // The Phaser chunk is 1.4 MB raw and ~0.36 MB gzipped: compress once per file version, keep it.
    const body = gzipped(target);
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, 'content-encoding': 'gzip', 'content-length': body.length, vary: 'accept-encoding' });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': type, 'cache-control': cache });
  createReadStream(target).pipe(res);
}

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);
const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();

function gzipped(file: string): Buffer {
  const { mtimeMs } = statSync(file);
  const cached = gzipCache.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.body;
  const body = gzipSync(readFileSync(file));
  gzipCache.set(file, { mtimeMs, body });
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
