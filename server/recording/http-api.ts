// GET /api/matches (newest first, paginated), GET /api/matches/:id and GET /api/matches/:id/recording.
// Errors answer { error: { code, message } } like the other routes.

import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isResourceExhaustion } from '../resource-monitor.js';
import { isRecordingId, type RecordingStore } from './store.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache' });
  res.end(head ? undefined : text);
}

function fail(res: ServerResponse, status: number, code: string, message: string, head: boolean): void {
  sendJson(res, status, { error: { code, message } }, head);
}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number | string {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) return `${name} must be an integer in [${min}, ${max}], got "${raw}"`;
  return value;
}

/** Handles a request under /api/ (the caller routed it here). store null: recording is off. */
export function handleRecordingApi(store: RecordingStore | null, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const head = req.method === 'HEAD';
  const parts = url.pathname.split('/').filter((p) => p.length > 0);
  if (parts[0] !== 'api' || parts[1] !== 'matches' || parts.length > 4) {
    fail(res, 404, 'NOT_FOUND', `no API route ${url.pathname}`, head);
    return;
  }
  if (!store) {
    fail(res, 404, 'RECORDING_DISABLED', 'match recording is off on this server (RECORDINGS_DIR=off)', head);
    return;
  }
  if (parts.length === 2) {
    const limit = intParam(url, 'limit', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof limit === 'string' || typeof offset === 'string') {
      fail(res, 400, 'BAD_REQUEST', typeof limit === 'string' ? limit : (offset as string), head);
      return;
    }
    const { total, matches } = store.list(offset, limit);
    const next = offset + matches.length < total ? `/api/matches?offset=${offset + matches.length}&limit=${limit}` : null;
    sendJson(res, 200, { total, offset, limit, next, matches }, head);
    return;
  }
  let id: string;
  try {
    id = decodeURIComponent(parts[2]!);
  } catch {
    fail(res, 400, 'BAD_REQUEST', 'malformed match id', head);
    return;
  }
  if (!isRecordingId(id)) {
    fail(res, 404, 'NOT_FOUND', `no match ${JSON.stringify(id)}`, head);
    return;
  }
  if (parts.length === 3) {
    const summary = store.get(id);
    if (!summary) fail(res, 404, 'NOT_FOUND', `no match ${id}`, head);
    else sendJson(res, 200, summary, head);
    return;
  }
  if (parts[3] !== 'recording') {
    fail(res, 404, 'NOT_FOUND', `no API route ${url.pathname}`, head);
    return;
  }
  const file = store.fileOf(id);
  if (!file) {
    fail(res, 404, 'NOT_FOUND', `no match ${id}`, head);
    return;
  }
  // A live recording is served as far as it is written (whole frames; readers report the cut).
  const headers = {
    'content-type': 'application/octet-stream',
    'content-length': file.size,
    'content-disposition': `attachment; filename="${id}.rec"`,
    'cache-control': file.live ? 'no-cache' : 'private, max-age=3600',
  };
  if (head || file.size === 0) {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  // Headers only once the file is open, so a failure to open (EMFILE, a file just deleted by retention)
  // still gets a real status.
  const stream = createReadStream(file.file, { start: 0, end: file.size - 1 });
  stream.once('ready', () => {
    res.writeHead(200, headers);
    stream.pipe(res);
  });
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (res.headersSent) res.destroy();
    else if (isResourceExhaustion(err)) fail(res, 503, 'SERVER_BUSY', 'the server is short of resources; try again', false);
    else if (err.code === 'ENOENT') fail(res, 404, 'NOT_FOUND', `no match ${id}`, false);
    else fail(res, 500, 'INTERNAL', 'could not read the recording', false);
  });
  res.once('close', () => stream.destroy());
}
