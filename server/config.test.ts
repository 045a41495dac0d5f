import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configFromEnv } from './config.js';

describe('configFromEnv', () => {
  it('defaults to port 3000 and a 30 Hz tick', () => {
    const config = configFromEnv({});
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it('reads PORT, HOST, rates and limits', () => {
    const config = configFromEnv({ PORT: '4123', HOST: '127.0.0.1', TICK_RATE: '60', SNAPSHOT_RATE: '20', MAX_ROOMS: '5' });
    expect(config).toMatchObject({ port: 4123, host: '127.0.0.1', tickRate: 60, snapshotRate: 20, maxRooms: 5 });
  });

  it('fails with a clear message on bad values', () => {
    expect(() => configFromEnv({ PORT: 'abc' })).toThrow(/PORT must be an integer/);
    expect(() => configFromEnv({ TICK_RATE: '30', SNAPSHOT_RATE: '20' })).toThrow(/must divide/);
    expect(() => configFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
