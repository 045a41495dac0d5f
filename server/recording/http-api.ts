// GET /api/matches (newest first, paginated), GET /api/matches/:id and GET /api/matches/:id/recording.
// Errors answer { error: { code, message } } like the other routes. With a MatchIndex the list is the
// cluster's, and a match held by another node answers a 307 to that node's URL. The answers carry
// `Access-Control-Allow-Origin: *` so that a page's fetch() may follow that redirect to another origin
// (another port or host); the data is public and read-only, and no credentials are involved.

import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isResourceExhaustion } from '../resource-monitor.js';
import { withLocation, type MatchIndex } from './match-index.js';
import { isRecordingId, type RecordingStore } from './store.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
  });
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

/**
 * Handles a request under /api/ (the caller routed it here). store null: recording is off. index: the
 * cluster's (or this process's) match index; absent: this store alone, entries without node fields.
 */
export function handleRecordingApi(store: RecordingStore | null, req: IncomingMessage, res: ServerResponse, url: URL, index?: MatchIndex): void {
  const head = req.method === 'HEAD';
  route(store, index, res, url, head).catch(() => {
    if (res.headersSent) res.destroy();
    else fail(res, 500, 'INTERNAL', 'internal error', head);
  });
}

async function route(store: RecordingStore | null, index: MatchIndex | undefined, res: ServerResponse, url: URL, head: boolean): Promise<void> {
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
    const { total, matches, partial } = index ? await index.list(offset, limit) : { ...store.list(offset, limit), partial: false };
    const next = offset + matches.length < total ? `/api/matches?offset=${offset + matches.length}&limit=${limit}` : null;
    sendJson(res, 200, { total, offset, limit, next, partial, matches }, head);
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
    if (!summary) await redirectToOwner(index, id, '', res, head);
    else sendJson(res, 200, index ? withLocation(summary, index) : summary, head);
    return;
  }
  if (parts[3] !== 'recording') {
    fail(res, 404, 'NOT_FOUND', `no API route ${url.pathname}`, head);
    return;
  }
  const file = store.fileOf(id);
  if (!file) {
    await redirectToOwner(index, id, '/recording', res, head);
    return;
  }
  // A live recording is served as far as it is written (whole frames; readers report the cut).
  const headers = {
    'content-type': 'application/octet-stream',
    'content-length': file.size,
    'content-disposition': `attachment; filename="${id}.rec"`,
    'cache-control': file.live ? 'no-cache' : 'private, max-age=3600',
    'access-control-allow-origin': '*',
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

/** A match this node does not have: 307 to the node that has it, or 404; 503 when the index cannot tell. */
async function redirectToOwner(index: MatchIndex | undefined, id: string, suffix: '' | '/recording', res: ServerResponse, head: boolean): Promise<void> {
  if (!index) {
    fail(res, 404, 'NOT_FOUND', `no match ${id}`, head);
    return;
  }
  let owner: { nodeUrl: string } | null;
  try {
    owner = await index.locate(id);
  } catch (err) {
    res.setHeader('retry-after', '1');
    fail(res, 503, 'MATCH_INDEX_UNAVAILABLE', `match ${id} is not on this node and the cluster's match index cannot say where it is: ${(err as Error).message}`, head);
    return;
  }
  // The index may still list a match this node has just deleted: never redirect to ourselves.
  if (!owner || owner.nodeUrl === index.nodeUrl) {
    fail(res, 404, 'NOT_FOUND', `no match ${id}`, head);
    return;
  }
  res.writeHead(307, {
    location: `${owner.nodeUrl}api/matches/${encodeURIComponent(id)}${suffix}`,
    'content-length': 0,
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
  });
  res.end();
}
