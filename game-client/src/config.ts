// Options read from the page URL: ?transport=polling forces long-polling, ?name= prefills the name,
// ?code= prefills a private room code (share links), ?debug=1 opens the net graph at start.

import type { Transport } from '../../shared/client/net-client.js';
import { JOIN_CODE_ALPHABET, LIMITS } from '../../shared/protocol.js';

export interface PageOptions {
  /** undefined: WebSocket first, long-polling fallback (NetClient's default). */
  readonly transports: readonly Transport[] | undefined;
  readonly name: string | null;
  readonly code: string | null;
  readonly debug: boolean;
}

export function parsePageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const transport = params.get('transport');
  let transports: readonly Transport[] | undefined;
  if (transport === 'polling') transports = ['polling'];
  else if (transport === 'websocket') transports = ['websocket'];
  const code = params.get('code');
  const name = params.get('name');
  return {
    transports,
    name: name && name.trim().length > 0 ? name.trim().slice(0, LIMITS.maxNameLength) : null,
    code: code ? normalizeCode(code) : null,
    debug: params.get('debug') === '1',
  };
}

/** Upper-cases and strips separators; a join code is 6 characters of JOIN_CODE_ALPHABET. */
export function normalizeCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

/** A human message if `code` cannot be a join code, null if it can. */
export function codeProblem(code: string): string | null {
  if (code.length === 0) return 'Type the 6-character room code you were given.';
  if (code.length !== LIMITS.joinCodeLength) return `Room codes have ${LIMITS.joinCodeLength} characters (you typed ${code.length}).`;
  for (const ch of code) {
    if (!JOIN_CODE_ALPHABET.includes(ch)) return `"${ch}" is never used in room codes (codes skip 0, O, 1 and I).`;
  }
  return null;
}
