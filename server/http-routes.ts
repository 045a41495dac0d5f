// Plain HTTP routes next to socket.io: health, Prometheus metrics, and the built game client.

import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface HttpRouteDeps {
  health(): { ready: boolean; body: Record<string, unknown> };
  metricsText(): Promise<string>;
  metricsContentType: string;
  /** Directory of the built client (index.html at its root), or null when not built. */
  staticDir: string | null;
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
    serveStatic(deps.staticDir, url.pathname, res);
  };
}

function serveStatic(dir: string | null, pathname: string, res: ServerResponse): void {
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
  res.writeHead(200, { 'content-type': type, 'cache-control': cache });
  createReadStream(target).pipe(res);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
