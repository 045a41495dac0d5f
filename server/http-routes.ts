// Plain HTTP routes next to socket.io: health, Prometheus metrics, the recordings API and the built game
// client (server/static-files.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStaticHandler } from './static-files.js';

export interface HttpRouteDeps {
  health(): { ready: boolean; body: Record<string, unknown> };
  metricsText(): Promise<string>;
  metricsContentType: string;
  /** Directory of the built client (index.html at its root), or null when not built. */
  staticDir: string | null;
  /** Answers every request under /api/ (match recordings); absent: 404. */
  api?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  /** Told of an error a route threw (it was answered with a 500). */
  onError?: (err: unknown) => void;
}

export function createHttpHandler(deps: HttpRouteDeps) {
  const serveStatic = createStaticHandler(deps.staticDir, (res, status, code, message) => sendJson(res, status, { error: { code, message } }));
  const route = (req: IncomingMessage, res: ServerResponse): void => {
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
    serveStatic(req, res, url.pathname);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      route(req, res);
    } catch (err) {
      // A throw in a 'request' listener would be an uncaught exception: answer 500 instead.
      deps.onError?.(err);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
