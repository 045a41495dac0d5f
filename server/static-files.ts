// The built browser client at `/`, served by serve-static (ETag and Last-Modified revalidation, 304s,
// errors such as EMFILE answered instead of thrown) behind compression (gzip/brotli on the fly). Vite puts
// content-hashed files under /assets/: those are cached for a year as immutable; everything else is
// revalidated. A missing asset (a script, style, image...) gets a real 404, so a stale cached page never
// runs HTML as a script; any other path is a client-side route (/replay/<id>) and gets index.html.

import compression from 'compression';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import serveStatic from 'serve-static';
import { isResourceExhaustion } from './resource-monitor.js';

export type HttpErrorReply = (res: ServerResponse, status: number, code: string, message: string) => void;

/** The connect-style signature both libraries implement (their typings name Express's request types). */
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

const NOT_BUILT_PAGE =
  '<!doctype html><title>Game server</title><p>The game server is running. The browser client is not built yet: run <code>npm run build</code>.</p>';

/**
 * Extensions of files a page loads (scripts, styles, images, fonts, sounds, data). A missing one is a 404;
 * any other missing path is a client-side route, whose last segment may well contain a dot (a match id).
 */
const ASSET_EXTENSIONS = new Set([
  '.js', '.mjs', '.css', '.map', '.json', '.html', '.txt', '.wasm',
  '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.svg', '.ico',
  '.woff', '.woff2', '.ttf', '.otf', '.mp3', '.ogg', '.wav', '.webm', '.mp4',
]);

function isAssetPath(pathname: string): boolean {
  return pathname.startsWith('/assets/') || ASSET_EXTENSIONS.has(extname(pathname).toLowerCase());
}

export function createStaticHandler(dir: string | null, replyError: HttpErrorReply) {
  const compress = compression({ threshold: 1024 }) as unknown as Middleware;
  const files = dir
    ? (serveStatic(dir, {
        index: ['index.html'],
        redirect: false,
        dotfiles: 'ignore',
        fallthrough: true,
        setHeaders: (res, path) => {
          const hashed = path.includes('/assets/') || path.includes('\\assets\\');
          res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }) as Middleware)
    : null;

  return (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    if (!files || !existsSync(join(dir!, 'index.html'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(NOT_BUILT_PAGE);
      return;
    }
    const failed = (err: NodeJS.ErrnoException & { status?: number }) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isResourceExhaustion(err)) replyError(res, 503, 'SERVER_BUSY', 'the server is short of resources; try again');
      else if (err.status && err.status < 500) replyError(res, err.status, 'BAD_REQUEST', err.message);
      else replyError(res, 500, 'INTERNAL', 'could not read the file');
    };
    compress(req, res, () => {
      files(req, res, (err?: unknown) => {
        if (err) {
          failed(err as NodeJS.ErrnoException);
          return;
        }
        if (isAssetPath(pathname)) {
          replyError(res, 404, 'NOT_FOUND', `no file ${pathname}`);
          return;
        }
        // A client-side route: the app's page, which routes itself.
        req.url = '/';
        files(req, res, (indexErr?: unknown) => {
          if (indexErr) failed(indexErr as NodeJS.ErrnoException);
          else replyError(res, 404, 'NOT_FOUND', 'the client has no index.html');
        });
      });
    });
  };
}
