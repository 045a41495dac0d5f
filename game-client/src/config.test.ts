import { describe, expect, it } from 'vitest';
import { RequestError } from '../../shared/client/net-client.js';
import { codeProblem, normalizeCode, parsePageOptions } from './config.js';
import { describeError } from './errors.js';

describe('page options', () => {
  it('reads ?transport, ?name, ?code and ?debug', () => {
    expect(parsePageOptions('?transport=polling&name=%20Zed%20&code=ab-c2de&debug=1')).toEqual({
      transports: ['polling'],
      name: 'Zed',
      code: 'ABC2DE',
      debug: true,
    });
    expect(parsePageOptions('')).toEqual({ transports: undefined, name: null, code: null, debug: false });
  });

  it('explains why a code cannot be a join code', () => {
    expect(codeProblem(normalizeCode('k7p-2qa'))).toBeNull();
    expect(codeProblem('')).toMatch(/6-character/);
    expect(codeProblem('ABC')).toMatch(/6 characters/);
    expect(codeProblem('ABCDE0')).toMatch(/"0" is never used/);
  });
});

describe('describeError', () => {
  it('has a clear message for full rooms, unknown rooms and a server that is down', () => {
    expect(describeError(new RequestError('ROOM_FULL', 'room is full (2/2 players)'))).toMatch(/full/);
    expect(describeError(new RequestError('ROOM_NOT_FOUND', 'no room'), 'join')).toMatch(/No room with that code/);
    expect(describeError(new RequestError('TIMEOUT', 'x'), 'connect')).toMatch(/Cannot reach the game server/);
    expect(describeError(new RequestError('PROTOCOL_MISMATCH', 'x'))).toMatch(/reload/);
  });
});
