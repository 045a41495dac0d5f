// Static serving of the built client: files, gzip, client-side route fallback, no path traversal.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

let ts: TestServer;
const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>game</title>');
  writeFileSync(join(dir, 'assets', 'game.js'), script);
  ts = await startTestServer({ staticDir: dir });
});
afterAll(() => ts.close());

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ts.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves assets gzipped to clients that accept it, with long caching', async () => {
  const res = await get('/assets/game.js', { 'accept-encoding': 'gzip, deflate' });
  expect(res.status).toBe(200);
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(res.headers['cache-control']).toContain('immutable');
  expect(res.body.length).toBeLessThan(script.length / 10);
  expect(gunzipSync(res.body).toString()).toBe(script);
  const plain = await get('/assets/game.js');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.toString()).toBe(script);
});

it('falls back to index.html for client-side routes and refuses traversal', async () => {
  for (const path of ['/replay/abc123', '/replay/2026-12-06T21.30.00-abc']) {
    const route = await get(path);
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('<title>game</title>');
  }
  const traversal = await get('/..%2f..%2fetc%2fpasswd');
  expect(traversal.body.toString()).not.toContain('root:');
});

it('answers a real 404 for a missing file, so a stale page never runs HTML as a script', async () => {
  const missing = await get('/does/not/exist.js');
  expect(missing.status).toBe(404);
  expect(missing.headers['content-type']).toContain('application/json');
  expect(missing.body.toString()).toContain('NOT_FOUND');
  const missingAsset = await get('/assets/game-0123abcd.js');
  expect(missingAsset.status).toBe(404);
});

it('revalidates with ETag and Last-Modified (304), and keeps the page itself uncached', async () => {
  const first = await get('/assets/game.js');
  const etag = String(first.headers.etag);
  expect(etag).toMatch(/^W?\/?"/);
  const again = await get('/assets/game.js', { 'if-none-match': etag });
  expect(again.status).toBe(304);
  expect(again.body.length).toBe(0);
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.headers['cache-control']).toBe('no-cache');
  const since = await get('/', { 'if-modified-since': String(page.headers['last-modified']) });
  expect(since.status).toBe(304);
});

it('answers HEAD like GET without a body, and refuses other methods', async () => {
  const head = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ts.port, path: '/assets/game.js', method: 'HEAD' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  expect(head).toBe(200);
  const post = await fetch(`${ts.url}/assets/game.js`, { method: 'POST', body: 'x' });
  expect(post.status).toBe(405);
});
