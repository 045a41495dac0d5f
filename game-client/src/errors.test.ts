import { describe, expect, it } from 'vitest';
import { RequestError } from '../../shared/client/net-client.js';
import { describeError } from './errors.js';

describe('describeError for the hardening refusals', () => {
  it('passes the quota the server names on to the player', () => {
    const err = new RequestError('QUOTA_EXCEEDED', 'too many rooms created from your address (the limit is 10 a minute); try again in 6 s');
    expect(describeError(err, 'create')).toBe(
      'You cannot open another room right now: too many rooms created from your address (the limit is 10 a minute); try again in 6 s.',
    );
  });

  it('explains refused connections without an error code', () => {
    expect(describeError(new RequestError('TOO_MANY_CONNECTIONS', 'x'), 'connect')).toMatch(/Close other tabs/);
    expect(describeError(new RequestError('SERVER_BUSY', 'x'), 'connect')).toMatch(/overloaded/);
  });

  it('tells a room of a game this page cannot show from a game the server stopped hosting', () => {
    const err = new RequestError('UNKNOWN_GAME', 'x');
    expect(describeError(err, 'join')).toMatch(/cannot show: reload the page/);
    expect(describeError(err, 'quick')).toMatch(/does not host this game/);
  });
});
