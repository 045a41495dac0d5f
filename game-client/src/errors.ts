// Turns request and connection failures into messages a player understands.

import { RequestError } from '../../shared/client/net-client.js';

export function describeError(err: unknown, context: 'connect' | 'join' | 'create' | 'quick' = 'join'): string {
  if (err instanceof RequestError) {
    switch (err.code) {
      case 'ROOM_FULL':
        return 'That room is full. Pick another one, or use Quick play.';
      case 'ROOM_NOT_FOUND':
        return context === 'join'
          ? 'No room with that code or id: check the code, the match may have ended.'
          : 'That room no longer exists.';
      case 'SERVER_FULL':
        return 'The server is at its room limit right now. Try Quick play or try again in a minute.';
      case 'QUOTA_EXCEEDED':
        // The server's message says which limit and when to try again.
        return `You cannot open another room right now: ${err.message.replace(/^QUOTA_EXCEEDED: /, '')}.`;
      case 'TOO_MANY_CONNECTIONS':
        return 'Too many connections from your network to this server. Close other tabs of the game, then try again.';
      case 'SERVER_BUSY':
        return 'The server is overloaded right now. Try again in a few seconds.';
      case 'SHUTTING_DOWN':
        return 'The server is restarting. Try again in a few seconds.';
      case 'PROTOCOL_MISMATCH':
        return 'This page is out of date with the server: reload the page.';
      case 'RATE_LIMITED':
        return 'Slow down a little, then try again.';
      case 'ALREADY_IN_ROOM':
        return 'You are already in a room.';
      case 'TIMEOUT':
        return context === 'connect'
          ? 'Cannot reach the game server. Is it running? Try again once the status below says online.'
          : 'The server did not answer in time. Try again.';
      case 'DISCONNECTED':
        return 'Not connected to the game server. Is it running?';
      case 'UNKNOWN_GAME':
        return context === 'join'
          ? 'That room plays a game this page cannot show: reload the page to get its newest version.'
          : 'The server does not host this game (any more): pick another one.';
      case 'BAD_REQUEST':
        return `The server refused the request: ${err.message.replace(/^BAD_REQUEST: /, '')}`;
      default:
        return `Something went wrong (${err.code}). Try again.`;
    }
  }
  return `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
}
